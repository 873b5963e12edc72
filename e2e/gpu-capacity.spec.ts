import { expect, test, type APIRequestContext } from "@playwright/test";

import { ClustersPage } from "./pages/clusters-page";
import { ExecutionConfigsPage } from "./pages/execution-configs-page";
import { BOOTSTRAP_TOKEN } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const suffix = String(Date.now() % 1_000_000);
const names = { gpu: `gpu-first-${suffix}`, small: `queue-small-${suffix}`, project: `queue_${suffix}` };
const A100 = "NVIDIA-A100-SXM4-40GB";
const shots = (name: string) => `${process.env.BERTH_E2E_SHOTS ?? "test-results/screenshots"}/gpu-capacity-${name}.png`;

test.use({ viewport: { width: 1440, height: 1000 } });
test.describe.configure({ mode: "serial" });

async function post(request: APIRequestContext, url: string, data: unknown, accept = [201]) {
  const response = await request.post(url, { headers: admin, data });
  expect(accept, `${url}: ${await response.text()}`).toContain(response.status());
  return response;
}

test.beforeAll(async ({ request }) => {
  await post(request, "/api/v1/groups", { name: "ml" }, [201, 409]);
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
});

test("the Nodes tab shows allocated against allocatable CPU, memory and GPUs per node", async ({ page }) => {
  const clusters = new ClustersPage(page);
  await clusters.open("embedded");
  const nodes = page.getByRole("table", { name: "Nodes" });
  await expect(nodes.getByRole("columnheader", { name: "GPUs allocated / allocatable" })).toBeVisible();
  await expect(nodes.getByRole("columnheader", { name: "CPU allocated / allocatable" })).toBeVisible();
  // The two GPU nodes offer 4 each; CPU nodes have none.
  await expect(nodes.getByRole("row").filter({ hasText: "nvidia.com/gpu=present:NoSchedule" })).toHaveCount(2);
  for (const row of await nodes.getByRole("row").filter({ hasText: "nvidia.com/gpu=present:NoSchedule" }).all())
    await expect(row).toContainText(/\d+ \/ 4 \(\d+%\)/);
  await expect(nodes.getByRole("row").nth(1)).toContainText(/\d+(\.\d+)? \/ \d+(\.\d+)? Gi \(\d+%\)/);
  await page.screenshot({ path: shots("nodes-tab"), fullPage: true });
});

test("a GPU config: the form warns about an untolerated GPU taint, picks the GPU type, and fits counts the GPU nodes; restoring shows what changes", async ({
  page,
  request,
}) => {
  const configs = new ExecutionConfigsPage(page);
  await configs.openNew();
  const form = configs.form("New execution config");
  await configs.fill(form, {
    name: names.gpu,
    image: "pytorch/pytorch:2.3.0-cuda12.1-cudnn8-runtime",
    cluster: "embedded",
    namespace: "berth-${project}",
    cpuRequest: "1",
    memoryRequest: "4Gi",
  });
  await form.getByLabel("GPUs per pod", { exact: true }).fill("1");
  const key = form.getByLabel("GPU taint to tolerate", { exact: true });
  await expect(key).toHaveValue("nvidia.com/gpu");
  await key.fill("");
  const check = form.getByRole("status", { name: "GPU taint check" });
  await expect(check).toContainText(
    "8 GPUs on 2 nodes tainted nvidia.com/gpu=present:NoSchedule: this config does not tolerate it (set the GPU toleration key to nvidia.com/gpu)",
  );
  await page.screenshot({ path: shots("form-taint-warning"), fullPage: true });
  await key.fill("nvidia.com/gpu");
  await expect(check).toHaveCount(0);
  await form.getByLabel("GPU type", { exact: true }).fill(A100);
  await form.getByRole("button", { name: "Create execution config" }).click();

  await expect(page.getByRole("heading", { name: names.gpu, level: 1 })).toBeVisible();
  await expect(page.getByText(`1 × ${A100}, tolerates taint nvidia.com/gpu`)).toBeVisible();
  await expect(page.getByRole("list", { name: "Fits" })).toContainText(/fits [1-8]×\s*\d of 8 nvidia\.com\/gpu free/);
  const preview = page.getByLabel("Pod preview");
  await expect(preview).toContainText(`nvidia.com/gpu.product: ${A100}`);
  await expect(preview).toContainText("key: nvidia.com/gpu");
  await page.screenshot({ path: shots("config-detail"), fullPage: true });

  const patched = await request.patch(`/api/v1/execution-configs/${names.gpu}`, {
    headers: admin,
    data: { gpu: { count: 2, type: A100, tolerationKey: "nvidia.com/gpu" } },
  });
  expect(patched.status(), await patched.text()).toBe(200);
  await configs.open(names.gpu);
  await page
    .getByRole("table", { name: "History" })
    .getByRole("button", { name: "Restore this version" })
    .first()
    .click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByRole("heading", { name: "Restore version 1?" })).toBeVisible();
  const changes = dialog.getByRole("definition").filter({ hasText: "→" });
  await expect(dialog.getByLabel("What restoring changes")).toContainText("gpu.count");
  await expect(changes.first()).toContainText("2 → 1");
  await page.screenshot({ path: shots("restore-diff") });
  await dialog.getByRole("button", { name: "Cancel" }).click();
});

