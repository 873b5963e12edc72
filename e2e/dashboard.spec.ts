import fs from "node:fs";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { expect, test, type APIRequestContext } from "@playwright/test";

import { dockerTestEndpoint, testBaseImage } from "../test/support/docker-engine";
import { DashboardPage } from "./pages/dashboard-page";
import { BOOTSTRAP_TOKEN, DATA_DIR } from "./support/env";
import { setClusterPrometheusUrl, startEmbeddedClusterPrometheus, type TestPrometheus } from "./support/prometheus";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const embeddedKubeconfig = () => fs.readFileSync(path.join(DATA_DIR, "embedded-kubeconfig.yaml"), "utf8");
const GPU = "nvidia.com/gpu";

test.use({ viewport: { width: 1440, height: 1000 } });
test.describe.configure({ mode: "serial" });

const stamp = Date.now();
const suffix = String(stamp % 1_000_000);
const namespace = `dash-${suffix}`;
const project = `dash_${suffix}`;
const execConfig = `dash-gpu-${suffix}`;
/** A whole GPU node's worth, in a namespace without quota: with two such runs holding both GPU nodes, a third stays Pending. */
const hugeConfig = `dash-huge-${suffix}`;
/** The quota a namespace policy puts in the namespaces it matches (lib/kube/namespaces.ts). */
const quota = "berth-quota";

let prometheus: TestPrometheus | null = null;

async function post(request: APIRequestContext, url: string, data: unknown) {
  const response = await request.post(url, { headers: admin, data });
  expect(response.status(), `${url}: ${await response.text()}`).toBe(201);
  return response.json();
}

/** A GPU execution config in its own namespace, a namespace policy giving that namespace a GPU quota, and a project using both. */
async function seed(request: APIRequestContext) {
  await post(request, "/api/v1/namespace-policies", {
    name: `dash-quota-${suffix}`,
    pattern: namespace,
    resourceQuota: { hard: { [`requests.${GPU}`]: "4", pods: "10" } },
  });
  await post(request, "/api/v1/execution-configs", {
    name: execConfig,
    image: "python:3.12-slim",
    cluster: "embedded",
    namespace,
    createNamespace: true,
    resources: {
      requests: { cpu: "500m", memory: "1Gi", [GPU]: "2" },
      limits: { cpu: "1", memory: "2Gi", [GPU]: "2" },
    },
    tolerations: [{ key: GPU, operator: "Exists", effect: "NoSchedule" }],
    usableBy: "all",
  });
  await post(request, "/api/v1/execution-configs", {
    name: hugeConfig,
    image: "python:3.12-slim",
    cluster: "embedded",
    namespace: `dash-huge-${suffix}`,
    createNamespace: true,
    resources: {
      requests: { cpu: "500m", memory: "1Gi", [GPU]: "4" },
      limits: { cpu: "1", memory: "2Gi", [GPU]: "4" },
    },
    tolerations: [{ key: GPU, operator: "Exists", effect: "NoSchedule" }],
    usableBy: "all",
  });
  await post(request, "/api/v1/projects", {
    key: project,
    name: "Dashboard e2e",
    executionConfig: execConfig,
    cluster: "embedded",
  });
}

test.beforeAll(async ({ request }) => {
  prometheus = await startEmbeddedClusterPrometheus();
  await setClusterPrometheusUrl(request, "embedded", prometheus.url);
  await seed(request);
});

test.afterAll(async ({ request }) => {
  await prometheus?.stop();
  await setClusterPrometheusUrl(request, "embedded", null);
});

