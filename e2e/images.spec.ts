import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";

import { ImagesPage } from "./pages/images-page";
import { BOOTSTRAP_TOKEN, DATA_DIR } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const suffix = String(Date.now() % 1_000_000);
const names = { gpu: `gpu-r-${suffix}`, broken: `broken-${suffix}` };
const PASSWORD = `Registry-Pass-${suffix}-Zq9`;
const shots = (name: string) => `test-results/screenshots/images-${name}.png`;
// Extra steps so the build runs long enough to watch its log grow (the simulator paces steps at 300 ms).
const SLOW_END = Array.from({ length: 12 }, (_, index) => `RUN echo finishing step ${index + 1}`).join("\n");

test.use({ viewport: { width: 1280, height: 900 } });

async function waitForEmbedded(request: APIRequestContext) {
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
}

test("admin defines a CUDA base image with R, previews its Dockerfile, builds it and watches the log grow until it is pushed", async ({
  page,
  request,
}) => {
  await waitForEmbedded(request);
  const images = new ImagesPage(page);
  await images.openNew();
  const form = images.form("New base image");
  await images.fill(form, {
    name: "Not A Name",
    r: true,
    cuda: true,
    cudaVersion: "9.1",
    registryUrl: "",
    repository: "",
  });
  await form.getByRole("button", { name: "Create base image" }).click();
  await expect(form.getByRole("alert")).toContainText("Some fields are not valid");
  await expect(form.getByLabel("Name", { exact: true })).toHaveAccessibleDescription(/.+/);
  await expect(form.getByLabel("CUDA version", { exact: true })).toHaveAccessibleDescription(
    /CUDA version must be 11\.8 or later/,
  );
  await expect(form.getByLabel("Registry URL", { exact: true })).toHaveAccessibleDescription(
    "Registry URL is required",
  );

  await images.fill(form, {
    name: names.gpu,
    description: "CUDA 12.4 with R",
    cudaVersion: "12.4",
    systemPackages: "git",
    fragmentAtEnd: SLOW_END,
    registryUrl: "registry.example.com",
    repository: "team/gpu-r",
    cluster: "embedded",
  });
  await form.getByRole("button", { name: "Create base image" }).click();
  await expect(page.getByRole("heading", { name: names.gpu, level: 1 })).toBeVisible();

  // The preview is the exact text the API serves and the build uses.
  const dockerfile = await (
    await request.get(`/api/v1/base-images/${names.gpu}/dockerfile`, { headers: admin })
  ).text();
  expect(dockerfile).toContain("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04");
  expect(dockerfile).toContain("r-base");
  await expect(images.dockerfilePreview()).toHaveText(dockerfile.replace(/\n$/, ""));
  await expect(page.getByText("never built")).toBeVisible();

  // Registry credentials: saved, then never shown again.
  const credentials = images.credentialsForm();
  await credentials.getByLabel("Registry username").fill("robot");
  await credentials.getByLabel("Registry password").fill(PASSWORD);
  await credentials.getByRole("button", { name: "Save credentials" }).click();
  await expect(credentials.getByRole("status")).toContainText("will not be shown again");
  await page.reload();
  await expect(page.getByText(/Stored, encrypted \(login robot\)/)).toBeVisible();
  await expect(images.credentialsForm().getByLabel("Registry password")).toHaveValue("");
  await page.screenshot({ path: shots("base-image-detail"), fullPage: true });

  const buildId = await images.build();
  await expect(images.buildStatus()).toContainText(/queued|running/);
  // The API's followed log streams the same build to its end.
  const followed = request.get(`/api/v1/image-builds/${buildId}/logs?follow=1`, { headers: admin, timeout: 90_000 });
  // The log arrives while the build runs: a first part, then more lines later, before the end.
  await expect(images.buildLog()).toContainText("Retrieving image manifest nvidia/cuda:12.4.1-runtime-ubuntu22.04", {
    timeout: 30_000,
  });
  const early = (await images.buildLog().innerText()).split("\n").length;
  await expect(images.buildStatus()).toContainText("running");
  await expect
    .poll(async () => (await images.buildLog().innerText()).split("\n").length, { timeout: 20_000 })
    .toBeGreaterThan(early + 5);
  expect(await images.buildStatus().innerText()).toMatch(/running|pushed/);
  await page.screenshot({ path: shots("build-log-running"), fullPage: true });
  await expect(images.buildStatus()).toContainText("pushed", { timeout: 60_000 });
  await expect(images.buildLog()).toContainText("RUN echo finishing step 12");
  await expect(images.buildLog()).toContainText("Pushed registry.example.com/team/gpu-r@sha256:");
  await expect(page.getByLabel("Digest")).toHaveText(/^sha256:[a-f0-9]{64}$/);
  await page.screenshot({ path: shots("build-log-pushed"), fullPage: true });

  const followedLog = await (await followed).text();
  expect(followedLog).toContain("RUN echo finishing step 12");
  expect(followedLog).toContain("Pushed registry.example.com/team/gpu-r@sha256:");
  const build = await (await request.get(`/api/v1/image-builds/${buildId}`, { headers: admin })).json();
  expect(build).toMatchObject({ id: buildId, status: "pushed", startedBy: "admin", baseImage: names.gpu });
  expect(build.digest).toMatch(/^sha256:[a-f0-9]{64}$/);

  await images.open(names.gpu);
  await expect(page.getByText("up to date")).toBeVisible();
  await images.openList();
  await expect(
    page.getByRole("table", { name: "Base images" }).getByRole("row", { name: new RegExp(names.gpu) }),
  ).toContainText("up to date");
  await page.screenshot({ path: shots("list"), fullPage: true });
  await images.open(names.gpu);
  await expect(images.revisions().getByRole("row", { name: new RegExp(`#${buildId}`) })).toContainText("current");

  // The password is nowhere: API answers, pages, logs, the database file.
  const answers = await Promise.all(
    [
      `/api/v1/base-images/${names.gpu}`,
      "/api/v1/base-images",
      `/api/v1/base-images/${names.gpu}/yaml`,
      `/api/v1/base-images/${names.gpu}/history`,
      `/api/v1/image-builds/${buildId}`,
      `/api/v1/image-builds/${buildId}/logs`,
      "/api/v1/audit?limit=200",
    ].map(async (url) => (await request.get(url, { headers: admin })).text()),
  );
  const html = [
    await page.content(),
    await (await request.get(`/images/${names.gpu}`)).text(),
    await (await request.get(`/image-builds/${buildId}`)).text(),
  ];
  for (const text of [...answers, ...html]) expect(text).not.toContain(PASSWORD);
  const encoded = Buffer.from(`robot:${PASSWORD}`).toString("base64");
  for (const file of ["berth.db", "berth.db-wal"]
    .map((name) => path.join(DATA_DIR, name))
    .filter((file) => fs.existsSync(file))) {
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(PASSWORD)).toBe(false);
    expect(bytes.includes(encoded)).toBe(false);
  }
});

