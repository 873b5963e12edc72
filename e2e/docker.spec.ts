import http from "node:http";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";

import { dockerTestEndpoint, testBaseImage } from "../test/support/docker-engine";
import { DockerHostsPage } from "./pages/docker-hosts-page";
import { ExecutionConfigsPage } from "./pages/execution-configs-page";
import { RunsPage } from "./pages/runs-page";
import { SignInPage } from "./pages/sign-in-page";
import { BOOTSTRAP_TOKEN } from "./support/env";

test.use({ viewport: { width: 1280, height: 900 } });

// Shared by the admin part and the run part below it: the engine as a Docker host, and a config on it.
const HOST = `engine-${Date.now()}`;
const CONFIG = `docker-python-${Date.now()}`;

/** A GET on the test engine's own API (its unix socket), to hear from the engine itself. */
function engineGet(apiPath: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socketPath = dockerTestEndpoint().replace(/^unix:\/\//, "");
    const request = http.get({ socketPath, path: apiPath, headers: { Host: "engine" } }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }),
      );
    });
    request.on("error", reject);
  });
}

// The data scientist of the run part: a member of a project whose execution config is the Docker one.
const DS = {
  user: `dana${Date.now() % 1_000_000}`,
  password: "Docker-e2e-pass-1",
  group: `ds-${Date.now()}`,
  project: `containers_${Date.now() % 1_000_000}`,
};
const adminApi = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };

