import { expect, type Page } from "@playwright/test";

/** The console shell and the admin pages' forms, found by role and label. */
export class Console {
  constructor(readonly page: Page) {}

  nav(label: string) {
    return this.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true });
  }

  async signOut() {
    await this.page.getByRole("button", { name: "Sign out" }).click();
    await expect(this.page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  }

  async createGroup(name: string, description = "") {
    await this.page.goto("/groups");
    const form = this.page.getByRole("form", { name: "Create group" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Description").fill(description);
    await form.getByRole("button", { name: "Create group" }).click();
    await expect(form.getByRole("status")).toHaveText("Group created.");
  }

  createUserForm() {
    return this.page.getByRole("form", { name: "Create user" });
  }

  async createUser(user: { username: string; password: string; displayName?: string }) {
    await this.page.goto("/users");
    const form = this.createUserForm();
    await form.getByLabel("Username").fill(user.username);
    await form.getByLabel("Display name").fill(user.displayName ?? "");
    await form.getByLabel("Password").fill(user.password);
    await form.getByRole("button", { name: "Create user" }).click();
    await expect(form.getByRole("status")).toHaveText("User created.");
  }

  async addMember(group: string, username: string) {
    await this.page.goto("/groups");
    await this.page.getByRole("table", { name: "Groups" }).getByRole("link", { name: group, exact: true }).click();
    const form = this.page.getByRole("form", { name: "Add member" });
    await form.getByLabel("User").selectOption(username);
    await form.getByRole("button", { name: "Add member" }).click();
    await expect(this.page.getByRole("list", { name: "Members" }).getByRole("link", { name: username })).toBeVisible();
  }
}
