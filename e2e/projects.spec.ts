import fs from "node:fs";
import { expect, test, type APIRequestContext } from "@playwright/test";

import { ProjectsPage } from "./pages/projects-page";
import { SignInPage } from "./pages/sign-in-page";
import { BOOTSTRAP_TOKEN, SAME_ORIGIN } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const suffix = String(Date.now() % 1_000_000);
const names = {
  gpu: `gpu-ml-${suffix}`,
  cpu: `cpu-small-${suffix}`,
  spark: `spark-small-${suffix}`,
  outsiders: `sales-${suffix}`,
  member: `ada${suffix}`,
  outsider: `bob${suffix}`,
};
const PASSWORD = "Projects-e2e-pass-1";

test.use({ viewport: { width: 1280, height: 900 } });

async function post(request: APIRequestContext, path: string, data: unknown, accept = [201]) {
  const response = await request.post(path, { headers: admin, data });
  expect(accept, `${path}: ${await response.text()}`).toContain(response.status());
  return response;
}

/** Groups, users, configs and the cluster grant, through the REST API as the bootstrap admin. */
async function seed(request: APIRequestContext) {
  await post(request, "/api/v1/groups", { name: "ml" }, [201, 409]);
  await post(request, "/api/v1/groups", { name: names.outsiders });
  await post(request, "/api/v1/users", { username: names.member, password: PASSWORD, groups: ["ml"] });
  await post(request, "/api/v1/users", { username: names.outsider, password: PASSWORD, groups: [names.outsiders] });
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
  const grants = await request.put("/api/v1/clusters/embedded/grants", {
    headers: admin,
    data: {
      grants: [
        { group: "ml", level: "use" },
        { group: names.outsiders, level: "use" },
      ],
    },
  });
  expect(grants.status(), await grants.text()).toBe(200);
  const resources = (gpu: boolean) => ({
    requests: { cpu: "1", memory: "2Gi", ...(gpu ? { "nvidia.com/gpu": "1" } : {}) },
    limits: { cpu: "2", memory: "4Gi", ...(gpu ? { "nvidia.com/gpu": "1" } : {}) },
  });
  const image = "python:3.12-slim";
  await post(request, "/api/v1/execution-configs", {
    name: names.gpu,
    image,
    namespace: "berth-${project}",
    resources: resources(true),
    usableBy: { groups: ["ml"] },
  });
  await post(request, "/api/v1/execution-configs", {
    name: names.cpu,
    image,
    namespace: "berth-${project}",
    resources: resources(false),
    usableBy: "all",
  });
  await post(request, "/api/v1/spark-configs", {
    name: names.spark,
    image: "apache/spark:3.5.1",
    conf: { "spark.executor.instances": "2" },
    usableBy: "all",
  });
}

