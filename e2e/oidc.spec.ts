import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

import type { AuditEventView } from "../lib/audit/schema";
import type { GroupView } from "../lib/groups/schema";
import type { UserView } from "../lib/users/schema";
import { Console } from "./pages/console";
import { SignInPage } from "./pages/sign-in-page";
import { SsoSignInPage } from "./pages/sso-sign-in-page";
import { BASE_URL, BOOTSTRAP_TOKEN, OIDC_ISSUER, OIDC_NAME } from "./support/env";
import { SSO_ACCOUNTS } from "./support/sso-accounts";

// Each test starts signed out, with no session at the identity provider either.
test.use({ storageState: { cookies: [], origins: [] } });

const REFUSED = "Your account is disabled or was refused by the identity provider.";
const NAME_TAKEN =
  "Your identity provider's user name already belongs to another Berth account. Ask a Berth administrator.";

let admin: APIRequestContext;
let provider: APIRequestContext;

test.beforeAll(async ({ playwright }) => {
  admin = await playwright.request.newContext({
    baseURL: BASE_URL,
    extraHTTPHeaders: { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
  });
  provider = await playwright.request.newContext({ baseURL: OIDC_ISSUER });
});

test.afterAll(async () => {
  await admin.dispose();
  await provider.dispose();
});

/** Sets the groups claim the provider will send for an account from now on. */
async function setProviderGroups(sub: string, groups: string[]) {
  const response = await provider.put(`/test/accounts/${sub}/groups`, { data: { groups } });
  expect(response.status()).toBe(200);
}

async function berthUser(username: string): Promise<UserView> {
  const response = await admin.get(`/api/v1/users/${username}`);
  expect(response.status()).toBe(200);
  return response.json();
}

async function berthGroups(): Promise<GroupView[]> {
  const response = await admin.get("/api/v1/groups");
  expect(response.status()).toBe(200);
  return response.json();
}

async function expectSignedInAs(page: Page, username: string, groups: string[]) {
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(page.getByText(`${username} · user · groups: ${groups.join(", ")}`)).toBeVisible();
}

/** Berth's SSO button when the provider still has a session: no form, straight back to Berth. */
async function signInAgainWithSso(page: Page) {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: `Sign in with ${OIDC_NAME}` }).click();
}

test("an SSO user signs in and the groups claim becomes Berth groups", async ({ page }) => {
  await setProviderGroups("sub-ana", SSO_ACCOUNTS["sub-ana"].groups);
  const sso = new SsoSignInPage(page);
  await sso.open();
  await sso.signIn("sso-ana");

  await expect(page).toHaveURL(`${BASE_URL}/`);
  await expectSignedInAs(page, "sso-ana", ["data-science", "gpu-users"]);

  const user = await berthUser("sso-ana");
  expect(user).toMatchObject({
    authSource: "oidc",
    role: "user",
    displayName: "Ana Lopez",
    groups: ["data-science", "gpu-users"],
  });
  expect(user.lastSignInAt).not.toBeNull();
  const groups = await berthGroups();
  for (const name of ["data-science", "gpu-users"]) {
    expect(groups.find((group) => group.name === name)).toMatchObject({
      source: "oidc",
      members: expect.arrayContaining(["sso-ana"]),
    });
  }
  const audit: AuditEventView[] = await (await admin.get("/api/v1/audit?user=sso-ana&objectType=session")).json();
  expect(audit.map((event) => event.action)).toContain("session.sign-in");
});

test("a wrong password at the provider keeps the user there", async ({ page }) => {
  const sso = new SsoSignInPage(page);
  await sso.open();
  await sso.signIn("sso-ana", "not-the-password");
  await expect(sso.form().getByRole("alert")).toHaveText("Unknown username or wrong password.");
});

