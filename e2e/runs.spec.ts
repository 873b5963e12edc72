import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  expect,
  request as playwrightRequest,
  test,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Page,
} from "@playwright/test";

import { RunsPage } from "./pages/runs-page";
import { SignInPage } from "./pages/sign-in-page";
import { BOOTSTRAP_TOKEN, DATA_DIR, SAME_ORIGIN } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const suffix = String(Date.now() % 1_000_000);
const PASSWORD = "Runs-e2e-pass-1";
const names = {
  gpu: `gpu-train-${suffix}`,
  huge: `gpu-huge-${suffix}`,
  quota: `gpu-quota-${suffix}`,
  small: `cpu-small-${suffix}`,
  spark: `spark-run-${suffix}`,
  policy: `runs-quota-${suffix}`,
  quotaNamespace: `runs-quota-${suffix}`,
  outsiders: `sales-${suffix}`,
  member: `mia${suffix}`,
  outsider: `otto${suffix}`,
};
/** The project of the acceptance: churn, unless an earlier spec of this run already made one. */
let project = "churn";

const kubectl = (...args: string[]) =>
  execFileSync("/usr/bin/kubectl", ["--kubeconfig", path.join(DATA_DIR, "embedded-kubeconfig.yaml"), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
/** Starts or ends an outage of the embedded cluster's API through the simulator's faults endpoint. */
async function setClusterOutage(paused: boolean) {
  const kubeconfig = fs.readFileSync(path.join(DATA_DIR, "embedded-kubeconfig.yaml"), "utf8");
  const server = /server: (\S+)/.exec(kubeconfig)![1];
  const token = /token:\s*"?([^"\s]+)/.exec(kubeconfig)![1];
  const sim = await playwrightRequest.newContext({ ignoreHTTPSErrors: true });
  const response = await sim.post(`${server}/_sim/faults`, {
    headers: bearer(token),
    data: { paused, pauseMode: "reset" },
  });
  expect(response.status(), await response.text()).toBe(200);
  await sim.dispose();
}
/** Names of the pods carrying a label selector, in every namespace. */
const podsLabelled = (selector: string) =>
  kubectl("get", "pods", "-A", "-l", selector, "-o", "jsonpath={.items[*].metadata.name}").split(/\s+/).filter(Boolean);

test.use({ viewport: { width: 1280, height: 900 } });
// One story on one cluster: the runs share GPUs and a quota, so they go in order.
test.describe.configure({ mode: "serial" });

async function post(request: APIRequestContext, url: string, data: unknown, accept = [201]) {
  const response = await request.post(url, { headers: admin, data });
  expect(accept, `${url}: ${await response.text()}`).toContain(response.status());
  return response;
}

const gpuResources = (gpus: number) => ({
  requests: { cpu: "500m", memory: "1Gi", "nvidia.com/gpu": String(gpus) },
  limits: { cpu: "1", memory: "2Gi", "nvidia.com/gpu": String(gpus) },
});
const gpuToleration = [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }];

/** Groups, users, configs, the quota policy, the cluster grant and project churn, as the bootstrap admin. */
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
  const image = "python:3.12-slim";
  const common = { image, cluster: "embedded", createNamespace: true };
  await post(request, "/api/v1/execution-configs", {
    ...common,
    name: names.gpu,
    namespace: "berth-${project}",
    resources: gpuResources(1),
    tolerations: gpuToleration,
    usableBy: { groups: ["ml"] },
  });
  await post(request, "/api/v1/execution-configs", {
    ...common,
    name: names.huge,
    namespace: "berth-${project}",
    resources: gpuResources(16),
    tolerations: gpuToleration,
    usableBy: { groups: ["ml"] },
  });
  await post(request, "/api/v1/execution-configs", {
    ...common,
    name: names.quota,
    namespace: names.quotaNamespace,
    resources: gpuResources(1),
    tolerations: gpuToleration,
    usableBy: { groups: ["ml"] },
  });
  await post(request, "/api/v1/execution-configs", {
    ...common,
    name: names.small,
    namespace: "berth-${project}",
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    usableBy: "all",
  });
  await post(request, "/api/v1/spark-configs", {
    name: names.spark,
    image: "apache/spark:3.5.1",
    cluster: "embedded",
    conf: { "spark.executor.instances": "2" },
    managed: { enabled: true, namespace: "berth-${project}", createNamespace: true, serviceAccountPerJob: true },
    usableBy: "all",
  });
  await post(request, "/api/v1/namespace-policies", {
    name: names.policy,
    pattern: names.quotaNamespace,
    resourceQuota: { hard: { "requests.nvidia.com/gpu": "1", "limits.nvidia.com/gpu": "1" } },
  });
  project =
    (await request.get("/api/v1/projects/churn", { headers: admin })).status() === 404 ? "churn" : `churn_${suffix}`;
  await post(request, "/api/v1/projects", {
    key: project,
    name: "Customer churn",
    ownerGroup: "ml",
    members: [
      { group: "ml", role: "contributor" },
      { group: names.outsiders, role: "contributor" },
    ],
    executionConfig: names.gpu,
    sparkConfig: names.spark,
    cluster: "embedded",
  });
}

