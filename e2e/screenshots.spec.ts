import { expect, test } from "@playwright/test";

/** Screenshots of the main pages, for people to look at (test-results/screenshots/). */
const PAGES = [
  { path: "/users", heading: "Users" },
  { path: "/groups", heading: "Groups" },
  { path: "/audit", heading: "Audit log" },
  { path: "/account", heading: "Your account" },
  { path: "/", heading: "Dashboard" },
  { path: "/clusters", heading: "Clusters" },
];

test.use({ viewport: { width: 1280, height: 800 } });

for (const { path, heading } of PAGES) {
  test(`screenshot ${path}`, async ({ page }) => {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await page.screenshot({ path: `test-results/screenshots/${heading.toLowerCase().replaceAll(" ", "-")}.png`, fullPage: true });
  });
}

test("screenshot sign-in", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/sign-in.png" });
  await context.close();
});