test("admin sets defaults and sets up a project; an ml member sees the effective config with origins; an outsider is refused", async ({
  page,
  browser,
  request,
}) => {
  await seed(request);
  const key =
    (await request.get("/api/v1/projects/churn", { headers: admin })).status() === 404 ? "churn" : `churn_${suffix}`;
  const projects = new ProjectsPage(page);

  await projects.setInstanceDefaults({
    executionConfig: names.cpu,
    visualRecipeExecutionConfig: names.cpu,
    sparkConfig: names.spark,
    cluster: "embedded",
  });
  await expect(page.getByLabel("Current defaults")).toContainText(names.cpu);
  await page.screenshot({ path: "test-results/screenshots/projects-settings.png", fullPage: true });

  await projects.createProject({ key, name: "Customer churn", ownerGroup: "ml" });
  await projects.putMember(names.outsiders, "reader");
  await projects.saveSettings({ executionConfig: names.gpu });
  await expect(projects.settingsForm().getByRole("status")).toHaveText("Settings saved.");
  await projects.saveOverride({ objectId: "train_churn_model", activityType: "ml-train", executionConfig: names.cpu });
  await expect(projects.effectiveRow("Python recipe")).toContainText(`${names.gpu} — from project setting`);
  await expect(projects.overrideRow("train_churn_model")).toContainText(`${names.cpu} — from object override`);
  await page.screenshot({ path: "test-results/screenshots/projects-detail-admin.png", fullPage: true });

  await page.goto("/projects");
  await expect(
    page.getByRole("table", { name: "Projects" }).getByRole("link", { name: key, exact: true }),
  ).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/projects-list.png", fullPage: true });

  // A member of ml, in a fresh browser: the effective values and where each comes from.
  const memberContext = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    viewport: { width: 1280, height: 900 },
  });
  const memberPage = await memberContext.newPage();
  await new SignInPage(memberPage).signInAndWait(names.member, PASSWORD);
  const member = new ProjectsPage(memberPage);
  await member.open(key);
  const python = member.effectiveRow("Python recipe");
  await expect(python).toContainText(`${names.gpu} — from project setting`);
  await expect(python).toContainText("embedded — from instance default");
  await expect(python).not.toContainText("no usage permission");
  await expect(member.effectiveRow("Spark recipe")).toContainText(`${names.spark} — from instance default`);
  await expect(member.overrideRow("train_churn_model")).toContainText(`${names.cpu} — from object override`);
  await memberPage.screenshot({ path: "test-results/screenshots/projects-detail-member.png", fullPage: true });
  const memberApi = await memberContext.request.get(`/api/v1/projects/${key}/effective-config?activity=python-recipe`);
  expect(memberApi.status()).toBe(200);
  expect(await memberApi.json()).toMatchObject({
    executionConfig: { value: names.gpu, origin: "project" },
    sparkConfig: { value: names.spark, origin: "instance" },
    cluster: { value: "embedded", origin: "instance" },
  });
  const objectApi = await memberContext.request.get(
    `/api/v1/projects/${key}/effective-config?activity=ml-train&object=train_churn_model`,
  );
  expect(await objectApi.json()).toMatchObject({ executionConfig: { value: names.cpu, origin: "object" } });
  await memberContext.close();

  // A reader outside ml: the page names the refusal, the API answers 403.
  const outsiderContext = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    viewport: { width: 1280, height: 900 },
  });
  const outsiderPage = await outsiderContext.newPage();
  await new SignInPage(outsiderPage).signInAndWait(names.outsider, PASSWORD);
  const outsider = new ProjectsPage(outsiderPage);
  await outsider.open(key);
  await expect(outsider.effectiveRow("Python recipe")).toContainText(
    `no usage permission for execution config ${names.gpu}`,
  );
  await expect(outsider.overrideRow("train_churn_model")).not.toContainText("no usage permission");
  await expect(outsider.settingsForm()).toHaveCount(0);
  await outsiderPage.screenshot({ path: "test-results/screenshots/projects-detail-outsider.png", fullPage: true });
  const refused = await outsiderContext.request.get(`/api/v1/projects/${key}/effective-config?activity=python-recipe`);
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toMatchObject({
    executionConfig: { value: names.gpu, origin: "project", error: expect.stringMatching(/^no usage permission/) },
  });
  const patch = await outsiderContext.request.patch(`/api/v1/projects/${key}`, {
    headers: SAME_ORIGIN,
    data: { executionConfig: names.cpu },
  });
  expect(patch.status()).toBe(403);
  await outsiderContext.close();
});

