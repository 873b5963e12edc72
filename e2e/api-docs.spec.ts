import { expect, test } from "@playwright/test";

import { ApiDocsPage } from "./pages/api-docs-page";

test("the API reference shows the submit operation with its request body's fields, from the served document", async ({
  page,
}) => {
  const docs = new ApiDocsPage(page);
  await docs.openFromNavigation();

  const runs = docs.operations("runs");
  const submitLink = runs
    .getByRole("listitem")
    .filter({ hasText: "Submit a run" })
    .getByRole("link", { name: "/api/v1/runs" });
  await expect(submitLink).toBeVisible();
  await submitLink.click();
  await expect(page).toHaveURL(/\/api-docs\/runs#op-submitRun$/);

  const submit = docs.operation("submitRun");
  await expect(submit).toContainText("Submit a run");
  const body = docs.requestBody("submitRun");
  for (const field of ["project", "activity", "object", "script", "command", "env", "executionConfig"]) {
    await expect(body.getByText(field, { exact: true }).first(), field).toBeVisible();
  }
  await expect(body.getByRole("listitem").filter({ hasText: /^project/ })).toContainText("required");
  await submit.getByText("Example: A Python recipe run from a script").click();
  await expect(submit.getByText('"activity": "python-recipe"')).toBeVisible();

  // The page and the served document are the same description.
  const served = await page.request.get("/api/v1/openapi.json");
  expect(served.status()).toBe(200);
  const document = (await served.json()) as { paths: Record<string, Record<string, { operationId: string }>> };
  expect(document.paths["/api/v1/runs"].post.operationId).toBe("submitRun");
});

test("an unknown part of the API is a plain not-found page", async ({ page }) => {
  await page.goto("/api-docs/no-such-tag");
  await expect(page.getByRole("heading", { name: "No such part of the API" })).toBeVisible();
});
