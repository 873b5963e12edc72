import { expect, type Page } from "@playwright/test";

import { OIDC_NAME } from "../support/env";
import { SSO_PASSWORD } from "../support/sso-accounts";

/** The e2e identity provider's sign-in form, reached from Berth's "Sign in with …" button. */
export class SsoSignInPage {
  constructor(private readonly page: Page) {}

  form() {
    return this.page.getByRole("form", { name: `${OIDC_NAME} sign-in` });
  }

  /** From Berth's sign-in page to the provider's form. */
  async open() {
    await this.page.goto("/sign-in");
    await this.page.getByRole("button", { name: `Sign in with ${OIDC_NAME}` }).click();
    await expect(this.form()).toBeVisible();
  }

  async signIn(username: string, password = SSO_PASSWORD) {
    await this.form().getByLabel("Username").fill(username);
    await this.form().getByLabel("Password").fill(password);
    await this.form().getByRole("button", { name: "Continue" }).click();
  }
}