async function signedIn(browser: Browser, username: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    storageState: { cookies: [], origins: [] },
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await new SignInPage(page).signInAndWait(username, PASSWORD);
  return { context, page };
}

let member: { context: BrowserContext; page: Page };

test.beforeAll(async ({ browser, request }) => {
  await seed(request);
  member = await signedIn(browser, names.member);
});

test.afterAll(async () => {
  await member?.context.close();
});

test("the new-run form offers only what the user may use and shows every field error beside its field", async () => {
  const runs = new RunsPage(member.page);
  await runs.openList();
  await member.page.getByRole("link", { name: "New run" }).click();
  const form = runs.form();
  const configs = form.getByLabel("Execution config");
  await expect(configs.getByRole("option", { name: names.gpu })).toHaveCount(1);
  await expect(configs.getByRole("option", { name: names.small })).toHaveCount(1);
  await form.getByLabel("Project").selectOption(project);
  await form.getByLabel("Activity type").selectOption("ml-train");
  await expect(form.getByText(`Left empty: ${names.gpu} — from project setting`)).toBeVisible();
  await runs.screenshot("new");

  await form.getByLabel("Activity type").selectOption("spark-recipe");
  await form.getByLabel("Environment (NAME=value per line)").fill("GOOD=1\n1BAD=2");
  await form.getByText("Simulated behaviour (embedded cluster only)").click();
  await form.getByLabel("Simulated pod behaviour (name=value per line)").fill("duration");
  await form.getByRole("button", { name: "Submit run" }).click();
  await expect(form.getByRole("alert")).toContainText("Some fields are not valid");
  await expect(form.getByLabel("Command (one argument per line)")).toHaveAccessibleDescription(
    /A Spark run needs its application/,
  );
  await expect(form.getByLabel("Environment (NAME=value per line)")).toHaveAccessibleDescription(
    /"1BAD" is not a valid variable name/,
  );
  await expect(form.getByLabel("Simulated pod behaviour (name=value per line)")).toHaveAccessibleDescription(
    "line 1: write name=value, e.g. duration=20s",
  );
  await expect(form.getByLabel("Environment (NAME=value per line)")).toHaveValue("GOOD=1\n1BAD=2");
  await runs.screenshot("new-errors");
});

