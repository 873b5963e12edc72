import { expect, type Page } from "@playwright/test";

export class SignInPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto("/sign-in");
    await expect(this.page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  }

  async signIn(username: string, password: string) {
    const form = this.page.getByRole("form", { name: "Sign in" });
    await form.getByLabel("Username").fill(username);
    await form.getByLabel("Password").fill(password);
    await form.getByRole("button", { name: "Sign in" }).click();
  }

  async signInAndWait(username: string, password: string) {
    await this.goto();
    await this.signIn(username, password);
    await expect(this.page.getByRole("navigation", { name: "Main" })).toBeVisible();
  }

  error() {
    return this.page.getByRole("form", { name: "Sign in" }).getByRole("alert");
  }
}