test("a broken Dockerfile fragment ends in failed with the failing step shown", async ({ page, request }) => {
  await waitForEmbedded(request);
  const created = await request.post("/api/v1/base-images", {
    headers: admin,
    data: {
      name: names.broken,
      dockerfileEnd: "RUN echo fine\nRUN ./configure && make install # berth-sim: fail",
      registry: { url: "registry.example.com", repository: "team/broken" },
      cluster: "embedded",
    },
  });
  expect(created.status()).toBe(201);
  const images = new ImagesPage(page);
  await images.open(names.broken);
  const buildId = await images.build();
  await expect(images.buildStatus()).toContainText("failed", { timeout: 60_000 });
  const reason = page.getByLabel("Failure reason");
  await expect(reason).toContainText("RUN ./configure && make install # berth-sim: fail");
  await expect(reason).toContainText("error building image");
  await expect(images.buildLog()).toContainText("berth-sim: this RUN fails on purpose");
  const build = await (await request.get(`/api/v1/image-builds/${buildId}`, { headers: admin })).json();
  expect(build).toMatchObject({ status: "failed", digest: null });
  expect(build.reason).toContain("make install");
  await page.screenshot({ path: shots("build-failed"), fullPage: true });

  await page.goto("/image-builds?status=failed");
  await expect(
    page.getByRole("table", { name: "Image builds" }).getByRole("link", { name: `#${buildId}` }),
  ).toBeVisible();
});