/** Generated bad requests: each takes a valid body and spoils one field. */
function badRequests(key: string): { method: string; path: string; data: unknown; notAnObject?: true }[] {
  const long = (length: number) => "x".repeat(length);
  const refs = [true, [], {}, 1.5, -3, "missing-config-zz", long(254)];
  const spoil = (method: string, path: string, base: Record<string, unknown>, field: string, values: unknown[]) =>
    values.map((value) => ({ method, path, data: { ...base, [field]: value } }));
  const project = { key: "fuzz_ok", name: "Fuzz" };
  const requests = [
    ...spoil("post", "/api/v1/projects", project, "key", [
      null,
      123,
      true,
      [],
      {},
      "",
      " ",
      "1abc",
      "a-b",
      "a b",
      long(65),
      "import",
      "../x",
      "ключ",
      "a\u0000",
    ]),
    ...spoil("post", "/api/v1/projects", project, "name", [null, 1, [], {}, "", "   ", long(201)]),
    ...spoil("post", "/api/v1/projects", project, "description", [1, [], {}, null, long(1001)]),
    ...spoil("post", "/api/v1/projects", project, "ownerGroup", [1, [], {}, "bad group", "no-such-group-zz", long(64)]),
    ...spoil("post", "/api/v1/projects", project, "members", [
      "ml",
      {},
      [1],
      [{}],
      [{ group: "ml" }],
      [{ group: "ml", role: "boss" }],
      [{ group: "nope-zz", role: "admin" }],
      [{ group: "ml", role: "admin", extra: 1 }],
    ]),
    ...["executionConfig", "visualRecipeExecutionConfig", "sparkConfig", "cluster"].flatMap((field) =>
      spoil("post", "/api/v1/projects", project, field, refs),
    ),
    ...spoil("post", "/api/v1/projects", project, "unknownField", [1, "x", null]),
    ...["defaultExecutionConfig", "defaultVisualRecipeExecutionConfig", "defaultSparkConfig", "defaultCluster"].flatMap(
      (field) => spoil("patch", "/api/v1/settings", {}, field, refs),
    ),
    ...spoil("patch", "/api/v1/settings", {}, "defaultQueue", ["x", null]),
    ...spoil("patch", `/api/v1/projects/${key}`, {}, "version", ["x", 0, -1, 1.5, 999]),
    ...["executionConfig", "sparkConfig", "cluster"].flatMap((field) =>
      spoil("patch", `/api/v1/projects/${key}`, {}, field, refs),
    ),
    ...spoil("patch", `/api/v1/projects/${key}`, {}, "name", [null, "", long(201), 5]),
    ...spoil("patch", `/api/v1/projects/${key}`, {}, "key", ["other"]),
    ...spoil("put", `/api/v1/projects/${key}/members`, {}, "members", [
      null,
      "ml",
      [{ group: "ml" }],
      [{ group: "nope-zz", role: "reader" }],
    ]),
    ...spoil(
      "put",
      `/api/v1/projects/${key}/overrides/fuzz_object`,
      { activityType: "python-recipe" },
      "activityType",
      [null, "", "sql-recipe", 3, ["python-recipe"]],
    ),
    ...["executionConfig", "sparkConfig", "cluster"].flatMap((field) =>
      spoil("put", `/api/v1/projects/${key}/overrides/fuzz_object`, { activityType: "python-recipe" }, field, refs),
    ),
    ...["a b", "_x", "-x", "é", long(129)].map((objectId) => ({
      method: "put",
      path: `/api/v1/projects/${key}/overrides/${encodeURIComponent(objectId)}`,
      data: { activityType: "python-recipe" },
    })),
    ...[[], "text", 42, null].map((data) => ({
      method: "post",
      path: "/api/v1/projects",
      data,
      notAnObject: true as const,
    })),
    ...["", "kind: Project", "::not yaml::", "apiVersion: berth.dev/v1\nkind: Cluster\nmetadata: {name: x}\n"].map(
      (yaml) => ({ method: "post", path: "/api/v1/projects/import", data: { yaml } }),
    ),
  ];
  return requests;
}

test("hundreds of bad inputs to settings and projects give 4xx with field errors, no 500, and write nothing", async ({
  page,
  request,
}) => {
  const key = `fuzz_${suffix}`;
  await post(request, "/api/v1/groups", { name: "ml" }, [201, 409]);
  await post(request, "/api/v1/projects", { key, name: "Fuzz target" });
  const snapshot = async () => ({
    projects: await (await request.get("/api/v1/projects", { headers: admin })).json(),
    settings: await (await request.get("/api/v1/settings", { headers: admin })).json(),
    overrides: await (await request.get(`/api/v1/projects/${key}/overrides`, { headers: admin })).json(),
    // Refused requests are audited too (under "refusal"); no change may be.
    lastAudit: (
      (await (await request.get("/api/v1/audit?limit=200", { headers: admin })).json()) as {
        id: number;
        objectType: string;
      }[]
    ).find((event) => event.objectType !== "refusal")?.id,
  });
  const before = await snapshot();
  const requests = badRequests(key);
  expect(requests.length).toBeGreaterThan(150);
  for (const { method, path, data, notAnObject } of requests) {
    const response = await request.fetch(path, { method, headers: admin, data });
    const label = `${method} ${path} ${JSON.stringify(data)} → ${response.status()}`;
    expect([400, 404, 409, 422], label).toContain(response.status());
    const body = await response.json();
    expect(body.error, label).toBeTruthy();
    // A body that is not a JSON object has no fields to blame; the error says what is expected.
    if (response.status() !== 404 && !notAnObject)
      expect(Object.keys(body.fieldErrors ?? {}).length, label).toBeGreaterThan(0);
  }
  expect(await snapshot()).toEqual(before);

  // The form shows the errors beside the fields.
  await page.goto("/projects");
  const form = page.getByRole("form", { name: "Create project" });
  await form.getByLabel("Key").fill("9 lives");
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(form.getByText("Use letters, digits or '_', starting with a letter")).toBeVisible();
  await expect(form.getByText("Name is required")).toBeVisible();
});

