import { expect, test } from "@playwright/test";

import { Console } from "./pages/console";
import { SignInPage } from "./pages/sign-in-page";
import { SAME_ORIGIN } from "./support/env";

test("admin creates a group and a user, the user gets no admin pages, the audit log shows it all", async ({
  page,
  browser,
}) => {
  const admin = new Console(page);
  const group = `analysts-${Date.now()}`;
  const username = `grace${Date.now() % 100000}`;
  const password = "Hopper-compiler-1952";

  await admin.createGroup(group, "Analysts of the e2e run");
  await admin.createUser({ username, password, displayName: "Grace Hopper" });
  await expect(page.getByRole("table", { name: "Users" }).getByRole("link", { name: username })).toBeVisible();
  await admin.addMember(group, username);

  // The user signs in in a clean browser and cannot open admin pages.
  const userContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const userPage = await userContext.newPage();
  await new SignInPage(userPage).signInAndWait(username, password);
  const userConsole = new Console(userPage);
  await expect(userConsole.nav("Users")).toHaveCount(0);
  const response = await userPage.goto("/users");
  expect(response?.status()).toBe(403);
  await expect(userPage.getByRole("heading", { name: "You may not open this page" })).toBeVisible();
  await userPage.goto("/audit");
  await expect(userPage.getByRole("heading", { name: "You may not open this page" })).toBeVisible();
  await userPage.goto("/account");
  await expect(userPage.getByText(`groups: ${group}`)).toBeVisible();
  await userPage.goto("/");
  await userConsole.signOut();
  await userContext.close();

  // The admin sees every step in the audit log, and can filter by user.
  await page.goto("/audit");
  const events = page.getByRole("table", { name: "Audit events" });
  for (const action of ["group.create", "user.create", "group.add-member", "session.sign-in", "session.sign-out"]) {
    await expect(events.getByText(action, { exact: true }).first()).toBeVisible();
  }
  await page
    .getByRole("form", { name: "Filter audit events" })
    .getByLabel("User", { exact: true })
    .selectOption(username);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`user=${username}`));
  await expect(events.getByText("session.sign-in", { exact: true })).toBeVisible();
  await expect(events.getByText("session.sign-out", { exact: true })).toBeVisible();
  await expect(events.getByText("group.create", { exact: true })).toHaveCount(0);
});

test("bad input in the user form gives field errors and creates nothing", async ({ page, request }) => {
  const admin = new Console(page);
  const before = (await (await request.get("/api/v1/users")).json()) as unknown[];
  await page.goto("/users");
  const form = admin.createUserForm();

  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByRole("alert")).toContainText("Some fields are not valid");
  await expect(form.getByText("Username is required")).toBeVisible();
  await expect(form.getByText("Password must be at least 10 characters")).toBeVisible();

  await form.getByLabel("Username").fill("x".repeat(10_000));
  await form.getByLabel("Password").fill("password");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByText("Username must be at most 64 characters")).toBeVisible();
  await expect(
    form.getByText("Password must mix at least two of: lowercase, uppercase, digits, symbols"),
  ).toBeVisible();
  // What the user typed is kept for correction.
  await expect(form.getByLabel("Password")).toHaveValue("password");

  await form.getByLabel("Username").fill("admin");
  await form.getByLabel("Password").fill("Another-pass-1");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByText('A user named "admin" already exists').first()).toBeVisible();

  const after = (await (await request.get("/api/v1/users")).json()) as unknown[];
  expect(after).toHaveLength(before.length);
});

test("a wrong password is refused with a plain message", async ({ browser }) => {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn("admin", "not-the-password");
  await expect(signIn.error()).toHaveText("Wrong username or password.");
  await context.close();
});

test("a disabled user is signed out at the next request", async ({ page, browser, request }) => {
  const username = `dis${Date.now() % 100000}`;
  const password = "Disabled-soon-77";
  expect((await request.post("/api/v1/users", { headers: SAME_ORIGIN, data: { username, password } })).status()).toBe(
    201,
  );

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const userPage = await context.newPage();
  await new SignInPage(userPage).signInAndWait(username, password);

  await page.goto("/users");
  await page.getByRole("table", { name: "Users" }).getByRole("link", { name: username }).click();
  await page.getByRole("button", { name: "Disable user" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
  await expect(page.getByText("disabled", { exact: true })).toBeVisible();

  await userPage.reload();
  await expect(userPage.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await context.close();
});