test("the next sign-in drops groups the provider removed and keeps local ones", async ({ page }) => {
  await setProviderGroups("sub-carl", ["Data Science", "spark-users"]);
  const sso = new SsoSignInPage(page);
  await sso.open();
  await sso.signIn("sso-carl");
  await expectSignedInAs(page, "sso-carl", ["data-science", "spark-users"]);

  expect(
    (await admin.post("/api/v1/groups", { data: { name: "carl-reviewers", description: "Local group" } })).status(),
  ).toBe(201);
  expect(
    (await admin.put("/api/v1/groups/carl-reviewers/members", { data: { usernames: ["sso-carl"] } })).status(),
  ).toBe(200);
  await setProviderGroups("sub-carl", ["Data Science"]);

  await new Console(page).signOut();
  await signInAgainWithSso(page);
  await expectSignedInAs(page, "sso-carl", ["carl-reviewers", "data-science"]);

  expect((await berthUser("sso-carl")).groups).toEqual(["carl-reviewers", "data-science"]);
  const sparkUsers = (await berthGroups()).find((group) => group.name === "spark-users");
  expect(sparkUsers?.members).not.toContain("sso-carl");
});

test("a user disabled in Berth cannot sign in through SSO", async ({ page }) => {
  const sso = new SsoSignInPage(page);
  await sso.open();
  await sso.signIn("sso-dora");
  await expectSignedInAs(page, "sso-dora", ["gpu-users"]);
  await new Console(page).signOut();

  expect((await admin.patch("/api/v1/users/sso-dora", { data: { disabled: true } })).status()).toBe(200);
  await signInAgainWithSso(page);

  await expect(page).toHaveURL(/\/sign-in\?.*error=AccessDenied/);
  await expect(new SignInPage(page).error()).toHaveText(REFUSED);
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

/** The provider account signs in and Berth refuses it: the name belongs to someone else. */
async function expectNameTaken(page: Page, login: string) {
  const sso = new SsoSignInPage(page);
  await sso.open();
  await sso.signIn(login);
  await expect(page).toHaveURL(/\/sign-in\?.*error=NameTaken/);
  await expect(new SignInPage(page).error()).toHaveText(NAME_TAKEN);
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
}

test("an SSO account named like a local user cannot sign in as that user", async ({ page }) => {
  // The provider's account "admin" is not Berth's local admin.
  await expectNameTaken(page, "admin");
  expect((await berthUser("admin")).authSource).toBe("local");
  expect((await berthGroups()).map((group) => group.name)).not.toContain("admins");
});

test("an SSO account whose preferred_username is the local user lena does not get lena's session", async ({ page }) => {
  const created = await admin.post("/api/v1/users", {
    data: { username: "lena", password: "Local-e2e-Pass-1", groups: [] },
  });
  expect(created.status()).toBe(201);

  await expectNameTaken(page, "lena");

  const lena = await berthUser("lena");
  expect(lena).toMatchObject({ authSource: "local", groups: [] });
  expect(lena.lastSignInAt).toBeNull();
  const audit: AuditEventView[] = await (await admin.get("/api/v1/audit?objectType=session")).json();
  expect(
    audit.find((event) => event.action === "session.sign-in-failed" && event.objectName === "lena")?.after,
  ).toMatchObject({ reason: "the name belongs to another user", subject: "sub-lena-impostor" });
});

test("another provider account with an SSO user's preferred_username does not get that user's session", async ({
  page,
  browser,
}) => {
  // sso-ana (sub-ana) has signed in before, in a browser of her own; sub-ana-twin says it is "sso-ana" too.
  const hers = await browser.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const herPage = await hers.newPage();
  await new SsoSignInPage(herPage).open();
  await new SsoSignInPage(herPage).signIn("sso-ana");
  await expect(herPage.getByRole("navigation", { name: "Main" })).toBeVisible();
  await hers.close();

  await expectNameTaken(page, "ana-twin");
  const ana = await berthUser("sso-ana");
  expect(ana.groups).not.toContain("twins");
  expect((await berthGroups()).map((group) => group.name)).not.toContain("twins");
});