test("an ml member submits an ml-train run through the form and watches it go pending → running → succeeded live, with its log streaming", async () => {
  const runs = new RunsPage(member.page);
  await runs.submit({
    project,
    activity: "ml-train",
    command: ["python", "train.py", "--epochs=3"],
    env: "EPOCHS=3\nDATASET=churn_2026",
    simulated:
      "start-delay=3s\nduration=9s\nlog-rate=1\nlog-lines=loading churn_2026\\nepoch 1 loss=0.61\\nepoch 2 loss=0.43\\nepoch 3 loss=0.38\\nsaved model",
  });
  const id = await runs.openedRunId();
  // Marks this document: still there at the end means nothing reloaded the page.
  await member.page.evaluate(() => ((window as unknown as { berthNoReload: boolean }).berthNoReload = true));

  await expect(runs.status()).toHaveText("pending");
  await expect(runs.why()).toContainText(/pulling the image|Waiting for the scheduler|Scheduled on node/);
  await expect(runs.warnings()).toContainText("TensorBoard");
  await runs.screenshot("pending");

  await expect(runs.status()).toHaveText("running", { timeout: 15_000 });
  await expect(runs.log()).toContainText("epoch 1 loss=0.61", { timeout: 15_000 });
  await expect(runs.log()).not.toContainText("saved model");
  await expect(runs.pods()).toContainText("Running");
  await runs.screenshot("running");

  await expect(runs.status()).toHaveText("succeeded", { timeout: 30_000 });
  await expect(runs.log()).toContainText("saved model");
  await expect(runs.timeline().getByRole("listitem", { name: /^queued at / })).toBeVisible();
  await expect(runs.timeline().getByRole("listitem", { name: /^pending at / })).toBeVisible();
  await expect(runs.timeline().getByRole("listitem", { name: /^running at / })).toBeVisible();
  await expect(runs.timeline().getByRole("listitem", { name: /^succeeded at / })).toBeVisible();
  await expect(runs.pods()).toContainText("exit code 0");
  await expect(member.page.getByRole("region", { name: /^Why it / })).toHaveCount(0);
  await expect(member.page.getByLabel("Effective configuration")).toContainText(`${names.gpu} — from project setting`);
  expect(await member.page.evaluate(() => (window as unknown as { berthNoReload?: boolean }).berthNoReload)).toBe(true);
  await runs.screenshot("succeeded");

  // The kept log downloads; the API agrees with the page.
  const download = await member.context.request.get(`/api/v1/runs/${id}/logs`);
  expect(await download.text()).toContain("epoch 3 loss=0.38");
  expect(await (await member.context.request.get(`/api/v1/runs/${id}`)).json()).toMatchObject({
    id,
    status: "succeeded",
    project,
    activity: "ml-train",
    user: names.member,
    executionConfig: names.gpu,
    exitCode: 0,
  });
  expect(podsLabelled(`berth.dev/run=${id}`).length).toBe(1);
  const labels = JSON.parse(kubectl("get", "pods", "-A", "-l", `berth.dev/run=${id}`, "-o", "json")).items[0].metadata
    .labels as Record<string, string>;
  expect(labels).toMatchObject({
    "berth.dev/run": id,
    "berth.dev/project": project,
    "berth.dev/user": names.member,
    "berth.dev/activity": "ml-train",
    "berth.dev/exec-config": names.gpu,
  });
});

test("a GPU run that can never fit is refused on the form with the numbers, and nothing reaches the cluster", async () => {
  const runs = new RunsPage(member.page);
  await runs.submit({ project, activity: "ml-train", command: ["python", "train.py"], executionConfig: names.huge });
  const alert = runs.form().getByRole("alert");
  await expect(alert).toContainText(
    /This run can never start on cluster embedded: no node has 16 nvidia\.com\/gpu allocatable \(largest: 4 on [\w-]+\)/,
  );
  await expect(runs.form().getByLabel("Execution config")).toHaveAccessibleDescription(
    /no node has 16 nvidia\.com\/gpu allocatable/,
  );
  await runs.screenshot("refused-never-fits");
  expect(podsLabelled("berth.dev/activity=ml-train,berth.dev/exec-config=" + names.huge)).toEqual([]);
});

test("a run over its namespace's GPU quota waits queued and shows the quota's numbers", async ({ request }) => {
  // The first run takes the quota's one GPU; the next one could start once it finishes.
  const holder = (await (
    await post(request, "/api/v1/runs", {
      project,
      activity: "ml-train",
      command: ["python", "hold.py"],
      executionConfig: names.quota,
      annotations: { "sim.berth.dev/duration": "600s" },
    })
  ).json()) as { id: string; status: string };
  expect(holder.status).toBe("pending");
  const runs = new RunsPage(member.page);
  await runs.submit({ project, activity: "ml-train", command: ["python", "train.py"], executionConfig: names.quota });
  const id = await runs.openedRunId();
  await expect(runs.status()).toHaveText("queued");
  const why = runs.why();
  await expect(why).toContainText("Over the namespace quota");
  const quota = why.getByRole("table", { name: "Quota" });
  await expect(quota.getByRole("row").filter({ hasText: "requests.nvidia.com/gpu" })).toContainText(
    /requests\.nvidia\.com\/gpu\s*1\s*1\s*1/,
  );
  await runs.screenshot("queued");
  expect(podsLabelled(`berth.dev/run=${id}`)).toEqual([]);
  await runs.abort();
  await expect(runs.status()).toHaveText("aborted");
  expect((await request.post(`/api/v1/runs/${holder.id}/abort`, { headers: admin })).status()).toBe(200);
});

