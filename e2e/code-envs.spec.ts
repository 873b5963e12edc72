import { expect, test, type APIRequestContext } from "@playwright/test";

import { CodeEnvsPage } from "./pages/code-envs-page";
import { BOOTSTRAP_TOKEN } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const suffix = String(Date.now() % 1_000_000);
const names = { gpu: `gpu-ce-${suffix}`, cpu: `cpu-ce-${suffix}`, env: `torch-${suffix}` };
const GPU_BASE = "registry.example.com/team/gpu-base:12.4";

test.use({ viewport: { width: 1280, height: 900 } });

async function seed(request: APIRequestContext) {
  const group = await request.post("/api/v1/groups", { headers: admin, data: { name: "ml" } });
  expect([201, 409]).toContain(group.status());
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
  const gpu = await request.post("/api/v1/execution-configs", {
    headers: admin,
    data: {
      name: names.gpu,
      image: "team/gpu-base:12.4",
      registry: "registry.example.com",
      cluster: "embedded",
      namespace: "berth-${project}",
      resources: { requests: { cpu: "1", memory: "2Gi", "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
      nodeSelector: { "nvidia.com/gpu.present": "true" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      usableBy: { groups: ["ml"] },
    },
  });
  expect(gpu.status(), await gpu.text()).toBe(201);
  const cpu = await request.post("/api/v1/execution-configs", {
    headers: admin,
    data: { name: names.cpu, image: "python:3.12-slim", namespace: "berth-${project}", usableBy: "all" },
  });
  expect(cpu.status(), await cpu.text()).toBe(201);
}

test("admin defines a code env for a GPU config, builds its image, and the config's preview pod runs it", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  await seed(request);
  const envs = new CodeEnvsPage(page);
  await envs.startNew();
  await envs.fill({
    name: names.env,
    packages: "# training\ntorch==2.5.1\npandas=2.2\n-r requirements.txt\n",
    executionConfigs: [names.gpu],
  });
  await envs.submitNew();
  const form = envs.form("New code env");
  await expect(form.getByRole("alert")).toContainText("Some fields are not valid");
  const packages = form.getByLabel("Packages", { exact: true });
  await expect(packages).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText(`"pandas=2.2": use == for an exact version (pandas==2.2)`)).toBeVisible();
  await expect(form.getByText(`"-r requirements.txt": pip options`)).toBeVisible();
  await envs.screenshot("form-errors");

  await envs.fill({ packages: "# training\ntorch==2.5.1\nnumpy<2\n" });
  await envs.submitNew();
  await expect(page.getByRole("heading", { name: names.env, level: 1 })).toBeVisible();
  const row = envs.imageRow(GPU_BASE);
  await expect(row).toContainText("missing");
  await expect(row).toContainText(names.gpu);
  await expect(row).toContainText(new RegExp(`registry\\.example\\.com/team/gpu-base:ce-${names.env}-[0-9a-f]{12}`));
  await envs.screenshot("detail-missing");

  await expect(await envs.buildStale()).toContainText("Queued 1 build");
  // The page refreshes itself while the build runs; the simulated Kaniko takes a few seconds.
  await expect(row.getByText("current", { exact: true })).toBeVisible({ timeout: 60_000 });
  await expect(row.getByRole("link", { name: /Pushed #\d+/ })).toBeVisible();
  await envs.screenshot("detail-built");
  // The build link leads to the build's own page (log and Dockerfile).
  await row.getByRole("link", { name: /Pushed #\d+/ }).click();
  await expect(page.getByRole("heading", { name: /^Build #\d+$/, level: 1 })).toBeVisible();
  await expect(page.getByText(`FROM ${GPU_BASE}`).first()).toBeVisible();
  await envs.screenshot("build-page");

  const view = await (await request.get(`/api/v1/code-envs/${names.env}`, { headers: admin })).json();
  expect(view.counts).toEqual({ missing: 0, stale: 0, current: 1 });
  const image: string = view.images[0].current.image;
  const build = await (
    await request.get(`/api/v1/image-builds/${view.images[0].current.id}`, { headers: admin })
  ).json();
  expect(build).toMatchObject({ status: "pushed", image, digest: expect.stringMatching(/^sha256:/) });
  const again = await request.post(`/api/v1/code-envs/${names.env}/builds`, { headers: admin });
  expect(again.status()).toBe(200);
  expect(await again.json()).toEqual([]);
  expect(again.headers()["x-berth-message"]).toBe(`Every image of code env ${names.env} is current`);

  // The execution config's preview, with the code env chosen, runs the env's image.
  await page.goto(`/execution-configs/${names.gpu}`);
  await page.getByRole("form", { name: "Preview with a code env" }).getByLabel("Code env").selectOption(names.env);
  await page.getByRole("button", { name: "Show preview" }).click();
  await expect(page.getByLabel("Pod preview")).toContainText(`image: ${image}`);
  await expect(page.getByLabel("Pod preview")).toContainText("berth.dev/image-source: code-env");
  await expect(page.getByText(`Runs the image of code env ${names.env}`)).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/code-envs-execution-config-preview.png", fullPage: true });
  const preview = await request.get(`/api/v1/execution-configs/${names.gpu}/preview?codeEnv=${names.env}`, {
    headers: admin,
  });
  expect((await preview.json()).pod.spec.containers[0].image).toBe(image);

  // A config the env is not built for: a clear 422 on codeEnv, in the API and on the page.
  const refused = await request.get(`/api/v1/execution-configs/${names.cpu}/preview?codeEnv=${names.env}`, {
    headers: admin,
  });
  expect(refused.status()).toBe(422);
  const message = `code env ${names.env} has no image for config ${names.cpu}: it is not built for it (add it to the code env's "build for")`;
  expect(await refused.json()).toMatchObject({ error: message, fieldErrors: { codeEnv: [message] } });
  await page.goto(`/execution-configs/${names.cpu}?codeEnv=${names.env}`);
  await expect(page.getByText(message)).toBeVisible();

  // Editing the packages (through the form) makes the image stale; the list offers "Rebuild all stale".
  await envs.goto(names.env);
  await page.getByRole("link", { name: "Edit" }).click();
  const edit = envs.form("Edit code env");
  await expect(edit.getByLabel("Packages", { exact: true })).toHaveValue("torch==2.5.1\nnumpy<2");
  await edit.getByLabel("Packages", { exact: true }).fill("torch==2.5.1\nnumpy<2\nscipy");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("heading", { name: names.env, level: 1 })).toBeVisible();
  await expect(page.getByText("Version 2, saved")).toBeVisible();
  await expect(envs.imageRow(GPU_BASE)).toContainText("The code env changed since this image was built");
  await envs.screenshot("detail-stale");
  await envs.gotoList();
  const listed = page.getByRole("table", { name: "Code environments" }).getByRole("row").filter({ hasText: names.env });
  await expect(listed).toContainText("1 stale");
  await expect(listed.getByRole("cell").nth(2)).toHaveText("3");
  await envs.screenshot("list");
  await page.getByRole("button", { name: "Rebuild all stale" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Queued" })).toContainText(names.env);
  await expect(listed).toContainText("1 current", { timeout: 60_000 });
});

test("the code env API validates packages and config names, and keeps versions", async ({ request }) => {
  const name = `api-env-${suffix}`;
  const bad = await request.post("/api/v1/code-envs", {
    headers: admin,
    data: {
      name,
      language: "r",
      packages: ["dplyr", "ggplot2==3.4"],
      buildFor: { executionConfigs: "all", sparkConfigs: "none" },
    },
  });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).fieldErrors).toEqual({
    "packages.1": [
      `"ggplot2==3.4": R packages take only a minimum version (name>=1.2.0); CRAN installs its latest release`,
    ],
  });
  const unknown = await request.post("/api/v1/code-envs", {
    headers: admin,
    data: { name, language: "python", buildFor: { executionConfigs: ["no-such-config"], sparkConfigs: "none" } },
  });
  expect(unknown.status()).toBe(422);
  expect((await unknown.json()).fieldErrors).toEqual({
    "buildFor.executionConfigs.0": ['No execution config named "no-such-config"'],
  });

  const created = await request.post("/api/v1/code-envs", {
    headers: admin,
    data: { name, language: "r", packages: ["dplyr>=1.1.0"] },
  });
  expect(created.status(), await created.text()).toBe(201);
  expect(await created.json()).toMatchObject({
    name,
    version: 1,
    buildFor: { executionConfigs: "none", sparkConfigs: "none" },
    images: [],
  });
  const nothing = await request.post(`/api/v1/code-envs/${name}/builds`, { headers: admin });
  expect(nothing.status()).toBe(200);
  expect(nothing.headers()["x-berth-message"]).toContain("is built for no config");
  const stale = await request.patch(`/api/v1/code-envs/${name}`, {
    headers: admin,
    data: { description: "late", version: 7 },
  });
  expect(stale.status()).toBe(409);
  expect(await stale.json()).toMatchObject({ current: { version: 1 } });
  expect((await request.patch(`/api/v1/code-envs/${name}`, { headers: admin, data: { packages: 5 } })).status()).toBe(
    400,
  );
  expect((await request.post("/api/v1/code-envs/no-such-env/builds", { headers: admin })).status()).toBe(404);
  const yaml = await request.get(`/api/v1/code-envs/${name}/yaml`, { headers: admin });
  expect(await yaml.text()).toContain("kind: CodeEnv");
  expect((await request.delete(`/api/v1/code-envs/${name}`, { headers: admin })).status()).toBe(200);
  expect((await request.get(`/api/v1/code-envs/${name}`, { headers: admin })).status()).toBe(404);
  // Malformed bodies are refused with field errors, never a 500, and write nothing.
  for (const data of [
    { name, language: 5 },
    { name: null, language: "python" },
    { name, language: "python", packages: "numpy" },
    { name, language: "python", packages: [null, 3] },
    { name, language: "python", buildFor: "all" },
    { name, language: "python", buildFor: { executionConfigs: [], sparkConfigs: "some" } },
    { name, language: "python", dockerfileEnd: "FROM ubuntu" },
    { name, language: "python", pythonVersion: "2.7" },
    { name, language: "python", surprise: true },
  ]) {
    const refused = await request.post("/api/v1/code-envs", { headers: admin, data });
    expect(refused.status(), JSON.stringify(data)).toBe(400);
    expect(Object.keys((await refused.json()).fieldErrors ?? {}).length, JSON.stringify(data)).toBeGreaterThan(0);
  }
  expect((await request.get(`/api/v1/code-envs/${name}`, { headers: admin })).status()).toBe(404);
  const openapi = await (await request.get("/api/v1/openapi.json")).json();
  expect(Object.keys(openapi.paths)).toContain("/api/v1/code-envs/{codeEnv}/builds");
});
