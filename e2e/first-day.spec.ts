import { expect, test, type Browser, type Page } from "@playwright/test";

import { Console } from "./pages/console";
import { ProjectsPage } from "./pages/projects-page";
import { RunsPage } from "./pages/runs-page";
import { SignInPage } from "./pages/sign-in-page";
import { BOOTSTRAP_TOKEN } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const PASSWORD = "Churn-first-day-1";
/** The story's names on a fresh data dir; suffixed only when an earlier spec of the same run took them. */
const names = { group: "ml", user: "ana", project: "churn", featuresConfig: `features-cpu-${Date.now() % 1_000_000}` };
/** The simulator runs a pod until it is deleted unless told how long: the run form's simulated behaviour. */
const QUICK = "duration=2s";

test.use({ viewport: { width: 1280, height: 900 } });
test.describe.configure({ mode: "serial" });

let ana: Page;

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await new SignInPage(page).signInAndWait(username, PASSWORD);
  return page;
}

test.afterAll(async () => {
  await ana?.context().close();
});

test("first day: admin makes group ml, user ana and project churn, and nothing else; ana's first run from the form succeeds", async ({
  page,
  request,
  browser,
}) => {
  const suffix = String(Date.now() % 100_000);
  if ((await request.get(`/api/v1/groups/${names.group}`, { headers: admin })).status() === 200)
    names.group = `ml-${suffix}`;
  if ((await request.get(`/api/v1/users/${names.user}`, { headers: admin })).status() === 200)
    names.user = `ana${suffix}`;
  if ((await request.get(`/api/v1/projects/${names.project}`, { headers: admin })).status() === 200)
    names.project = `churn${suffix}`;

  const adminConsole = new Console(page);
  await adminConsole.createGroup(names.group, "Data scientists");
  await adminConsole.createUser({ username: names.user, password: PASSWORD, displayName: "Ana" });
  await adminConsole.addMember(names.group, names.user);
  await new ProjectsPage(page).createProject({ key: names.project, name: "Churn", ownerGroup: names.group });

  // The starting points seeded on the first start say what they are.
  await page.goto("/execution-configs");
  await expect(page.getByText(/Starting point created by Berth/).first()).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/first-day-execution-configs.png", fullPage: true });
  const cluster = (await (await request.get("/api/v1/clusters/embedded", { headers: admin })).json()) as { id: number };
  await page.goto(`/clusters/${cluster.id}?tab=permissions`);
  await expect(page.getByLabel("Everyone may run work on it (use), whatever their groups")).toBeChecked();
  await page.screenshot({ path: "test-results/screenshots/first-day-cluster-permissions.png", fullPage: true });

  ana = await signedIn(browser, names.user);
  const runs = new RunsPage(ana);
  await runs.submit({
    project: names.project,
    activity: "python-recipe",
    script: 'print("hello from ana")',
    simulated: QUICK,
  });
  const id = await runs.openedRunId();
  await expect(runs.status()).toContainText("succeeded", { timeout: 60_000 });
  const config = ana.getByRole("definition").filter({ hasText: "starter-cpu" });
  await expect(config).toContainText("starter-cpu — from instance default");
  await expect(ana.getByRole("heading", { level: 1 })).toContainText("print");
  await ana.screenshot({ path: "test-results/screenshots/first-day-first-run.png", fullPage: true });

  await runs.openList();
  await expect(runs.row(id)).toContainText("succeeded");

  // Nothing seeds a Spark config: the form says so before submitting, and whom ana can ask.
  const settings = (await (await request.get("/api/v1/settings", { headers: admin })).json()) as {
    defaultSparkConfig: string | null;
  };
  if (settings.defaultSparkConfig === null) {
    await ana.goto(`/runs/new?project=${names.project}&activity=spark-recipe`);
    const notice = runs.form().getByRole("note", { name: "Why it cannot start" });
    await expect(notice).toContainText("no Spark config selected");
    await expect(notice).toContainText(
      `Ask a Berth admin (admin) or an administrator of project ${names.project} (group ${names.group}) to set a Spark config for this project.`,
    );
    await ana.screenshot({ path: "test-results/screenshots/first-day-cannot-start-notice.png", fullPage: true });
  }
});

test("an override for object prepare_features reaches the run of that object (origin object), and Run again repeats it", async ({
  page,
  request,
}) => {
  const created = await request.post("/api/v1/execution-configs", {
    headers: admin,
    data: {
      name: names.featuresConfig,
      image: "python:3.12-slim",
      namespace: "berth-${project}",
      createNamespace: true,
      resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
      usableBy: "all",
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const projects = new ProjectsPage(page);
  await projects.open(names.project);
  await projects.saveOverride({
    objectId: "prepare_features",
    activityType: "python-recipe",
    executionConfig: names.featuresConfig,
  });
  await expect(projects.overrideRow("prepare_features")).toContainText(
    `${names.featuresConfig} — from object override`,
  );

  // ana runs the object from the project's list of objects: the form comes with it filled in.
  await ana.goto(`/projects/${names.project}`);
  await ana.getByRole("link", { name: "Run prepare_features" }).click();
  const runs = new RunsPage(ana);
  const form = runs.form();
  await expect(form.getByLabel("Object (recipe, notebook or ML task id)")).toHaveValue("prepare_features");
  await expect(form.getByLabel("Execution config")).toHaveValue("");
  await expect(form.getByText(`Left empty: ${names.featuresConfig} — from object override`)).toBeVisible();
  await form.getByLabel("Script").fill("print('features')");
  await form.getByText("Simulated behaviour (embedded cluster only)").click();
  await form.getByLabel("Simulated pod behaviour (name=value per line)").fill(QUICK);
  await form.getByRole("button", { name: "Submit run" }).click();
  const first = await runs.openedRunId();
  await expect(ana.getByRole("heading", { level: 1 })).toContainText("prepare_features");
  await expect(ana.getByRole("definition").filter({ hasText: names.featuresConfig })).toContainText(
    `${names.featuresConfig} — from override of prepare_features`,
  );
  await expect(runs.status()).toContainText("succeeded", { timeout: 60_000 });
  const api = await (await ana.request.get(`/api/v1/runs/${first}`)).json();
  expect(api).toMatchObject({
    name: "prepare_features",
    object: "prepare_features",
    executionConfig: names.featuresConfig,
    resolution: { executionConfig: { origin: "object" } },
  });
  await ana.screenshot({ path: "test-results/screenshots/first-day-object-run.png", fullPage: true });

  // Run again: the same request in the form, resolved again on submit.
  await ana.getByRole("link", { name: "Run again" }).click();
  await expect(form.getByLabel("Object (recipe, notebook or ML task id)")).toHaveValue("prepare_features");
  await expect(form.getByLabel("Script")).toHaveValue("print('features')");
  await ana.screenshot({ path: "test-results/screenshots/first-day-run-again-form.png", fullPage: true });
  await form.getByRole("button", { name: "Submit run" }).click();
  await expect(ana).not.toHaveURL(new RegExp(`/runs/${first}$`));
  const second = await runs.openedRunId();
  expect(second).not.toBe(first);
  await expect(ana.getByRole("definition").filter({ hasText: names.featuresConfig })).toContainText(
    "from override of prepare_features",
  );
  await expect(runs.status()).toContainText("succeeded", { timeout: 60_000 });

  // The project lists the object with what it runs with and its runs.
  await projects.open(names.project);
  await expect(projects.overrideRow("prepare_features")).toContainText("2 · last succeeded");
  await page.screenshot({ path: "test-results/screenshots/first-day-project-objects.png", fullPage: true });
});
