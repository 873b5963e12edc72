import { expect, test } from "@playwright/test";

import { dockerTestEndpoint, testBaseImage, testRegistry } from "../test/support/docker-engine";
import { BOOTSTRAP_TOKEN } from "./support/env";

test.use({ viewport: { width: 1280, height: 900 } });
// The code env builds on the base image the first test builds.
test.describe.configure({ mode: "serial" });

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const suffix = String(Date.now() % 1_000_000);
const HOST = `builder-${suffix}`;
const IMAGE = `engine-built-${suffix}`;
const CONFIG = `engine-python-${suffix}`;
const ENV = `engine-env-${suffix}`;

test("admin builds a base image on the local engine from its page: it is pushed with a digest, and the build says where it ran", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  expect(
    (
      await request.post("/api/v1/docker-hosts", {
        headers: admin,
        data: { name: HOST, endpoint: dockerTestEndpoint() },
      })
    ).status(),
  ).toBe(201);
  expect(
    (
      await request.post("/api/v1/base-images", {
        headers: admin,
        data: {
          name: IMAGE,
          fromImage: testBaseImage(),
          pythonVersions: ["3.11"],
          registry: { url: testRegistry(), repository: `berth-e2e/${IMAGE}` },
        },
      })
    ).status(),
  ).toBe(201);

  await page.goto(`/images/${IMAGE}`);
  const target = page.getByLabel("Build on");
  // The cluster stays the default target.
  await expect(target).toHaveValue("");
  await target.selectOption({ label: `Docker host ${HOST}` });
  await page.getByRole("button", { name: "Build", exact: true }).click();

  await expect(page).toHaveURL(/\/image-builds\/\d+$/);
  const facts = page.getByLabel("Build facts");
  await expect(facts).toContainText(`Docker host${HOST}`);
  await expect(page.getByRole("status", { name: "Build status" })).toHaveText("pushed", { timeout: 180_000 });
  await expect(facts.getByText(/^sha256:[0-9a-f]{64}$/)).toBeVisible();
  await expect(facts.getByText("the Docker engine's build API")).toBeVisible();

  await page.getByRole("link", { name: "All builds" }).click();
  const row = page.getByRole("row").filter({ hasText: `base image ${IMAGE}` });
  await expect(row.getByRole("cell", { name: `Docker host ${HOST}` })).toBeVisible();
});

test("admin builds a code env's image on the Docker host from its page, on the base image built there", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  // A config usable by everyone needs a host usable by everyone.
  expect(
    (
      await request.put(`/api/v1/docker-hosts/${HOST}/grants`, {
        headers: admin,
        data: { grants: [], everyone: true },
      })
    ).status(),
  ).toBe(200);
  expect(
    (
      await request.post("/api/v1/execution-configs", {
        headers: admin,
        data: {
          name: CONFIG,
          engine: "docker",
          dockerHost: HOST,
          image: `berth:base-image/${IMAGE}`,
          usableBy: "all",
          resources: { requests: {}, limits: { cpu: "1", memory: "256Mi" } },
        },
      })
    ).status(),
  ).toBe(201);
  expect(
    (
      await request.post("/api/v1/code-envs", {
        headers: admin,
        data: {
          name: ENV,
          language: "python",
          packages: ["six==1.17.0"],
          buildFor: { executionConfigs: [CONFIG], sparkConfigs: "none" },
        },
      })
    ).status(),
  ).toBe(201);

  await page.goto(`/code-envs/${ENV}`);
  await page.getByLabel("Build on").selectOption({ label: `Docker host ${HOST}` });
  await page.getByRole("button", { name: "Build what is stale" }).click();
  const queued = page.getByRole("status").filter({ hasText: /^Queued 1 build: #\d+$/ });
  await expect(queued).toBeVisible();
  const id = Number((await queued.innerText()).replace(/^.*#/, ""));
  await expect
    .poll(async () => (await (await request.get(`/api/v1/image-builds/${id}`, { headers: admin })).json()).status, {
      timeout: 180_000,
    })
    .toBe("pushed");
  expect(await (await request.get(`/api/v1/image-builds/${id}`, { headers: admin })).json()).toMatchObject({
    dockerHost: HOST,
    cluster: null,
    digest: expect.stringMatching(/^sha256:/),
  });
});