test.describe.serial("Docker execution", () => {
  test("admin attaches the local engine as a Docker host and sees its live status", async ({ page }) => {
    const hosts = new DockerHostsPage(page);

    // Hostile endpoints are refused at the field, in plain words.
    await hosts.fillAttachForm({ name: HOST, endpoint: "ssh://root@build-host" });
    await hosts.submitAttach();
    await expect(hosts.attachForm().getByText(/the Docker client would run the ssh program/)).toBeVisible();
    await hosts.attachForm().getByLabel("Endpoint").fill("tcp://10.0.0.5:2375");
    await hosts.submitAttach();
    await expect(hosts.attachForm().getByText(/A tcp:\/\/ endpoint needs TLS/)).toBeVisible();

    await hosts.attachForm().getByLabel("Endpoint").fill(dockerTestEndpoint());
    await hosts.submitAttach();
    await expect(page.getByRole("heading", { name: HOST, level: 1 })).toBeVisible();
    await expect(page.getByText("reachable", { exact: true })).toBeVisible();
    await expect(page.getByText(/\d+\.\d+\.\d+ \(API \d+\.\d+/)).toBeVisible();
    await hosts.letEveryoneUse();

    await hosts.gotoList();
    const row = hosts.row(HOST);
    await expect(row.getByText("reachable", { exact: true })).toBeVisible();
    await expect(row.getByRole("cell", { name: /GiB$/ })).toBeVisible();
    await page.screenshot({ path: "test-results/screenshots/docker-hosts.png", fullPage: true });
  });

  test("admin creates a Docker execution config whose preview is the exact container create body", async ({ page }) => {
    const configs = new ExecutionConfigsPage(page);
    await configs.openNew();
    const form = configs.form("New execution config");
    await configs.fill(form, {
      name: CONFIG,
      image: testBaseImage(),
      namespace: "",
      cpuLimit: "1",
      memoryLimit: "256Mi",
    });
    await form.getByLabel("Container engine").selectOption("docker");
    await form.getByLabel("Docker host").selectOption(HOST);
    // Left as the new-config form fills it, a Kubernetes-only field is refused for a Docker config.
    await form.getByRole("button", { name: "Create execution config" }).click();
    await expect(form.getByText(/not for engine docker: a container on a Docker host has no namespace/)).toBeVisible();
    await form.getByLabel("Create the namespace if it is missing (and apply its namespace policy)").uncheck();
    await form.getByRole("button", { name: "Create execution config" }).click();

    await expect(page.getByRole("heading", { name: CONFIG, level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: HOST })).toBeVisible();
    const preview = page.getByLabel("Container preview");
    await expect(preview).toContainText(`"Image": "${testBaseImage()}"`);
    await expect(preview).toContainText('"NanoCpus": 1000000000');
    await expect(preview).toContainText('"Memory": 268435456');
    await expect(preview).toContainText(`"berth.dev/exec-config": "${CONFIG}"`);
    await page.screenshot({ path: "test-results/screenshots/docker-execution-config.png", fullPage: true });
  });

  let dana: { context: BrowserContext; page: Page } | undefined;
  test.afterAll(async () => {
    await dana?.context.close();
  });

  test("a data scientist's Python run really executes: its printed output and exit code come from the container", async ({
    browser,
    request,
  }) => {
    for (const [url, data] of [
      ["/api/v1/groups", { name: DS.group }],
      ["/api/v1/users", { username: DS.user, password: DS.password, groups: [DS.group] }],
      [
        "/api/v1/projects",
        {
          key: DS.project,
          name: "Containers",
          ownerGroup: DS.group,
          members: [{ group: DS.group, role: "contributor" }],
          executionConfig: CONFIG,
        },
      ],
    ] as const) {
      const response = await request.post(url, { headers: adminApi, data });
      expect(response.status(), `${url}: ${await response.text()}`).toBe(201);
    }
    const context = await browser.newContext({
      storageState: { cookies: [], origins: [] },
      viewport: { width: 1280, height: 900 },
    });
    dana = { context, page: await context.newPage() };
    await new SignInPage(dana.page).signInAndWait(DS.user, DS.password);

    const runs = new RunsPage(dana.page);
    await runs.submit({
      project: DS.project,
      activity: "python-recipe",
      script: "import platform\nprint('hello from a real container')\nprint('python', platform.python_version())",
    });
    const id = await runs.openedRunId();
    await expect(runs.status()).toHaveText("succeeded", { timeout: 60_000 });
    await expect(runs.log()).toContainText("hello from a real container");
    await expect(runs.log()).toContainText(/python 3\.11\.\d+/);
    await expect(dana.page.getByRole("list", { name: "Containers" })).toBeVisible();
    await dana.page.screenshot({ path: "test-results/screenshots/docker-run.png", fullPage: true });

    const run = (await (await request.get(`/api/v1/runs/${id}`, { headers: adminApi })).json()) as {
      workload: string;
      dockerHost: string;
      containers: string[];
      exitCode: number;
    };
    expect(run).toMatchObject({ workload: "docker-container", dockerHost: HOST, exitCode: 0 });
    expect(run.containers).toHaveLength(1);
    // The engine itself says how the container ended, and that it carries the run's labels.
    const inspected = await engineGet(`/containers/${run.containers[0]}/json`);
    expect(inspected).toMatchObject({
      status: 200,
      body: { State: { ExitCode: 0 }, Config: { Labels: { "berth.dev/run": id, "berth.dev/user": DS.user } } },
    });
  });

  test("a data scientist's failing script ends failed with its exit code", async () => {
    const runs = new RunsPage(dana!.page);
    await runs.submit({
      project: DS.project,
      activity: "python-recipe",
      script: "import sys\nprint('giving up', flush=True)\nsys.exit(3)",
    });
    await runs.openedRunId();
    await expect(runs.status()).toHaveText("failed", { timeout: 60_000 });
    await expect(runs.why()).toContainText("3");
    await expect(runs.log()).toContainText("giving up");
  });

  test("a data scientist's over-memory run ends with the engine's reason, and an abort removes the container", async ({
    request,
  }) => {
    const tiny = `${CONFIG}-tiny`;
    const created = await request.post("/api/v1/execution-configs", {
      headers: adminApi,
      data: {
        name: tiny,
        engine: "docker",
        dockerHost: HOST,
        image: testBaseImage(),
        resources: { requests: {}, limits: { cpu: "1", memory: "32Mi" } },
        usableBy: "all",
      },
    });
    expect(created.status(), await created.text()).toBe(201);
    const runs = new RunsPage(dana!.page);
    await runs.submit({
      project: DS.project,
      activity: "python-recipe",
      executionConfig: tiny,
      script: "x = bytearray(512 * 1024 * 1024)\nprint(len(x))",
    });
    await runs.openedRunId();
    await expect(runs.status()).toHaveText("failed", { timeout: 60_000 });
    // podman 4.3 with runc on cgroup v1 SIGKILLs the process without setting State.OOMKilled.
    await expect(runs.why()).toContainText(/OOMKilled|most likely out of memory/);

    await runs.submit({
      project: DS.project,
      activity: "python-recipe",
      script: "import time\nprint('working', flush=True)\ntime.sleep(3600)",
    });
    const id = await runs.openedRunId();
    await expect(runs.status()).toHaveText("running", { timeout: 60_000 });
    await expect(runs.log()).toContainText("working");
    const { containers } = (await (await request.get(`/api/v1/runs/${id}`, { headers: adminApi })).json()) as {
      containers: string[];
    };
    expect((await engineGet(`/containers/${containers[0]}/json`)).body).toMatchObject({ State: { Running: true } });
    await runs.abort();
    await expect(runs.status()).toHaveText("aborted");
    expect((await engineGet(`/containers/${containers[0]}/json`)).status).toBe(404);
  });
});