test("a GPU run moves the allocation and the quota bar without a reload; with Prometheus stopped utilization is unavailable and allocation stays", async ({
  page,
  request,
}) => {
  const dashboard = new DashboardPage(page);
  await dashboard.goto();
  await dashboard.waitUntilLive();
  // Marks this document: still there at the end means nothing reloaded the page.
  await page.evaluate(() => ((window as unknown as { berthNoReload: boolean }).berthNoReload = true));
  const allocation = dashboard.gpuAllocation("embedded");
  await expect(allocation).toHaveAttribute("aria-valuemax", "8");
  const before = Number(await allocation.getAttribute("aria-valuenow"));
  const running = dashboard.count("embedded", "Running pods");
  const runningBefore = Number(await running.textContent());
  await expect(dashboard.utilization("embedded").getByRole("img", { name: /Average utilization/ })).toBeVisible();
  await dashboard.screenshot("before-run");

  const run = (await post(request, "/api/v1/runs", {
    project,
    activity: "ml-train",
    command: ["python", "train.py"],
    annotations: { "sim.berth.dev/duration": "30m", "sim.berth.dev/gpu-util": "70-90" },
  })) as { id: string };

  const quotaBar = dashboard.quotaBar("embedded", namespace, quota, `requests.${GPU}`);
  await expect(allocation).toHaveAttribute("aria-valuenow", String(before + 2), { timeout: 20_000 });
  await expect(quotaBar).toHaveAttribute("aria-valuetext", "2 / 4");
  await expect(running).toHaveText(String(runningBefore + 1));
  await expect(dashboard.projectGpus("embedded", project)).toHaveAttribute("aria-valuenow", "2");
  const holders = dashboard
    .nodeMap("embedded")
    .getByRole("link", { name: new RegExp(`^${namespace}/\\S+ · project ${project} · admin · 2 GPU$`) });
  await expect(holders).toHaveCount(2);
  await expect(holders.first()).toHaveAttribute("href", `/runs/${run.id}`);
  await dashboard.groupBy("embedded", "Project");
  await expect(
    dashboard.breakdown("embedded", "project").getByRole("row", { name: `${project} 1 0 2`, exact: true }),
  ).toBeVisible();
  await dashboard.groupBy("embedded", "Execution config");
  await expect(
    dashboard.breakdown("embedded", "execution config").getByRole("row", { name: `${execConfig} 1 0 2`, exact: true }),
  ).toBeVisible();
  // Prometheus has scraped the pod's GPUs at least once within the next refresh.
  await expect(
    dashboard.utilization("embedded").getByRole("table", { name: "embedded GPU utilization by pod" }),
  ).toContainText(namespace, { timeout: 30_000 });
  await expect(
    dashboard.utilization("embedded").getByRole("list", { name: "embedded GPU utilization by project" }),
  ).toContainText(`${project} `);
  await dashboard.chartsDrawn();
  await dashboard.screenshot("gpu-run");

  await prometheus!.stop();
  await expect(dashboard.utilization("embedded").getByRole("status")).toContainText("Utilization unavailable", {
    timeout: 30_000,
  });
  await expect(allocation).toHaveAttribute("aria-valuenow", String(before + 2));
  await expect(quotaBar).toHaveAttribute("aria-valuetext", "2 / 4");
  await dashboard.screenshot("prometheus-down");

  const aborted = await request.post(`/api/v1/runs/${run.id}/abort`, { headers: admin });
  expect(aborted.status(), await aborted.text()).toBe(200);
  await expect(allocation).toHaveAttribute("aria-valuenow", String(before), { timeout: 20_000 });
  await expect(quotaBar).toHaveAttribute("aria-valuetext", "0 / 4");

  // The run's GPU-hours (from its record), in the table and the CSV of the same period.
  await dashboard.choosePeriod("Last 24 hours");
  const projectRow = dashboard.gpuHoursTable().getByRole("row").filter({ hasText: project });
  await expect(projectRow.getByRole("cell").last()).toHaveText("1");
  const csv = await dashboard.downloadCsv();
  expect(csv).toContain(project);
  await dashboard.chartsDrawn();
  await dashboard.screenshot("gpu-hours");
  expect(await page.evaluate(() => (window as unknown as { berthNoReload?: boolean }).berthNoReload)).toBe(true);
});