test("cancelling a running build from its page deletes its Job and ends it cancelled", async ({ page, request }) => {
  await waitForEmbedded(request);
  const name = `slow-${suffix}`;
  const slow = Array.from({ length: 40 }, (_, index) => `RUN echo slow step ${index + 1}`).join("\n");
  const created = await request.post("/api/v1/base-images", {
    headers: admin,
    data: { name, dockerfileEnd: slow, registry: { url: "registry.example.com", repository: "team/slow" } },
  });
  expect(created.status()).toBe(201);
  const images = new ImagesPage(page);
  await images.open(name);
  const buildId = await images.build();
  await expect(images.buildLog()).toContainText("RUN echo slow step 1", { timeout: 30_000 });
  await page.getByRole("button", { name: "Cancel build" }).click();
  await page
    .getByRole("dialog", { name: `Cancel build #${buildId}?` })
    .getByRole("button", { name: "Cancel build" })
    .click();
  await expect(images.buildStatus()).toContainText("cancelled", { timeout: 20_000 });
  await expect(images.buildLog()).not.toContainText("Pushed");
  expect(await (await request.get(`/api/v1/image-builds/${buildId}`, { headers: admin })).json()).toMatchObject({
    status: "cancelled",
    digest: null,
  });
  expect((await request.post(`/api/v1/image-builds/${buildId}/cancel`, { headers: admin })).status()).toBe(409);
});

test("admin changes how many builds run at once on the settings page; a bad number is refused in place", async ({
  page,
  request,
}) => {
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Image builds" });
  const limit = form.getByLabel("Builds at once per cluster");
  await limit.fill("0");
  await form.getByRole("button", { name: "Save build settings" }).click();
  await expect(form.getByText("At least 1 build at a time")).toBeVisible();
  expect(
    (await (await request.get("/api/v1/image-builds/settings", { headers: admin })).json()).maxConcurrentBuilds,
  ).toBe(2);

  await limit.fill("3");
  await form.getByRole("button", { name: "Save build settings" }).click();
  await expect(form.getByRole("status")).toHaveText("Build settings saved.");
  await page.screenshot({ path: shots("build-settings"), fullPage: true });
  expect(
    (await (await request.get("/api/v1/image-builds/settings", { headers: admin })).json()).maxConcurrentBuilds,
  ).toBe(3);
  // Back to the default, so the other build tests see the limit they expect.
  expect(
    (await request.put("/api/v1/image-builds/settings", { headers: admin, data: { maxConcurrentBuilds: 2 } })).status(),
  ).toBe(200);
});

test("admin chooses the BuildKit executor and the builder's resources; a request above its limit is refused in place", async ({
  page,
  request,
}) => {
  const settings = async () => (await request.get("/api/v1/image-builds/settings", { headers: admin })).json();
  try {
    await page.goto("/settings");
    const form = page.getByRole("form", { name: "Image builds" });
    await form.getByLabel("Executor", { exact: true }).selectOption("buildkit");
    await form.getByLabel("Memory request", { exact: true }).fill("8Gi");
    await form.getByRole("button", { name: "Save build settings" }).click();
    await expect(form.getByText("must not exceed the memory limit (4Gi)")).toBeVisible();
    expect(await settings()).toMatchObject({ executor: "kaniko", resources: { requests: { memory: "1Gi" } } });

    await form.getByLabel("Executor", { exact: true }).selectOption("buildkit");
    await form.getByLabel("Memory request", { exact: true }).fill("2Gi");
    await form.getByLabel("CPU limit", { exact: true }).fill("2");
    await form.getByRole("button", { name: "Save build settings" }).click();
    await expect(form.getByRole("status")).toHaveText("Build settings saved.");
    expect(await settings()).toMatchObject({
      executor: "buildkit",
      resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
    });
  } finally {
    // Back to the defaults, so the other build tests build with Kaniko as they expect.
    const reset = {
      executor: null,
      resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: null, memory: "4Gi" } },
    };
    expect((await request.put("/api/v1/image-builds/settings", { headers: admin, data: reset })).status()).toBe(200);
  }
});
