import { expect, test, type Page } from "@playwright/test";

import { ClustersPage } from "./pages/clusters-page";
import { DashboardPage } from "./pages/dashboard-page";
import { BOOTSTRAP_TOKEN } from "./support/env";

/**
 * Screenshots of the main pages, for people to look at (test-results/screenshots/). Each page is
 * first checked for what it exists to show, so a page that renders only its header fails here.
 */
const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const suffix = String(Date.now() % 1_000_000);
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

test.use({ viewport: { width: 1280, height: 800 } });

test("screenshot /users: the admin is listed as an active admin who has signed in", async ({ page }) => {
  await page.goto("/users");
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  const row = page
    .getByRole("table", { name: "Users" })
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: "admin", exact: true }) });
  const cells = row.getByRole("cell");
  // Columns: Username, Name, Role, Groups, Status, Last sign-in.
  await expect(cells.nth(2)).toHaveText("admin");
  await expect(cells.nth(4)).toHaveText("active");
  await expect(cells.nth(5)).not.toHaveText("never");
  await expect(page.getByRole("form", { name: "Create user" }).getByLabel("Username")).toBeVisible();
  await shot(page, "users");
});

test("screenshot /groups: a group created through the form is listed with its description", async ({ page }) => {
  const group = `shot-${suffix}`;
  await page.goto("/groups");
  await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
  const form = page.getByRole("form", { name: "Create group" });
  await form.getByLabel("Name").fill(group);
  await form.getByLabel("Description").fill("Made by the screenshots spec");
  await form.getByRole("button", { name: "Create group" }).click();
  await expect(form.getByRole("status")).toHaveText("Group created.");
  const row = page
    .getByRole("table", { name: "Groups" })
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: group, exact: true }) });
  // Columns: Name, Description, Members, Source.
  await expect(row.getByRole("cell").nth(1)).toHaveText("Made by the screenshots spec");
  await expect(row.getByRole("cell").nth(3)).toHaveText("local");
  await shot(page, "groups");
});

test("screenshot /audit: the change just made is listed with who made it, how, and what it set", async ({
  page,
  request,
}) => {
  const group = `shot-audit-${suffix}`;
  const created = await request.post("/api/v1/groups", {
    headers: admin,
    data: { name: group, description: "audited" },
  });
  expect(created.status(), await created.text()).toBe(201);
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  const row = page
    .getByRole("table", { name: "Audit events" })
    .getByRole("row")
    .filter({ has: page.getByRole("link", { name: group, exact: true }) });
  const cells = row.getByRole("cell");
  // Columns: When, Who, Action, Object, Changes.
  await expect(cells.nth(1)).toHaveText(/^admin\s*via API$/);
  await expect(cells.nth(2)).toHaveText("group.create");
  await expect(cells.nth(3).getByRole("link", { name: group, exact: true })).toBeVisible();
  await expect(cells.nth(4)).toContainText("audited");
  await shot(page, "audit-log");
});

test("screenshot /account: the signed-in user, and a token made here listed as active", async ({ page }) => {
  const token = `shot-token-${suffix}`;
  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();
  await expect(page.getByText(/^admin · admin( ·|$)/)).toBeVisible();
  const form = page.getByRole("form", { name: "Create token" });
  await form.getByLabel("Token name").fill(token);
  await form.getByRole("button", { name: "Create token" }).click();
  await expect(form.getByLabel("New token")).toHaveText(/^\S{20,}$/);
  const row = page
    .getByRole("table", { name: "API tokens" })
    .getByRole("row")
    .filter({ has: page.getByRole("cell", { name: token, exact: true }) });
  // Columns: Name, Starts with, Created, Last used, Status, Actions.
  await expect(row.getByRole("cell").nth(3)).toHaveText("never");
  await expect(row.getByRole("cell").nth(4)).toHaveText("active");
  await expect(row.getByRole("button", { name: "Revoke" })).toBeVisible();
  await shot(page, "your-account");
});

test("screenshot /: the dashboard is live and shows the embedded cluster's GPUs and pods", async ({
  page,
  request,
}) => {
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
  const dashboard = new DashboardPage(page);
  await dashboard.goto();
  await dashboard.waitUntilLive();
  // The embedded cluster has two GPU nodes of four GPUs each (sim/README.md).
  await expect(dashboard.gpuAllocation("embedded")).toHaveAttribute("aria-valuemax", "8");
  await expect(dashboard.count("embedded", "Running pods")).toHaveText(/^\d+$/);
  await expect(dashboard.nodeMap("embedded").getByRole("img", { name: /^\S+: \d of 4 GPUs taken$/ })).toHaveCount(2);
  await shot(page, "dashboard");
});

test("screenshot /clusters: the embedded cluster is listed reachable with its ready nodes", async ({
  page,
  request,
}) => {
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
  const clusters = new ClustersPage(page);
  await clusters.gotoList();
  const embedded = clusters.row("embedded");
  const cells = embedded.getByRole("cell");
  // Columns: Name, Status, Kubernetes, Nodes, GPUs, Server.
  await expect(cells.nth(0)).toContainText("embedded");
  await expect(cells.nth(1)).toHaveText("reachable");
  await expect(cells.nth(2)).toHaveText(/^v1\.\d+/);
  await expect(cells.nth(3)).toHaveText(/^(\d+)\/\1 ready$/);
  await expect(cells.nth(5)).toHaveText(/^https:\/\//);
  await shot(page, "clusters");
});

test("screenshot sign-in: the form asks for a username and password and names a wrong one", async ({ browser }) => {
  const context = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByLabel("Username").fill("admin");
  await form.getByLabel("Password").fill("not-the-password");
  await form.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(form.getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(/\/sign-in/);
  await form.getByLabel("Password").fill("");
  await page.screenshot({ path: "test-results/screenshots/sign-in.png" });
  await context.close();
});