test("pending pods say why and failures of the last hour are listed, each linking to its run", async ({
  page,
  request,
}) => {
  const dashboard = new DashboardPage(page);
  await dashboard.goto();
  await dashboard.waitUntilLive();
  const failedCount = dashboard.count("embedded", "Failed in the last hour");
  const failedBefore = Number(await failedCount.textContent());

  const failing = (await post(request, "/api/v1/runs", {
    project,
    activity: "ml-train",
    command: ["python", "crash.py"],
    annotations: { "sim.berth.dev/duration": "1s", "sim.berth.dev/exit-code": "2" },
  })) as { id: string };
  // A run asking more than any node has is refused at submit; this one waits for GPUs the two before it hold.
  const fillers: { id: string }[] = [];
  for (const name of ["fill-1.py", "fill-2.py"])
    fillers.push(
      await post(request, "/api/v1/runs", {
        project,
        activity: "ml-train",
        executionConfig: hugeConfig,
        command: ["python", name],
      }),
    );
  const huge = (await post(request, "/api/v1/runs", {
    project,
    activity: "ml-train",
    executionConfig: hugeConfig,
    command: ["python", "big.py"],
  })) as { id: string };

  await expect(failedCount).toHaveText(String(failedBefore + 1), { timeout: 20_000 });
  const failed = dashboard.section("embedded").getByRole("list", { name: "embedded failed pods" });
  await expect(failed.getByRole("link", { name: new RegExp(`^${namespace}/`) }).first()).toHaveAttribute(
    "href",
    `/runs/${failing.id}`,
  );
  const pending = dashboard.section("embedded").getByRole("list", { name: "embedded pending pods" });
  const hugeItem = pending
    .getByRole("listitem")
    .filter({ hasText: `dash-huge-${suffix}/` })
    .filter({ hasText: huge.id });
  await expect(hugeItem.getByRole("link")).toHaveAttribute("href", `/runs/${huge.id}`);
  await expect(hugeItem).toContainText("4 GPU");
  await expect(hugeItem).toContainText(/nvidia\.com\/gpu/);
  await dashboard.screenshot("pending-failed");

  const aborted = await request.post(`/api/v1/runs/${huge.id}/abort`, { headers: admin });
  expect(aborted.status(), await aborted.text()).toBe(200);
  await expect(hugeItem).toHaveCount(0);
  for (const filler of fillers)
    expect((await request.post(`/api/v1/runs/${filler.id}/abort`, { headers: admin })).status()).toBe(200);
});

test("a cluster that cannot be reached is marked stale while the embedded one stays current", async ({
  page,
  request,
}) => {
  const dashboard = new DashboardPage(page);
  const name = `gone-${stamp}`;
  const kubeconfig = embeddedKubeconfig().replace(/server: \S+/, "server: https://127.0.0.1:1");
  expect((await request.post("/api/v1/clusters", { headers: admin, data: { name, kubeconfig } })).status()).toBe(201);
  try {
    await dashboard.goto();
    await expect(dashboard.section(name).getByRole("status", { name: `${name} is stale` })).toContainText(
      /^Stale since/,
      { timeout: 30_000 },
    );
    await expect(dashboard.gpuAllocation("embedded")).toHaveAttribute("aria-valuemax", "8");
    await expect(
      page.getByRole("table", { name: "Clusters at a glance" }).getByRole("row", { name: new RegExp(`^${name} `) }),
    ).toContainText("stale");
    // A cluster that never answered has no figures to show, rather than zeros.
    await expect(dashboard.count(name, "Running pods")).toHaveCount(0);
    await expect(dashboard.count("embedded", "Running pods")).toHaveText(/^\d+$/);
    await dashboard.chartsDrawn();
    await dashboard.screenshot("stale-cluster");
  } finally {
    await request.delete(`/api/v1/clusters/${name}`, { headers: admin });
  }
});

