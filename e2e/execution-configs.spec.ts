import fs from "node:fs";
import { expect, test, type APIRequestContext } from "@playwright/test";

import { ExecutionConfigsPage } from "./pages/execution-configs-page";
import { SignInPage } from "./pages/sign-in-page";
import { BOOTSTRAP_TOKEN } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const suffix = String(Date.now() % 1_000_000);
const names = { gpu: `gpu-ec-${suffix}`, huge: `gpu-huge-${suffix}`, copy: `gpu-copy-${suffix}` };
const shots = (name: string) => `test-results/screenshots/execution-configs-${name}.png`;

test.use({ viewport: { width: 1280, height: 900 } });

async function seed(request: APIRequestContext) {
  const group = await request.post("/api/v1/groups", { headers: admin, data: { name: "ml" } });
  expect([201, 409]).toContain(group.status());
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
}

test("admin creates a GPU config through the form, sees preview, fits and test, and restores a version", async ({
  page,
  request,
}) => {
  await seed(request);
  const configs = new ExecutionConfigsPage(page);
  await configs.openNew();
  const form = configs.form("New execution config");
  await configs.fill(form, {
    name: names.gpu,
    description: "One A100 for training",
    image: "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime",
    cluster: "embedded",
    namespace: "berth-${project}",
    cpuRequest: "3",
    cpuLimit: "2",
    memoryRequest: "4Gi",
    memoryLimit: "8Gi",
    customRequests: "nvidia.com/gpu=1",
    customLimits: "nvidia.com/gpu=2",
    nodeSelector: "nvidia.com/gpu.present=true",
    tolerations: "nvidia.com/gpu:NoSchedule",
    affinity: "nodeAfinity: {}",
    usableByGroups: ["ml"],
  });
  await form.getByRole("button", { name: "Create execution config" }).click();
  await expect(form.getByRole("alert")).toContainText("Some fields are not valid");
  await expect(form.getByLabel("CPU request", { exact: true })).toHaveAccessibleDescription(
    "must be at most the limit (2)",
  );
  await expect(form.getByLabel("Custom limits", { exact: true })).toHaveAccessibleDescription(
    /^nvidia\.com\/gpu: must equal the request/,
  );
  await expect(form.getByLabel("Affinity (YAML)", { exact: true })).toHaveAccessibleDescription(
    /^nodeAfinity: Unknown field/,
  );
  await page.screenshot({ path: shots("form-errors"), fullPage: true });

  await configs.fill(form, { cpuRequest: "1", customLimits: "nvidia.com/gpu=1", affinity: "" });
  await form.getByRole("button", { name: "Create execution config" }).click();
  await expect(page.getByRole("heading", { name: names.gpu, level: 1 })).toBeVisible();

  const preview = page.getByLabel("Pod preview");
  await expect(preview).toContainText(`berth.dev/exec-config: ${names.gpu}`);
  await expect(preview).toContainText("namespace: berth-sample");
  await expect(preview).toContainText('nvidia.com/gpu: "1"');
  const fits = page.getByRole("list", { name: "Fits" });
  await expect(fits).toContainText(/fits \d+×/);
  await expect(fits).toContainText(/\d+ of 8 nvidia\.com\/gpu free/);

  const result = await configs.runTest();
  await expect(result).toContainText("succeeded");
  await expect(result).toContainText(/exited with code 0/);
  await page.screenshot({ path: shots("detail"), fullPage: true });

  // A change, then "restore this version" on the first version makes version 3 with the old image.
  const patched = await request.patch(`/api/v1/execution-configs/${names.gpu}`, {
    headers: admin,
    data: { image: "pytorch/pytorch:latest", version: 1 },
  });
  expect(patched.status(), await patched.text()).toBe(200);
  await page.reload();
  const history = page.getByRole("table", { name: "History" });
  await expect(history.getByRole("row")).toHaveCount(4); // header, update, test, create
  await history
    .getByRole("row")
    .filter({ hasText: "execution-config.create" })
    .getByRole("button", { name: "Restore this version" })
    .click();
  await page.getByRole("dialog").getByRole("button", { name: "Restore" }).click();
  await expect(page.getByText("Version 3, saved")).toBeVisible();
  await expect(page.getByText("pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime").first()).toBeVisible();
  await expect(history.getByRole("row").filter({ hasText: "execution-config.restore" })).toContainText(
    "pytorch/pytorch:latest",
  );
});

