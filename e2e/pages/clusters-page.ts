import { expect, type Page } from "@playwright/test";

/** The clusters pages, found by role and label. */
export class ClustersPage {
  constructor(readonly page: Page) {}

  table() {
    return this.page.getByRole("table", { name: "Clusters" });
  }

  row(name: string) {
    return this.table()
      .getByRole("row")
      .filter({ has: this.page.getByRole("link", { name, exact: true }) });
  }

  async gotoList() {
    await this.page.goto("/clusters");
    await expect(this.page.getByRole("heading", { name: "Clusters", level: 1 })).toBeVisible();
  }

  async open(name: string) {
    await this.gotoList();
    await this.table().getByRole("link", { name, exact: true }).click();
    await expect(this.page.getByRole("heading", { name, level: 1 })).toBeVisible();
  }

  async tab(label: string) {
    await this.page
      .getByRole("navigation", { name: "Cluster sections" })
      .getByRole("link", { name: label, exact: true })
      .click();
    await expect(
      this.page.getByRole("navigation", { name: "Cluster sections" }).getByRole("link", { name: label, exact: true }),
    ).toHaveAttribute("aria-current", "page");
  }

  attachForm() {
    return this.page.getByRole("form", { name: "Attach cluster" });
  }

  /** Fills the attach form (pasting the kubeconfig) and waits for the contexts to be listed. */
  async fillAttachForm(cluster: { name: string; kubeconfig: string; context: string }) {
    await this.page.goto("/clusters/new");
    const form = this.attachForm();
    await form.getByLabel("Name").fill(cluster.name);
    await form.getByLabel("Kubeconfig", { exact: true }).fill(cluster.kubeconfig);
    await expect(
      form.getByLabel("Context").getByRole("option", { name: new RegExp(`^${cluster.context} — https://`) }),
    ).toHaveCount(1);
    await form.getByLabel("Context").selectOption(cluster.context);
  }

  async submitAttach(name: string) {
    await this.attachForm().getByRole("button", { name: "Attach cluster" }).click();
    await expect(this.page.getByRole("heading", { name, level: 1 })).toBeVisible();
  }

  async setGrant(group: string, level: "" | "use" | "operate" | "manage") {
    await this.tab("Permissions");
    const form = this.page.getByRole("form", { name: "Cluster permissions" });
    await form.getByLabel(group, { exact: true }).selectOption(level);
    await form.getByRole("button", { name: "Save permissions" }).click();
    await expect(form.getByRole("status")).toHaveText("Permissions saved.");
  }

  /** Runs a cleanup dry run and returns the form, whose status lists what would go. */
  async dryRunCleanup(options: { target: "pods" | "jobs"; labelSelector?: string }) {
    await this.tab("Cleanup");
    const form = this.page.getByRole("form", { name: "Cleanup" });
    await form.getByLabel("What").selectOption(options.target);
    await form.getByLabel("Label selector").fill(options.labelSelector ?? "");
    await form.getByRole("button", { name: "Dry run" }).click();
    await expect(form.getByRole("status")).toBeVisible();
    return form;
  }

  async screenshot(name: string) {
    await this.page.screenshot({ path: `test-results/screenshots/clusters-${name}.png`, fullPage: true });
  }
}
