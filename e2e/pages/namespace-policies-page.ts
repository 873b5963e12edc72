import { expect, type Page } from "@playwright/test";

/** The namespace policy pages, found by role and label. */
export class NamespacePoliciesPage {
  constructor(readonly page: Page) {}

  async gotoList() {
    await this.page.goto("/namespace-policies");
    await expect(this.page.getByRole("heading", { name: "Namespace policies", level: 1 })).toBeVisible();
  }

  form() {
    return this.page.getByRole("form", { name: "New namespace policy" });
  }

  async create(values: { name: string; pattern: string; quota: string; limits?: string }) {
    await this.gotoList();
    await this.page.getByRole("link", { name: "New policy" }).click();
    const form = this.form();
    await form.getByLabel("Name", { exact: true }).fill(values.name);
    await form.getByLabel("Namespace pattern").fill(values.pattern);
    await form.getByLabel("ResourceQuota (hard)").fill(values.quota);
    if (values.limits) await form.getByLabel("LimitRange (limits YAML)").fill(values.limits);
  }

  applyNow() {
    return this.page.getByRole("region", { name: "Apply now" });
  }

  drift(cluster: string) {
    return this.page.getByRole("table", { name: `Drift on ${cluster}` });
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `test-results/screenshots/namespace-policies-${name}.png`, fullPage: true });
  }
}