test("Test of a config asking more GPUs than any node has reports the scheduler's reason", async ({
  page,
  request,
}) => {
  await seed(request);
  const created = await request.post("/api/v1/execution-configs", {
    headers: admin,
    data: {
      name: names.huge,
      image: "python:3.12-slim",
      cluster: "embedded",
      namespace: "berth-${user}",
      createNamespace: true,
      resources: { requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "16" }, limits: { "nvidia.com/gpu": "16" } },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      usableBy: { groups: ["ml"] },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const configs = new ExecutionConfigsPage(page);
  await configs.open(names.huge);
  await expect(page.getByRole("list", { name: "Fits" })).toContainText("fits 0×");
  const result = await configs.runTest();
  await expect(result).toContainText("unschedulable");
  await expect(result).toContainText(/0\/\d+ nodes are available: .*Insufficient nvidia\.com\/gpu/);
  await page.screenshot({ path: shots("test-unschedulable") });

  const preview = await request.post(`/api/v1/execution-configs/${names.huge}/preview`, {
    headers: admin,
    data: { project: "churn", activity: "notebook" },
  });
  expect(await preview.json()).toMatchObject({
    pod: {
      metadata: {
        namespace: "berth-admin",
        labels: { "berth.dev/project": "churn", "berth.dev/activity": "notebook" },
      },
    },
  });
  const fits = await request.get(`/api/v1/execution-configs/${names.huge}/fits`, { headers: admin });
  expect(await fits.json()).toEqual([
    expect.objectContaining({ cluster: "embedded", fits: 0, reason: expect.stringMatching(/^fits 0×/) }),
  ]);
  const api = await request.post(`/api/v1/execution-configs/${names.huge}/test`, { headers: admin });
  expect(await api.json()).toMatchObject({
    outcome: "unschedulable",
    reason: expect.stringContaining("Insufficient nvidia.com/gpu"),
  });
});

test("two sessions edit one config: the second save is refused with the other change shown", async ({
  page,
  browser,
  request,
}) => {
  await seed(request);
  const name = `shared-${suffix}`;
  const created = await request.post("/api/v1/execution-configs", {
    headers: admin,
    data: { name, image: "python:3.12-slim", namespace: "default" },
  });
  expect(created.status(), await created.text()).toBe(201);

  const first = new ExecutionConfigsPage(page);
  const otherContext = await browser.newContext({ storageState: test.info().project.use.storageState as string });
  const second = new ExecutionConfigsPage(await otherContext.newPage());
  await first.openEdit(name);
  await second.openEdit(name);

  const firstForm = first.form("Edit execution config");
  await firstForm.getByLabel("Description").fill("saved first");
  await firstForm.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();

  const secondForm = second.form("Edit execution config");
  await secondForm.getByLabel("Container image").fill("python:3.13-slim");
  await secondForm.getByRole("button", { name: "Save changes" }).click();
  const notice = secondForm.getByRole("region", { name: "Conflicting change" });
  await expect(notice).toContainText("admin saved version 2");
  await expect(notice).toContainText("description");
  await expect(notice).toContainText("saved first");
  await expect(secondForm.getByRole("alert")).toContainText("changed by someone else");
  await second.page.screenshot({ path: shots("conflict"), fullPage: true });
  expect(await (await request.get(`/api/v1/execution-configs/${name}`, { headers: admin })).json()).toMatchObject({
    image: "python:3.12-slim",
    version: 2,
  });

  await notice.getByRole("button", { name: "Reload the current version" }).click();
  await expect(secondForm.getByLabel("Description")).toHaveValue("saved first");
  await secondForm.getByLabel("Container image").fill("python:3.13-slim");
  await secondForm.getByRole("button", { name: "Save changes" }).click();
  await expect(second.page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await otherContext.close();
});

test("YAML export, then import under a new name", async ({ page, request }) => {
  await seed(request);
  const source = `yaml-src-${suffix}`;
  const created = await request.post("/api/v1/execution-configs", {
    headers: admin,
    data: {
      name: source,
      image: "python:3.12-slim",
      namespace: "berth-${project}",
      resources: { requests: { cpu: "1", "nvidia.com/gpu": "1" }, limits: { cpu: "2", "nvidia.com/gpu": "1" } },
      usableBy: { groups: ["ml"] },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  const exported = await request.get(`/api/v1/execution-configs/${source}/yaml`, { headers: admin });
  expect(exported.status()).toBe(200);
  expect(exported.headers()["content-type"]).toContain("yaml");

  // The config's page shows the same document the API exports and the link downloads.
  const configs = new ExecutionConfigsPage(page);
  await configs.open(source);
  const shown = (await page.getByLabel("YAML document").textContent())!;
  expect(shown).toContain("kind: ExecutionConfig");
  expect(shown).toContain(`name: ${source}`);
  expect(shown).toBe(await exported.text());
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download YAML" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(`${source}.yaml`);
  expect(fs.readFileSync(await download.path(), "utf8")).toBe(shown);
  const yaml = shown.replace(`name: ${source}`, `name: ${names.copy}`);

  await configs.openList();
  const importForm = page.getByRole("form", { name: "Import execution config" });
  await importForm.getByLabel("YAML document").fill(yaml.replace('nvidia.com/gpu: "1"', 'nvidia.com/gpu: "0.5"'));
  await importForm.getByRole("button", { name: "Import execution config" }).click();
  await expect(importForm.getByRole("list", { name: "Import errors" })).toContainText(
    "Resources, requests nvidia.com/gpu",
  );
  await page.screenshot({ path: shots("import-errors"), fullPage: true });

  await importForm.getByLabel("YAML document").fill(yaml);
  await importForm.getByRole("button", { name: "Import execution config" }).click();
  await expect(page.getByRole("heading", { name: names.copy, level: 1 })).toBeVisible();
  await expect(page.getByLabel("Pod preview")).toContainText(`berth.dev/exec-config: ${names.copy}`);
  // The imported config exports exactly the document it was imported from.
  expect(await page.getByLabel("YAML document").textContent()).toBe(yaml);
  await configs.openList();
  await expect(
    page.getByRole("table", { name: "Execution configs" }).getByRole("link", { name: names.copy }),
  ).toBeVisible();
  await page.screenshot({ path: shots("list"), fullPage: true });
});

test("a member of ml may use the ml config; a user outside ml neither sees nor reads it", async ({
  browser,
  request,
}) => {
  await seed(request);
  const config = `ml-only-${suffix}`;
  const password = "Configs-e2e-pass-1";
  const users = { member: `mia${suffix}`, outsider: `otto${suffix}` };
  expect(
    (
      await request.post("/api/v1/execution-configs", {
        headers: admin,
        data: { name: config, image: "python:3.12-slim", namespace: "default", usableBy: { groups: ["ml"] } },
      })
    ).status(),
  ).toBe(201);
  expect(
    (
      await request.post("/api/v1/users", {
        headers: admin,
        data: { username: users.member, password, groups: ["ml"] },
      })
    ).status(),
  ).toBe(201);
  expect(
    (await request.post("/api/v1/users", { headers: admin, data: { username: users.outsider, password } })).status(),
  ).toBe(201);

  for (const [username, allowed] of [
    [users.member, true],
    [users.outsider, false],
  ] as const) {
    const context = await browser.newContext({
      storageState: { cookies: [], origins: [] },
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    await new SignInPage(page).signInAndWait(username, password);
    const configs = new ExecutionConfigsPage(page);
    await configs.openList();
    const link = page.getByRole("link", { name: config, exact: true });
    const api = await page.request.get(`/api/v1/execution-configs/${config}`);
    if (allowed) {
      await expect(link).toBeVisible();
      expect(await api.json()).toMatchObject({ name: config, mayUse: true });
      await configs.open(config);
      await expect(page.getByText("you may use it")).toBeVisible();
      await expect(page.getByRole("button", { name: "Run test pod" })).toHaveCount(0);
    } else {
      await expect(link).toHaveCount(0);
      expect(api.status()).toBe(403);
      expect((await api.json()).error).toContain("no usage permission");
      const response = await page.goto(`/execution-configs/${config}`);
      expect(response?.status()).toBe(403);
    }
    await context.close();
  }
});