test("a stale save is refused with the other change; YAML round-trips; history restores a version", async ({
  page,
  request,
}) => {
  const key = `history_${suffix}`;
  await post(request, "/api/v1/projects", { key, name: "History demo" });
  const url = `/api/v1/projects/${key}`;
  expect((await request.patch(url, { headers: admin, data: { description: "first edit", version: 1 } })).status()).toBe(
    200,
  );
  const stale = await request.patch(url, { headers: admin, data: { description: "second edit", version: 1 } });
  expect(stale.status()).toBe(409);
  expect(await stale.json()).toMatchObject({
    current: { description: "first edit", version: 2, lastChange: { actor: "admin" } },
  });

  const yaml = await (await request.get(`${url}/yaml`, { headers: admin })).text();
  expect(yaml).toContain("kind: Project");
  const imported = await request.post("/api/v1/projects/import", {
    headers: admin,
    data: { yaml: yaml.replace("displayName: History demo", "displayName: Imported name") },
  });
  expect(imported.status(), await imported.text()).toBe(200);
  expect(await imported.json()).toMatchObject({ key, name: "Imported name", description: "first edit", version: 3 });
  const badImport = await request.post("/api/v1/projects/import", {
    headers: admin,
    data: { yaml: "kind: Project\napiVersion: berth.dev/v1\nmetadata: {name: 1bad}\nspec: {}\n" },
  });
  expect(badImport.status()).toBe(400);
  expect((await badImport.json()).fieldErrors).toMatchObject({
    name: [expect.any(String)],
    displayName: [expect.any(String)],
  });

  await page.goto(`/projects/${key}`);
  const history = page.getByRole("table", { name: "History" });
  await history
    .getByRole("row")
    .filter({ hasText: "project.create" })
    .getByRole("button", { name: "Restore this version" })
    .click();
  await page.getByRole("dialog").getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("History demo");
  await expect(history.getByText("project.restore")).toBeVisible();
  expect(await (await request.get(url, { headers: admin })).json()).toMatchObject({
    name: "History demo",
    description: "",
    version: 4,
  });

  // Two tabs edit the same project: the second save is refused and shows the first one's change.
  const other = await page.context().newPage();
  const [first, second] = [new ProjectsPage(page), new ProjectsPage(other)];
  await first.open(key);
  await second.open(key);
  await first.settingsForm().getByLabel("Description").fill("saved in the first tab");
  await first.settingsForm().getByRole("button", { name: "Save settings" }).click();
  await expect(first.settingsForm().getByRole("status")).toHaveText("Settings saved.");
  await second.settingsForm().getByLabel("Description").fill("saved in the second tab");
  await second.settingsForm().getByRole("button", { name: "Save settings" }).click();
  const conflict = other.getByRole("region", { name: "Conflicting change" });
  await expect(conflict).toContainText("admin saved version 5");
  await expect(conflict).toContainText("saved in the first tab");
  await other.screenshot({ path: "test-results/screenshots/projects-conflict.png", fullPage: true });
  expect(await (await request.get(url, { headers: admin })).json()).toMatchObject({
    description: "saved in the first tab",
    version: 5,
  });
  await other.close();
});