test("a run killed for memory fails with OOMKilled explained and its exit code", async () => {
  const runs = new RunsPage(member.page);
  await runs.submit({
    project,
    activity: "python-recipe",
    script: "import numpy as np\nnp.zeros(10**11)\n",
    executionConfig: names.small,
    simulated: "duration=2s\noom=true\nlog-lines=allocating",
  });
  await runs.openedRunId();
  await expect(runs.status()).toHaveText("failed", { timeout: 20_000 });
  await expect(runs.why()).toContainText("Out of memory: the container was killed (OOMKilled)");
  await expect(runs.why()).toContainText("memory limit");
  await expect(runs.pods()).toContainText("exit code 137");
  await runs.screenshot("failed");
});

test("a run whose image cannot be pulled says so while it waits; aborting it deletes its pod, as kubectl confirms", async () => {
  const runs = new RunsPage(member.page);
  await runs.submit({
    project,
    activity: "python-recipe",
    command: ["python", "job.py"],
    executionConfig: names.small,
    simulated: "image-pull=fail",
  });
  const id = await runs.openedRunId();
  await expect(runs.status()).toHaveText("pending");
  await expect(runs.why()).toContainText("The container image could not be pulled", { timeout: 15_000 });
  await expect(runs.why()).toContainText(/ErrImagePull|ImagePullBackOff/);
  await runs.screenshot("pending-image-pull");
  expect(podsLabelled(`berth.dev/run=${id}`)).toHaveLength(1);
  await runs.abort();
  await expect(runs.status()).toHaveText("aborted");
  await expect(runs.page.getByRole("button", { name: "Abort run" })).toHaveCount(0);
  await expect(runs.timeline().getByRole("listitem", { name: /^aborted at / })).toBeVisible();
  await expect.poll(() => podsLabelled(`berth.dev/run=${id}`), { timeout: 15_000 }).toEqual([]);
  await runs.screenshot("aborted");
});

test("a Spark run shows its driver and executors, with their logs merged and one pod's log on its own", async () => {
  const runs = new RunsPage(member.page);
  await runs.submit({
    project,
    activity: "spark-recipe",
    command: ["local:///opt/app/churn_features.py"],
    sparkConfig: names.spark,
    simulated: "duration=12s\nlog-rate=2\nlog-lines=stage 1 of 3\\nstage 2 of 3\\nstage 3 of 3",
  });
  const id = await runs.openedRunId();
  await expect(runs.status()).toHaveText("running", { timeout: 20_000 });
  await expect(runs.pods().getByRole("listitem", { name: /^Pod / })).toHaveCount(3, { timeout: 20_000 });
  await expect(runs.pods()).toContainText("driver");
  await expect(runs.pods().getByText("executor", { exact: true })).toHaveCount(2);
  // Merged: lines of more than one pod, each prefixed with its pod's name.
  await expect(runs.log()).toContainText(/\[[a-z0-9-]+-driver\] /, { timeout: 15_000 });
  await expect(runs.log()).toContainText(/\[[a-z0-9-]+-exec-\d\] /);
  await runs.screenshot("spark-running");
  const driver = (await runs
    .pods()
    .getByRole("listitem", { name: /-driver$/ })
    .getAttribute("aria-label"))!.replace(/^Pod /, "");
  await member.page.getByLabel("Pod", { exact: true }).selectOption(driver);
  await expect(runs.log()).toContainText(`[${driver}] `);
  await expect(runs.log()).not.toContainText("-exec-");
  await expect(runs.status()).toHaveText("succeeded", { timeout: 40_000 });
  expect(podsLabelled(`berth.dev/run=${id}`).length).toBeGreaterThanOrEqual(1);
  // The executors go with the driver; the page still names them.
  await expect(member.page.getByText("No longer on the cluster")).toContainText("-exec-", { timeout: 15_000 });
  // Their lines were kept as they ran: the ended run's log still merges driver and executors.
  await expect
    .poll(async () => (await member.context.request.get(`/api/v1/runs/${id}/logs`)).text(), { timeout: 15_000 })
    .toMatch(/\[[a-z0-9-]+-exec-\d\] stage 3 of 3/);
  await member.page.reload();
  await expect(runs.log()).toContainText(/\[[a-z0-9-]+-exec-\d\] /, { timeout: 15_000 });
  await runs.screenshot("spark-succeeded");
});

