import { expect, type Page } from "@playwright/test";

/** The code environment pages, found by role and label. */
export class CodeEnvsPage {
  constructor(readonly page: Page) {}

  async gotoList() {
    await this.page.goto("/code-envs");
    await expect(this.page.getByRole("heading", { name: "Code environments", level: 1 })).toBeVisible();
  }

  async goto(name: string) {
    await this.page.goto(`/code-envs/${name}`);
    await expect(this.page.getByRole("heading", { name, level: 1 })).toBeVisible();
  }

  form(name: "New code env" | "Edit code env") {
    return this.page.getByRole("form", { name });
  }

  async startNew() {
    await this.gotoList();
    await this.page.getByRole("link", { name: "New code env" }).click();
    await expect(this.page.getByRole("heading", { name: "New code env", level: 1 })).toBeVisible();
  }

  async fill(values: { name?: string; language?: "Python" | "R"; packages?: string; executionConfigs?: string[] }) {
    const form = this.form("New code env");
    if (values.name !== undefined) await form.getByLabel("Name", { exact: true }).fill(values.name);
    if (values.language !== undefined) await form.getByLabel("Language").selectOption({ label: values.language });
    if (values.packages !== undefined) await form.getByLabel("Packages", { exact: true }).fill(values.packages);
    if (values.executionConfigs !== undefined) {
      const group = form.getByRole("group", { name: "Build for execution configs" });
      await group.getByLabel("Selected").check();
      for (const name of values.executionConfigs) await group.getByLabel(name, { exact: true }).check();
    }
  }

  async submitNew() {
    await this.form("New code env").getByRole("button", { name: "Create code env" }).click();
  }

  images() {
    return this.page.getByRole("table", { name: "Images" });
  }

  /** The images table row of one base image reference. */
  imageRow(baseRef: string) {
    return this.images().getByRole("row").filter({ hasText: baseRef });
  }

  async buildStale() {
    await this.page.getByRole("button", { name: "Build what is stale" }).click();
    return this.page.getByRole("status").filter({ hasText: /Queued|current|being built/ });
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `test-results/screenshots/code-envs-${name}.png`, fullPage: true });
  }
}
