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

  gpuAllocation(cluster: string): Locator {
    return this.section(cluster).getByRole("meter", { name: `${cluster} GPU allocation`, exact: true });
  }

  projectGpus(cluster: string, project: string): Locator {
    return this.section(cluster).getByRole("meter", { name: `${cluster} GPUs of project ${project}`, exact: true });
  }

  quotaBar(cluster: string, namespace: string, quota: string, resource: string): Locator {
    return this.section(cluster).getByRole("meter", { name: `${cluster} quota ${namespace}/${quota} ${resource}`, exact: true });
  }

  count(cluster: string, label: string): Locator {
    return this.section(cluster).getByRole("definition", { name: label, exact: true });
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
    await this.section(cluster).getByRole("combobox", { name: `Group ${cluster} pods by` }).selectOption({ label });
  }

  gpuHours(): Locator {
    return this.page.getByRole("region", { name: "GPU-hours" });
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `test-results/screenshots/dashboard-${name}.png`, fullPage: true });
  }
}