test("through the API with tokens: the same run succeeds for a member; a user outside the config's groups gets 403 and nothing reaches the cluster", async ({
  browser,
}) => {
  const memberToken = (
    await (
      await member.context.request.post("/api/v1/tokens", { headers: SAME_ORIGIN, data: { name: "runs-e2e" } })
    ).json()
  ).token as string;
  const submitted = await member.context.request.post("/api/v1/runs", {
    headers: bearer(memberToken),
    data: {
      project,
      activity: "ml-train",
      command: ["python", "train.py"],
      env: { EPOCHS: "1" },
      annotations: { "sim.berth.dev/duration": "2s", "sim.berth.dev/log-lines": "api epoch 1" },
    },
  });
  expect(submitted.status(), await submitted.text()).toBe(201);
  const { id } = (await submitted.json()) as { id: string };
  await expect
    .poll(
      async () =>
        (await (await member.context.request.get(`/api/v1/runs/${id}`, { headers: bearer(memberToken) })).json())
          .status,
      { timeout: 30_000 },
    )
    .toBe("succeeded");
  expect(
    await (await member.context.request.get(`/api/v1/runs/${id}/logs`, { headers: bearer(memberToken) })).text(),
  ).toContain("api epoch 1");
  // A GPU run that can never fit is refused with the numbers, and nothing is recorded.
  const huge = await member.context.request.post("/api/v1/runs", {
    headers: bearer(memberToken),
    data: { project, activity: "ml-train", command: ["python", "train.py"], executionConfig: names.huge },
  });
  expect(huge.status(), await huge.text()).toBe(422);
  expect(await huge.json()).toMatchObject({
    error: expect.stringMatching(
      /^This run can never start on cluster embedded: no node has 16 nvidia\.com\/gpu allocatable \(largest: 4 on [\w-]+\)$/,
    ),
  });
  // A run waiting on its image: its reason names the kubelet's; the API aborts it and kubectl sees no pod left.
  const waiting = await member.context.request.post("/api/v1/runs", {
    headers: bearer(memberToken),
    data: {
      project,
      activity: "ml-train",
      command: ["python", "train.py"],
      annotations: { "sim.berth.dev/image-pull": "fail" },
    },
  });
  expect(waiting.status(), await waiting.text()).toBe(201);
  const waitingId = ((await waiting.json()) as { id: string }).id;
  await expect
    .poll(
      async () =>
        (
          (await (
            await member.context.request.get(`/api/v1/runs/${waitingId}`, { headers: bearer(memberToken) })
          ).json()) as { reason?: string }
        ).reason,
      { timeout: 15_000 },
    )
    .toMatch(/ErrImagePull|ImagePullBackOff/);
  expect(podsLabelled(`berth.dev/run=${waitingId}`)).toHaveLength(1);
  const aborted = await member.context.request.post(`/api/v1/runs/${waitingId}/abort`, {
    headers: bearer(memberToken),
  });
  expect(aborted.status(), await aborted.text()).toBe(200);
  expect(await aborted.json()).toMatchObject({ id: waitingId, status: "aborted" });
  await expect.poll(() => podsLabelled(`berth.dev/run=${waitingId}`), { timeout: 15_000 }).toEqual([]);

  const invalid = await member.context.request.post("/api/v1/runs", {
    headers: bearer(memberToken),
    data: { project, activity: "sql-recipe", env: { "1BAD": "x" } },
  });
  expect(invalid.status()).toBe(422);
  expect(Object.keys((await invalid.json()).fieldErrors)).toEqual(expect.arrayContaining(["activity", "env"]));

  const outsider = await signedIn(browser, names.outsider);
  const outsiderToken = (
    await (
      await outsider.context.request.post("/api/v1/tokens", { headers: SAME_ORIGIN, data: { name: "runs-e2e" } })
    ).json()
  ).token as string;
  const refused = await outsider.context.request.post("/api/v1/runs", {
    headers: bearer(outsiderToken),
    data: { project, activity: "ml-train", command: ["python", "train.py"] },
  });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error).toMatch(new RegExp(`may not use.*${names.gpu}`));
  expect(podsLabelled(`berth.dev/user=${names.outsider}`)).toEqual([]);
  // Nor through the form: the refusal is shown, nothing is created.
  const outsiderRuns = new RunsPage(outsider.page);
  await outsiderRuns.submit({ project, activity: "ml-train", command: ["python", "train.py"] });
  await expect(outsiderRuns.form().getByRole("alert")).toContainText(names.gpu);
  await expect(outsiderRuns.form().getByLabel("Execution config")).not.toContainText(names.gpu);
  expect(podsLabelled(`berth.dev/user=${names.outsider}`)).toEqual([]);
  await outsider.context.close();
});