test("a cluster's calmer quotas are read on demand, below its most pressed ones", async ({ page }) => {
  const config = new k8s.KubeConfig();
  config.loadFromString(embeddedKubeconfig());
  const core = config.makeApiClient(k8s.CoreV1Api);
  const calm = `dash-calm-${suffix}`;
  // More quotas than a section carries (12), none of them pressed: most of them come only on demand.
  const names = Array.from({ length: 14 }, (_, index) => `calm-${String(index).padStart(2, "0")}`);
  await core.createNamespace({ body: { metadata: { name: calm } } });
  try {
    for (const name of names)
      await core.createNamespacedResourceQuota({
        namespace: calm,
        body: { metadata: { name }, spec: { hard: { pods: "100" } } },
      });
    const dashboard = new DashboardPage(page);
    await dashboard.goto();
    const section = dashboard.section("embedded");
    const more = section.getByRole("button", { name: /^Show \d+ more quotas? under less pressure$/ });
    await expect(more).toBeVisible({ timeout: 30_000 });
    await more.click();
    for (const name of names)
      await expect(section.getByRole("listitem", { name: `Quota ${calm}/${name}`, exact: true })).toBeVisible();
    await section.getByRole("button", { name: "Show fewer" }).click();
    await expect(more).toBeVisible();
  } finally {
    await core.deleteNamespace({ name: calm });
  }
});

test("a Docker host's section shows a running run's container by project and user, with its limits, live", async ({
  page,
  request,
}) => {
  const host = `dash-engine-${suffix}`;
  const config = `dash-docker-${suffix}`;
  const dockerProject = `dash_docker_${suffix}`;
  await post(request, "/api/v1/docker-hosts", { name: host, endpoint: dockerTestEndpoint() });
  const everyone = await request.put(`/api/v1/docker-hosts/${host}/grants`, {
    headers: admin,
    data: { grants: [], everyone: true },
  });
  expect(everyone.status(), await everyone.text()).toBe(200);
  await post(request, "/api/v1/execution-configs", {
    name: config,
    engine: "docker",
    dockerHost: host,
    image: testBaseImage(),
    resources: { requests: {}, limits: { cpu: "500m", memory: "256Mi" } },
    usableBy: "all",
  });
  await post(request, "/api/v1/projects", {
    key: dockerProject,
    name: "Dashboard Docker e2e",
    executionConfig: config,
  });

  const dashboard = new DashboardPage(page);
  await dashboard.goto();
  await dashboard.waitUntilLive();
  const section = dashboard.dockerHost(host);
  await expect(section.getByRole("status", { name: `${host} state` })).toContainText(/reachable · engine \d+\.\d+/);

  const run = (await post(request, "/api/v1/runs", {
    project: dockerProject,
    activity: "python-recipe",
    script: "import time\nprint('working', flush=True)\ntime.sleep(3600)",
  })) as { id: string };
  await expect
    .poll(async () => {
      const body = (await (await request.get(`/api/v1/runs/${run.id}`, { headers: admin })).json()) as {
        status: string;
        reason: string | null;
      };
      return `${body.status} ${body.reason ?? ""}`.trim();
    })
    .toBe("running");
  // Pushed by the engine's events stream: no reload.
  const container = section.getByRole("listitem", { name: `Container berth-${run.id}` });
  await expect(container).toContainText(`project ${dockerProject} · admin`, { timeout: 30_000 });
  await expect(container).toContainText("CPU 0.5 · memory 256Mi");
  await expect(
    section
      .getByRole("table", { name: `${host} containers by project` })
      .getByRole("row", { name: `${dockerProject} 1 0.5 256Mi`, exact: true }),
  ).toBeVisible();
  await dashboard.screenshot("docker-host");

  const aborted = await request.post(`/api/v1/runs/${run.id}/abort`, { headers: admin });
  expect(aborted.status(), await aborted.text()).toBe(200);
  await expect(container).toHaveCount(0);
});
