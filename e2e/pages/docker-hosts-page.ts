import { expect, type Page } from "@playwright/test";

/** The Docker host pages, found by role and label. */
export class DockerHostsPage {
  constructor(readonly page: Page) {}

  table() {
    return this.page.getByRole("table", { name: "Docker hosts" });
  }

  row(name: string) {
    return this.table()
      .getByRole("row")
      .filter({ has: this.page.getByRole("link", { name, exact: true }) });
  }

  async gotoList() {
    await this.page.goto("/docker-hosts");
    await expect(this.page.getByRole("heading", { name: "Docker hosts", level: 1 })).toBeVisible();
  }

  attachForm() {
    return this.page.getByRole("form", { name: "Attach Docker host" });
  }

  async fillAttachForm(host: { name: string; endpoint: string }) {
    await this.page.goto("/docker-hosts/new");
    const form = this.attachForm();
    await form.getByLabel("Name").fill(host.name);
    await form.getByLabel("Endpoint").fill(host.endpoint);
  }

  async submitAttach() {
    await this.attachForm().getByRole("button", { name: "Attach Docker host" }).click();
  }

  permissionsForm() {
    return this.page.getByRole("form", { name: "Docker host permissions" });
  }

  /** Lets every signed-in user run containers on the host (the "use" level). */
  async letEveryoneUse() {
    const form = this.permissionsForm();
    await form.getByLabel("Everyone may run containers on it (use), whatever their groups").check();
    await form.getByRole("button", { name: "Save permissions" }).click();
    await expect(form.getByText("Permissions saved.")).toBeVisible();
  }
}
