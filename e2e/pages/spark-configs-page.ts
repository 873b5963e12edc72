import { expect, type Page } from "@playwright/test";

/** The Spark config pages, found by role and label. */
export class SparkConfigsPage {
  constructor(readonly page: Page) {}

  async gotoList() {
    await this.page.goto("/spark-configs");
    await expect(this.page.getByRole("heading", { name: "Spark configs", level: 1 })).toBeVisible();
  }

  form(name: "New Spark config" | "Edit Spark config") {
    return this.page.getByRole("form", { name });
  }

  async startNew() {
    await this.gotoList();
    await this.page.getByRole("link", { name: "New Spark config" }).click();
    await expect(this.page.getByRole("heading", { name: "New Spark config", level: 1 })).toBeVisible();
  }

  async fill(values: {
    name?: string;
    image?: string;
    conf?: string;
    managedNamespace?: string;
    perJobAccount?: boolean;
    executorPodYaml?: string;
  }) {
    const form = this.form("New Spark config");
    if (values.name !== undefined) await form.getByLabel("Name", { exact: true }).fill(values.name);
    if (values.image !== undefined) await form.getByLabel("Image", { exact: true }).fill(values.image);
    if (values.conf !== undefined) await form.getByLabel("Spark conf").fill(values.conf);
    if (values.managedNamespace !== undefined) {
      await form.getByLabel(/Managed mode/).check();
      await form.getByLabel("Namespace", { exact: true }).fill(values.managedNamespace);
      if (values.perJobAccount) await form.getByLabel("A service account per job").check();
    }
    if (values.executorPodYaml !== undefined) await form.getByLabel("Executor pod YAML").fill(values.executorPodYaml);
  }

  async submitNew() {
    await this.form("New Spark config").getByRole("button", { name: "Create Spark config" }).click();
  }

  preview(section: "spark-submit" | "SparkApplication") {
    return this.page.getByRole("region", { name: section });
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `test-results/screenshots/spark-configs-${name}.png`, fullPage: true });
  }
}