test("the YAML a project page shows is what it downloads, and the projects page's import form updates and creates projects from it and lists a bad document's field errors", async ({
  page,
  request,
}) => {
  const key = `yaml_${suffix}`;
  const copy = `yaml_copy_${suffix}`;
  const owners = `yaml-owners-${suffix}`;
  await post(request, "/api/v1/groups", { name: owners });
  await post(request, "/api/v1/projects", {
    key,
    name: "Yaml demo",
    description: "exported from the page",
    ownerGroup: owners,
  });

  await page.goto(`/projects/${key}`);
  const shown = page.getByLabel("YAML document");
  await expect(shown).toContainText("kind: Project");
  const yaml = (await shown.textContent())!;
  expect(yaml).toContain(`name: ${key}`);
  expect(yaml).toContain("displayName: Yaml demo");
  expect(yaml).toContain(`ownerGroup: ${owners}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download YAML" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`project-${key}.yaml`);
  expect(fs.readFileSync(await download.path(), "utf8")).toBe(yaml);

  // An uploaded file fills the form; importing it updates the project under the same key.
  const edited = yaml
    .replace("displayName: Yaml demo", "displayName: Renamed by import")
    .replace("description: exported from the page", "description: changed by import");
  expect(edited).not.toBe(yaml);
  await page.goto("/projects");
  const importForm = page.getByRole("form", { name: "Import project" });
  await importForm
    .getByLabel("Or upload a file")
    .setInputFiles({ name: `project-${key}.yaml`, mimeType: "text/yaml", buffer: Buffer.from(edited) });
  await expect(importForm.getByLabel("YAML document")).toHaveValue(edited);
  await importForm.getByRole("button", { name: "Import project" }).click();
  await expect(importForm.getByRole("status")).toHaveText("Project imported.");
  const list = page.getByRole("table", { name: "Projects" });
  const row = (project: string) =>
    list.getByRole("row").filter({ has: page.getByRole("link", { name: project, exact: true }) });
  await expect(row(key).getByRole("cell").nth(1)).toHaveText("Renamed by import");
  // The project's own page now shows exactly the imported document: nothing was lost or added on the way.
  await page.goto(`/projects/${key}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Renamed by import");
  await expect(page.getByLabel("YAML document")).toContainText("displayName: Renamed by import");
  expect(await page.getByLabel("YAML document").textContent()).toBe(edited);

  // A pasted document under a new key creates that project.
  await page.goto("/projects");
  await importForm.getByLabel("YAML document").fill(yaml.replace(`name: ${key}`, `name: ${copy}`));
  await importForm.getByRole("button", { name: "Import project" }).click();
  await expect(importForm.getByRole("status")).toHaveText("Project imported.");
  await expect(row(copy).getByRole("cell").nth(1)).toHaveText("Yaml demo");
  await expect(row(copy).getByRole("cell").nth(2)).toHaveText(owners);

  // A bad document is refused with each bad field named in words, and changes nothing.
  await importForm
    .getByLabel("YAML document")
    .fill("apiVersion: berth.dev/v1\nkind: Project\nmetadata: {name: 1bad}\nspec: {}\n");
  await importForm.getByRole("button", { name: "Import project" }).click();
  await expect(importForm.getByRole("alert")).toContainText("Some fields are not valid");
  const errors = importForm.getByRole("list", { name: "Import errors" });
  await expect(errors.getByRole("listitem").filter({ hasText: /^Name: / })).toHaveCount(1);
  await expect(errors.getByRole("listitem").filter({ hasText: /^Display name: / })).toHaveCount(1);
  await expect(errors).not.toContainText("displayName");
  await expect(list.getByRole("link", { name: "1bad", exact: true })).toHaveCount(0);

  // A document of another kind is refused as such.
  await importForm.getByLabel("YAML document").fill(yaml.replace("kind: Project", "kind: Cluster"));
  await importForm.getByRole("button", { name: "Import project" }).click();
  await expect(importForm.getByRole("alert")).toContainText(
    "Expected a document with apiVersion: berth.dev/v1 and kind: Project",
  );
  await page.screenshot({ path: "test-results/screenshots/projects-import-errors.png", fullPage: true });
});