test("the runs list shows every run the user may see with its status, filters by URL, and updates live", async () => {
  const runs = new RunsPage(member.page);
  await runs.openList();
  await expect(runs.table().getByRole("row")).not.toHaveCount(1);
  await expect(runs.table()).toContainText("succeeded");
  await expect(runs.table()).toContainText("aborted");
  await expect(runs.table()).toContainText("failed");
  await runs.screenshot("list");

  // A new run appears and moves on without a reload.
  const submitted = await member.context.request.post("/api/v1/runs", {
    headers: SAME_ORIGIN,
    data: {
      project,
      activity: "python-recipe",
      executionConfig: names.small,
      command: ["python", "-c", "print(1)"],
      annotations: { "sim.berth.dev/duration": "3s", "sim.berth.dev/start-delay": "2s" },
    },
  });
  expect(submitted.status(), await submitted.text()).toBe(201);
  const { id } = (await submitted.json()) as { id: string };
  await expect(runs.row(id)).toBeVisible();
  await expect(runs.row(id)).toContainText("Python recipe");
  await expect(runs.row(id)).toContainText("running", { timeout: 15_000 });
  await runs.screenshot("list-live");
  await expect(runs.row(id)).toContainText("succeeded", { timeout: 20_000 });

  await runs.openList("?status=failed");
  await expect(runs.table().getByRole("row").filter({ hasText: "succeeded" })).toHaveCount(0);
  await expect(runs.table()).toContainText("failed");
  await member.page.getByRole("search", { name: "Filter runs" }).getByLabel("Status").selectOption("aborted");
  await member.page.getByRole("button", { name: "Filter" }).click();
  await expect(member.page).toHaveURL(/status=aborted/);
  await expect(runs.table().getByRole("row").filter({ hasText: "failed" })).toHaveCount(0);
  await runs.screenshot("list-filtered");
});

test("when the cluster cannot be reached the run page and the list say since when, and recover by themselves", async () => {
  const runs = new RunsPage(member.page);
  const submitted = await member.context.request.post("/api/v1/runs", {
    headers: SAME_ORIGIN,
    data: {
      project,
      activity: "python-recipe",
      executionConfig: names.small,
      command: ["python", "serve.py"],
      annotations: { "sim.berth.dev/duration": "120s", "sim.berth.dev/log-lines": "serving" },
    },
  });
  expect(submitted.status(), await submitted.text()).toBe(201);
  const { id } = (await submitted.json()) as { id: string };
  await runs.openRun(id);
  await expect(runs.status()).toHaveText("running", { timeout: 15_000 });
  await setClusterOutage(true);
  try {
    await expect(member.page.getByRole("status", { name: "Stale" })).toContainText(
      /Stale since \d{2}:\d{2}:\d{2} UTC/,
      { timeout: 20_000 },
    );
    await runs.screenshot("stale");
    await runs.openList();
    await expect(member.page.getByRole("status", { name: "Stale" })).toContainText("embedded");
    await runs.openRun(id);
  } finally {
    await setClusterOutage(false);
  }
  await expect(member.page.getByRole("status", { name: "Stale" })).toHaveCount(0, { timeout: 40_000 });
  await expect(runs.status()).toHaveText("running");
  await runs.abort();
  await expect(runs.status()).toHaveText("aborted");
  await expect.poll(() => podsLabelled(`berth.dev/run=${id}`), { timeout: 15_000 }).toEqual([]);
});
