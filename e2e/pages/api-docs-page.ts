import { expect, type Page } from "@playwright/test";

/** The console's API reference: the overview of every operation, and one part of the API in detail. */
export class ApiDocsPage {
  constructor(readonly page: Page) {}

  /** The overview's list of one tag's operations. */
  operations(tag: string) {
    return this.page.getByRole("list", { name: `${tag} operations` });
  }

  /** One operation in detail, found by its operationId. */
  operation(operationId: string) {
    return this.page.getByRole("region", { name: new RegExp(`\\b${operationId}\\b`) });
  }

  /** The fields of an operation's request body (top-level and nested). */
  requestBody(operationId: string) {
    return this.operation(operationId).getByRole("list", { name: `Request body of ${operationId}` });
  }

  async openFromNavigation() {
    await this.page.goto("/");
    await this.page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "API reference", exact: true })
      .click();
    await expect(this.page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
  }
}