test("the queue lists waiting runs across projects with why, and the dashboard lists them beside the pending pods", async ({
  page,
  request,
}) => {
  await post(request, "/api/v1/execution-configs", {
    name: names.small,
    image: "python:3.12-slim",
    cluster: "embedded",
    namespace: "berth-${project}",
    createNamespace: true,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    usableBy: "all",
  });
  await post(request, "/api/v1/projects", {
    key: names.project,
    name: "Queue e2e",
    executionConfig: names.small,
    cluster: "embedded",
  });
  const run = (await (
    await post(request, "/api/v1/runs", {
      project: names.project,
      activity: "python-recipe",
      command: ["python", "job.py"],
      annotations: { "sim.berth.dev/image-pull": "fail" },
    })
  ).json()) as { id: string };

  await page.goto("/runs/queue");
  await expect(page.getByRole("heading", { name: "Queue", level: 1 })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Queue" })).toHaveAttribute(
    "aria-current",
    "page",
  );
  const row = page.getByRole("table", { name: "Waiting runs" }).getByRole("row").filter({ hasText: run.id });
  await expect(row).toContainText(names.project);
  // The page follows the runs stream: the kubelet's reason arrives without a reload.
  await expect(row).toContainText(/ErrImagePull|ImagePullBackOff/, { timeout: 20_000 });
  await page.screenshot({ path: shots("queue"), fullPage: true });
  const queue = (await (await request.get("/api/v1/runs/queue", { headers: admin })).json()) as {
    id: string;
    status: string;
    reason: string;
    position: number;
  }[];
  expect(queue.find((waiting) => waiting.id === run.id)).toMatchObject({
    status: "pending",
    reason: expect.stringMatching(/ImagePullBackOff|ErrImagePull|could not be pulled|cannot be pulled/),
    position: expect.any(Number),
  });

  await page.goto("/");
  const waiting = page.getByRole("table", { name: "Waiting runs" });
  await expect(waiting.getByRole("row").filter({ hasText: run.id })).toContainText(/ErrImagePull|ImagePullBackOff/);
  await page.screenshot({ path: shots("dashboard-waiting"), fullPage: true });

  expect((await request.post(`/api/v1/runs/${run.id}/abort`, { headers: admin })).status()).toBe(200);
  await page.goto("/runs/queue");
  await expect(
    page.getByRole("table", { name: "Waiting runs" }).getByRole("row").filter({ hasText: run.id }),
  ).toHaveCount(0);
});
