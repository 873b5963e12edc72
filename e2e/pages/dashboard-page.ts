import { expect, type Locator, type Page } from "@playwright/test";

/** The dashboard (the console's home page), found by role and label. */
export class DashboardPage {
  constructor(readonly page: Page) {}

  async goto() {
    await this.page.goto("/");
    await expect(this.page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  }

  /** Resolves once the SSE stream is open: changes from now on arrive without a reload. */
  async waitUntilLive() {
    await expect(this.page.getByRole("status", { name: "Live updates" })).toHaveText("live");
  }

  section(cluster: string): Locator {
    return this.page.getByRole("region", { name: `Cluster ${cluster}` });
  }

  dockerHost(host: string): Locator {
    return this.page.getByRole("region", { name: `Docker host ${host}` });
  }

  gpuAllocation(cluster: string): Locator {
    return this.section(cluster).getByRole("meter", { name: `${cluster} GPU allocation`, exact: true });
  }

  projectGpus(cluster: string, project: string): Locator {
    return this.section(cluster).getByRole("meter", { name: `${cluster} GPUs of project ${project}`, exact: true });
  }

  quotaBar(cluster: string, namespace: string, quota: string, resource: string): Locator {
    return this.section(cluster).getByRole("meter", {
      name: `${cluster} quota ${namespace}/${quota} ${resource}`,
      exact: true,
    });
  }

  count(cluster: string, label: string): Locator {
    return this.section(cluster).getByRole("group", { name: label, exact: true }).getByRole("definition");
  }

  nodeMap(cluster: string): Locator {
    return this.section(cluster).getByRole("list", { name: `${cluster} GPU node map` });
  }

  utilization(cluster: string): Locator {
    return this.section(cluster).getByLabel(`${cluster} GPU utilization`, { exact: true });
  }

  breakdown(cluster: string, by: string): Locator {
    return this.section(cluster).getByRole("table", { name: `${cluster} pods by ${by}` });
  }

  async groupBy(cluster: string, label: string) {
    await this.section(cluster)
      .getByRole("combobox", { name: `Group ${cluster} pods by` })
      .selectOption({ label });
  }

  gpuHours(): Locator {
    return this.page.getByRole("region", { name: "GPU-hours" });
  }

  async choosePeriod(label: string) {
    await this.gpuHours().getByRole("combobox", { name: "Period" }).selectOption({ label });
  }

  gpuHoursTable(by = "project"): Locator {
    return this.gpuHours().getByRole("table", { name: `GPU-hours per ${by}` });
  }

  /** Clicks "Download CSV" and returns the file's text. */
  async downloadCsv(): Promise<string> {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.gpuHours().getByRole("link", { name: "Download CSV" }).click(),
    ]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  /** Charts load after the figures (next/dynamic): wait for them before a screenshot. */
  async chartsDrawn() {
    await expect(this.page.getByText("Drawing the chart…")).toHaveCount(0);
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `test-results/screenshots/dashboard-${name}.png`, fullPage: true });
  }
}
