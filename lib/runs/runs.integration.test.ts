import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CoreV1Api, CustomObjectsApi, type V1Pod } from "@kubernetes/client-node";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { adminKubeConfig, clusterKind } from "@/test/support/cluster-kind";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-runs-"));
// Namespaces unique to this file: the simulator is shared by every test file of a vitest run.
const suffix = Math.random().toString(36).slice(2, 7);

describe("runs against the simulated cluster", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig, kubeClients } = await import("@/lib/kube/client");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { createSparkConfig } = await import("@/lib/spark-configs/mutations");
  const { createPolicy } = await import("@/lib/namespace-policies/mutations");
  const { createToken } = await import("@/lib/tokens/mutations");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { listAuditEvents } = await import("@/lib/audit/queries");
  const { subscribeRunChanges } = await import("./events");
  const { submitRun } = await import("./submit");
  const { abortRun } = await import("./abort");
  const { findRun, listRunsFor, findVisibleRun } = await import("./queries");
  const runsRoute = await import("@/app/api/v1/runs/route");
  const runRoute = await import("@/app/api/v1/runs/[id]/route");
  const abortRoute = await import("@/app/api/v1/runs/[id]/abort/route");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");

  const ids = { admin: 0, alice: 0, bob: 0, carol: 0, churn: 0, quota: 0, cluster: 0 };
  const tokens: Record<string, string> = {};
  const actor = (userId: number): Actor => actorForUser(userId)!;
  const core = () => kubeClients(getDb().select().from(schema.clusters).get()!).core;
  // For checks Berth's own account may not make (it creates and deletes per-job ServiceAccounts and
  // SparkApplications, never reads them).
  const adminCore = adminKubeConfig().makeApiClient(CoreV1Api);
  const ns = (name: string) => `${name}-${suffix}`;

  const api = async (method: "GET" | "POST", url: string, token: string, body?: unknown) => {
    const request = new NextRequest(`http://berth.test${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const id = url.split("/")[4];
    const params: Promise<Record<string, string>> = Promise.resolve(id ? { id } : ({} as Record<string, string>));
    const handler = url.endsWith("/abort")
      ? abortRoute.POST
      : id
        ? runRoute.GET
        : method === "GET"
          ? runsRoute.GET
          : runsRoute.POST;
    const response = await handler(request, { params });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown> & { fieldErrors?: Record<string, string[]> },
    };
  };

  const podsOf = async (namespace: string, runId: string): Promise<V1Pod[]> =>
    (await core().listNamespacedPod({ namespace, labelSelector: `berth.dev/run=${runId}` })).items.filter(
      (pod) => !pod.metadata?.deletionTimestamp,
    );

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  beforeAll(async () => {
    const db = getDb();
    const user = (username: string, role: "admin" | "user" = "user") =>
      db.insert(schema.users).values({ username, role, passwordHash: "x" }).returning().get().id;
    ids.admin = user("admin", "admin");
    ids.alice = user("alice");
    ids.bob = user("bob");
    ids.carol = user("carol");
    const group = (name: string, members: number[]) => {
      const id = db.insert(schema.groups).values({ name }).returning().get().id;
      for (const userId of members) db.insert(schema.groupMembers).values({ groupId: id, userId }).run();
      return id;
    };
    const ml = group("ml", [ids.alice]);
    const sales = group("sales", [ids.bob]);
    const interns = group("interns", [ids.carol]);
    ids.cluster = db
      .insert(schema.clusters)
      .values({
        name: "sim",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://127.0.0.1:6443",
      })
      .returning()
      .get().id;
    db.insert(schema.clusters)
      .values({
        name: "other",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://other",
      })
      .run();
    // alice and bob may use the cluster; carol (interns) may not.
    db.insert(schema.clusterGrants).values({ clusterId: ids.cluster, groupId: ml, level: "use" }).run();
    db.insert(schema.clusterGrants).values({ clusterId: ids.cluster, groupId: sales, level: "use" }).run();
    const admin = actor(ids.admin);
    const gpu = {
      name: "gpu-large",
      image: "team/pytorch:2.3",
      cluster: "sim",
      namespace: `runs-\${project}-${suffix}`,
      createNamespace: true,
      resources: {
        requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "2" },
        limits: { cpu: "2", memory: "2Gi", "nvidia.com/gpu": "2" },
      },
      nodeSelector: { "nvidia.com/gpu.present": "true" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
      usableBy: { groups: ["ml"] },
    };
    expect(await executeMutation(createExecutionConfig, gpu, admin, "api")).toMatchObject({ ok: true });
    const cpu = {
      name: "cpu-small",
      image: "python:3.12-slim",
      cluster: "sim",
      namespace: `runs-\${project}-${suffix}`,
      createNamespace: true,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    };
    expect(await executeMutation(createExecutionConfig, cpu, admin, "api")).toMatchObject({ ok: true });
    const fixed = { ...cpu, name: "fixed-ns", namespace: `absent-${suffix}`, createNamespace: false };
    expect(await executeMutation(createExecutionConfig, fixed, admin, "api")).toMatchObject({ ok: true });
    const spark = {
      name: "spark-small",
      cluster: "sim",
      conf: { "spark.executor.instances": "2", "spark.executor.memory": "512m", "spark.driver.memory": "512m" },
      managed: {
        enabled: true,
        namespace: `spark-\${project}-${suffix}`,
        createNamespace: true,
        serviceAccountPerJob: true,
      },
      usableBy: { groups: ["ml"] },
    };
    expect(await executeMutation(createSparkConfig, spark, admin, "api")).toMatchObject({ ok: true });
    // Every runs-* namespace of this file gets a generous quota; the "quota" project's only 2 GPUs.
    const policy = (name: string, pattern: string, priority: number, gpus: string) =>
      executeMutation(
        createPolicy,
        { name, pattern, priority, resourceQuota: { hard: { pods: "20", "requests.nvidia.com/gpu": gpus } } },
        admin,
        "api",
      );
    expect(await policy(`runs-${suffix}`, `runs-*-${suffix}`, 100, "8")).toMatchObject({ ok: true });
    expect(await policy(`tight-${suffix}`, `runs-quota-${suffix}`, 10, "2")).toMatchObject({ ok: true });
    const execId = (name: string) =>
      db
        .select()
        .from(schema.executionConfigs)
        .all()
        .find((row) => row.name === name)!.id;
    const sparkId = db.select().from(schema.sparkConfigs).get()!.id;
    const project = (key: string, executionConfigId: number) =>
      db
        .insert(schema.projects)
        .values({ key, name: key, executionConfigId, sparkConfigId: sparkId, clusterId: ids.cluster })
        .returning()
        .get().id;
    ids.churn = project("churn", execId("gpu-large"));
    ids.quota = project("quota", execId("gpu-large"));
    const outsiders = project("outsiders", execId("gpu-large"));
    const bare = db.insert(schema.projects).values({ key: "bare", name: "bare" }).returning().get().id;
    for (const projectId of [ids.churn, ids.quota, bare])
      db.insert(schema.projectMembers).values({ projectId, groupId: ml, role: "contributor" }).run();
    db.insert(schema.projectMembers).values({ projectId: bare, groupId: sales, role: "contributor" }).run();
    db.insert(schema.projectMembers).values({ projectId: outsiders, groupId: sales, role: "contributor" }).run();
    db.insert(schema.projectMembers).values({ projectId: ids.churn, groupId: sales, role: "reader" }).run();
    db.insert(schema.projectMembers).values({ projectId: ids.churn, groupId: interns, role: "contributor" }).run();
    for (const [name, id] of Object.entries({ admin: ids.admin, alice: ids.alice, bob: ids.bob })) {
      const created = await executeMutation(createToken, { name: "test" }, actor(id), "api");
      if (!created.ok) throw new Error(created.error);
      tokens[name] = created.data.token;
    }
  });

  const changes: { id: string; status: string }[] = [];
  const unsubscribe = subscribeRunChanges((change) => changes.push({ id: change.id, status: change.status }));
  afterAll(() => unsubscribe());

  let gpuRunId = "";

  it("submits an ml-train run as one GPU pod in the templated namespace, created with its policy, labelled and annotated", async () => {
    const { status, body } = await api("POST", "/api/v1/runs", tokens.alice, {
      project: "churn",
      activity: "ml-train",
      command: ["python", "train.py"],
      env: { EPOCHS: "3", DB_PASSWORD: "hunter2" },
    });
    expect(status).toBe(201);
    gpuRunId = body.id as string;
    const namespace = ns("runs-churn");
    expect(body).toMatchObject({
      status: "pending",
      project: "churn",
      activity: "ml-train",
      user: "alice",
      executionConfig: "gpu-large",
      cluster: "sim",
      namespace,
      workload: "pod",
      pods: [`berth-ml-train-${gpuRunId}`],
      gpus: 2,
      warnings: [expect.stringContaining("TensorBoard")],
      resolution: {
        executionConfig: { value: "gpu-large", origin: "project", from: "from project setting" },
        cluster: { value: "sim", origin: "project" },
        image: "team/pytorch:2.3",
      },
      command: ["python", "train.py"],
      env: { EPOCHS: "3", DB_PASSWORD: "[redacted]" },
    });
    expect((body.timeline as { status: string }[]).map((step) => step.status)).toEqual(["queued", "pending"]);
    const [pod] = await podsOf(namespace, gpuRunId);
    expect(pod.metadata!.labels).toMatchObject({
      "berth.dev/run": gpuRunId,
      "berth.dev/project": "churn",
      "berth.dev/user": "alice",
      "berth.dev/activity": "ml-train",
      "berth.dev/exec-config": "gpu-large",
    });
    expect(pod.metadata!.annotations!["berth.dev/resolution"]).toBe(
      "execution config gpu-large (from project setting); cluster sim (from the execution config (project setting))",
    );
    expect(pod.spec!.containers[0]).toMatchObject({
      command: ["python", "train.py"],
      resources: { limits: { "nvidia.com/gpu": "2" } },
    });
    expect(pod.spec!.containers[0].env).toEqual(expect.arrayContaining([{ name: "EPOCHS", value: "3" }]));
    expect(pod.spec!.restartPolicy).toBe("Never");
    // The namespace was created with the matching policy's quota.
    const quota = await core().readNamespacedResourceQuota({ namespace, name: "berth-quota" });
    expect(quota.spec!.hard).toMatchObject({ "requests.nvidia.com/gpu": "8" });
    expect(changes.filter((change) => change.id === gpuRunId).map((change) => change.status)).toEqual([
      "queued",
      "pending",
    ]);
    const [audit] = listAuditEvents({ objectType: "run", objectId: gpuRunId, limit: 1 });
    expect(audit).toMatchObject({ action: "run.submit", after: { env: { DB_PASSWORD: "[redacted]" } } });
  });

  it("GETs the run with the contract's fields; others who cannot read the project get a 404", async () => {
    const { status, body } = await api("GET", `/api/v1/runs/${gpuRunId}`, tokens.alice);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: gpuRunId,
      status: "pending",
      project: "churn",
      user: "alice",
      executionConfig: "gpu-large",
      cluster: "sim",
      namespace: ns("runs-churn"),
      pods: [`berth-ml-train-${gpuRunId}`],
    });
    expect(body.createdAt).toEqual(expect.any(String));
    // bob reads churn (reader), so he sees it; a run id nobody has is a 404.
    expect((await api("GET", `/api/v1/runs/${gpuRunId}`, tokens.bob)).status).toBe(200);
    expect((await api("GET", "/api/v1/runs/zzzzzzzzzz", tokens.alice)).status).toBe(404);
  });

  it("refuses a user outside the config's groups with 403 and creates nothing in the cluster", async () => {
    const before = getDb().select().from(schema.runs).all().length;
    const { status, body } = await api("POST", "/api/v1/runs", tokens.bob, {
      project: "outsiders",
      activity: "python-recipe",
      script: "print(1)",
    });
    expect(status).toBe(403);
    expect(body).toEqual({ error: "group sales may not use config gpu-large" });
    await expect(core().readNamespace({ name: ns("runs-outsiders") })).rejects.toMatchObject({ code: 404 });
    const pods = await core().listPodForAllNamespaces({ labelSelector: "berth.dev/project=outsiders" });
    expect(pods.items).toEqual([]);
    expect(getDb().select().from(schema.runs).all()).toHaveLength(before);
  });

  it("takes a per-run config within what the user may use, and refuses a cluster the user's groups may not use", async () => {
    const { status, body } = await api("POST", "/api/v1/runs", tokens.bob, {
      project: "outsiders",
      activity: "python-recipe",
      executionConfig: "cpu-small",
      annotations: { "sim.berth.dev/duration": "1s" },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      status: "pending",
      executionConfig: "cpu-small",
      gpus: 0,
      warnings: [],
      resolution: { executionConfig: { value: "cpu-small", origin: "run", from: "chosen for this run" } },
    });
    const refused = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", executionConfig: "cpu-small" },
      actor(ids.carol),
      "api",
    );
    expect(refused).toMatchObject({ ok: false, status: 403, error: "group interns may not use cluster sim" });
  });

  it("answers bad input with 422 and field errors, writing nothing", async () => {
    const before = getDb().select().from(schema.runs).all().length;
    const { status, body } = await api("POST", "/api/v1/runs", tokens.alice, {
      project: "churn",
      activity: "train",
      command: "python x.py",
      env: { "1BAD": "x" },
      annotations: { "berth.dev/run": "x" },
    });
    expect(status).toBe(422);
    expect(Object.keys(body.fieldErrors!).sort()).toEqual(["activity", "annotations.berth.dev/run", "command", "env"]);
    const unknown = await api("POST", "/api/v1/runs", tokens.alice, {
      project: "churn",
      activity: "python-recipe",
      executionConfig: "nope",
      cluster: "nowhere",
    });
    expect(unknown).toMatchObject({
      status: 422,
      body: {
        fieldErrors: { executionConfig: ['No execution config named "nope"'], cluster: ['No cluster named "nowhere"'] },
      },
    });
    // A project that resolves no config: 422 before any permission on configs is looked at.
    const bare = await api("POST", "/api/v1/runs", tokens.bob, { project: "bare", activity: "python-recipe" });
    // A user is told whom to ask; an admin what to set and where.
    const askAdmins =
      "no execution config selected. Ask a Berth admin (admin) to set an execution config for this project.";
    expect(bare).toMatchObject({
      status: 422,
      body: { error: `This run cannot start: ${askAdmins}`, fieldErrors: { executionConfig: [askAdmins] } },
    });
    const asAdmin = await api("POST", "/api/v1/runs", tokens.admin, { project: "bare", activity: "python-recipe" });
    expect(asAdmin).toMatchObject({
      status: 422,
      body: {
        error:
          "This run cannot start: no execution config selected. Set an execution config as an instance default in Settings, or for project bare on its page: /settings or /projects/bare.",
      },
    });
    const pinned = await api("POST", "/api/v1/runs", tokens.alice, {
      project: "churn",
      activity: "python-recipe",
      executionConfig: "cpu-small",
      cluster: "other",
    });
    expect(pinned).toMatchObject({
      status: 422,
      body: { fieldErrors: { cluster: ["Config cpu-small runs only on cluster sim"] } },
    });
    const noEnv = await api("POST", "/api/v1/runs", tokens.alice, {
      project: "churn",
      activity: "python-recipe",
      codeEnv: "nope",
    });
    expect(noEnv).toMatchObject({ status: 422, body: { fieldErrors: { codeEnv: ['No code env named "nope"'] } } });
    const noProject = await api("POST", "/api/v1/runs", tokens.alice, { project: "ghost", activity: "python-recipe" });
    expect(noProject).toMatchObject({ status: 422, body: { fieldErrors: { project: ['No project "ghost"'] } } });
    expect(getDb().select().from(schema.runs).all()).toHaveLength(before);
  });

  it("applies the named object's override with origin object, and names runs after their object or script", async () => {
    const cpu = getDb()
      .select()
      .from(schema.executionConfigs)
      .all()
      .find((row) => row.name === "cpu-small")!;
    getDb()
      .insert(schema.projectOverrides)
      .values({
        projectId: ids.churn,
        objectId: "prepare_features",
        activityType: "python-recipe",
        executionConfigId: cpu.id,
      })
      .run();
    const quick = { "sim.berth.dev/duration": "1s" };
    const { status, body } = await api("POST", "/api/v1/runs", tokens.alice, {
      project: "churn",
      activity: "python-recipe",
      object: "prepare_features",
      script: "print(1)",
      annotations: quick,
    });
    expect(status, JSON.stringify(body)).toBe(201);
    expect(body).toMatchObject({
      name: "prepare_features",
      object: "prepare_features",
      executionConfig: "cpu-small",
      resolution: {
        executionConfig: { value: "cpu-small", origin: "object", from: "from override of prepare_features" },
        cluster: { origin: "object" },
      },
    });
    const [pod] = await podsOf(ns("runs-churn"), body.id as string);
    expect(pod.metadata!.annotations!["berth.dev/resolution"]).toBe(
      "execution config cpu-small (from override of prepare_features); cluster sim (from the execution config (override of prepare_features))",
    );
    const read = await api("GET", `/api/v1/runs/${body.id}`, tokens.alice);
    expect(read.body).toMatchObject({
      name: "prepare_features",
      object: "prepare_features",
      executionConfig: "cpu-small",
    });
    // A per-run choice still wins over the object's override; a given name is kept.
    const named = await api("POST", "/api/v1/runs", tokens.alice, {
      project: "churn",
      activity: "python-recipe",
      object: "prepare_features",
      name: "Nightly features",
      executionConfig: "cpu-small",
      script: "print(2)",
      annotations: quick,
    });
    expect(named.body).toMatchObject({
      name: "Nightly features",
      resolution: { executionConfig: { origin: "run", from: "chosen for this run" } },
    });
    const plain = await api("POST", "/api/v1/runs", tokens.bob, {
      project: "outsiders",
      activity: "python-recipe",
      executionConfig: "cpu-small",
      script: "import os\nprint(os.getcwd())",
      annotations: quick,
    });
    expect(plain.body).toMatchObject({ name: "import" });
    expect(plain.body.object).toBeUndefined();
  });

  let queuedRunId = "";

  it("keeps a run over quota queued, with the quota's numbers as its reason", async () => {
    // The first run takes the quota's 2 GPUs; the second could start once it finishes.
    const holder = await executeMutation(
      submitRun,
      {
        project: "quota",
        activity: "ml-train",
        command: ["python", "train.py"],
        annotations: { "sim.berth.dev/duration": "600s" },
      },
      actor(ids.alice),
      "api",
    );
    if (!holder.ok) throw new Error(holder.error);
    expect(holder.data.status).toBe("pending");
    const result = await executeMutation(
      submitRun,
      { project: "quota", activity: "ml-train", command: ["python", "train.py"] },
      actor(ids.alice),
      "api",
    );
    if (!result.ok) throw new Error(result.error);
    queuedRunId = result.data.id;
    expect(result.data).toMatchObject({ status: "queued", pods: [], namespace: ns("runs-quota") });
    expect(result.data.reason).toMatch(
      /quota berth-quota of namespace runs-quota-\w+: requests\.nvidia\.com\/gpu: asks 2, 2 in use, limit 2/,
    );
    expect(await podsOf(ns("runs-quota"), queuedRunId)).toEqual([]);
    expect(await executeMutation(abortRun, { id: holder.data.id }, actor(ids.alice), "api")).toMatchObject({
      ok: true,
      data: { status: "aborted" },
    });
  });

  it("records a run the cluster refuses as failed, with the reason in plain words", async () => {
    const result = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", executionConfig: "fixed-ns" },
      actor(ids.alice),
      "api",
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.data).toMatchObject({
      status: "failed",
      reason: `Namespace "absent-${suffix}" does not exist on the cluster, and this config does not create it`,
      pods: [],
    });
    expect(result.data.finishedAt).toEqual(expect.any(String));
    expect(result.data.timeline.map((step) => step.status)).toEqual(["queued", "failed"]);
  });

  let sparkRunId = "";

  it("submits a Spark run as a SparkApplication (a spark-submit driver pod without the operator) whose pods carry the run's labels", async () => {
    const { status, body } = await api("POST", "/api/v1/runs", tokens.alice, {
      project: "churn",
      activity: "spark-recipe",
      command: ["local:///opt/app/job.py", "--day", "1"],
      annotations: { "sim.berth.dev/duration": "60s" },
    });
    expect(status).toBe(201);
    sparkRunId = body.id as string;
    const namespace = ns("spark-churn");
    // The simulator serves the Spark operator's SparkApplication; the real cluster here has no operator, so
    // Berth falls back to a driver pod, and kwok runs no spark-submit that would start executors.
    const withOperator = clusterKind() === "simulator";
    expect(body).toMatchObject({
      status: "pending",
      workload: withOperator ? "spark-application" : "spark-driver",
      sparkConfig: "spark-small",
      executionConfig: null,
      namespace,
      pods: [`berth-spark-recipe-${sparkRunId}-driver`],
    });
    const account = `berth-spark-berth-spark-recipe-${sparkRunId}`;
    await expect(adminCore.readNamespacedServiceAccount({ namespace, name: account })).resolves.toMatchObject({
      metadata: { name: account },
    });
    const expectedRoles = withOperator ? ["driver", "executor", "executor"] : ["driver"];
    const pods = await eventually(
      () => podsOf(namespace, sparkRunId),
      (list) => list.length === expectedRoles.length,
    );
    const roles = pods.map((pod) => pod.metadata!.labels!["spark-role"]).sort();
    expect(roles).toEqual(expectedRoles);
    for (const pod of pods)
      expect(pod.metadata!.labels).toMatchObject({
        "berth.dev/run": sparkRunId,
        "berth.dev/project": "churn",
        "berth.dev/activity": "spark-recipe",
        "berth.dev/user": "alice",
      });
    expect(pods.find((pod) => pod.metadata!.labels!["spark-role"] === "driver")!.spec!.serviceAccountName).toBe(
      account,
    );
  });

  it("lists only the runs each user may see, with filters", async () => {
    const aliceRuns = listRunsFor(actor(ids.alice));
    expect(aliceRuns.map((run) => run.id)).toEqual(expect.arrayContaining([gpuRunId, queuedRunId, sparkRunId]));
    expect(aliceRuns.every((run) => run.project !== "outsiders")).toBe(true);
    // bob: his own runs and churn's (reader), not quota's.
    const bobRuns = listRunsFor(actor(ids.bob)).map((run) => run.project);
    expect(new Set(bobRuns)).toEqual(new Set(["outsiders", "churn"]));
    expect(listRunsFor(actor(ids.admin), { status: "queued" }).map((run) => run.id)).toEqual([queuedRunId]);
    expect(
      listRunsFor(actor(ids.admin), { project: "CHURN", activity: "spark-recipe", limit: 5 }).map((run) => run.id),
    ).toEqual([sparkRunId]);
    expect(findVisibleRun(actor(ids.bob), queuedRunId)).toBeUndefined();
    const { status, body } = await api("GET", "/api/v1/runs?status=nope", tokens.alice);
    expect(status).toBe(422);
    expect(body.fieldErrors).toHaveProperty("status");
  });

  it("aborts: pods, SparkApplication and per-job account are deleted, the run is aborted; finished runs are a 409", async () => {
    // bob may read churn but neither submitted the run nor manages the project.
    expect(await api("POST", `/api/v1/runs/${gpuRunId}/abort`, tokens.bob, {})).toMatchObject({ status: 403 });
    const aborted = await api("POST", `/api/v1/runs/${gpuRunId}/abort`, tokens.alice, {});
    expect(aborted).toMatchObject({ status: 200, body: { status: "aborted", reason: "Aborted by alice" } });
    expect((aborted.body.timeline as { status: string }[]).map((step) => step.status)).toEqual([
      "queued",
      "pending",
      "aborted",
    ]);
    // What happened to its pods is kept before they go (the scheduler's event at least).
    expect(findRun(gpuRunId)?.events?.length).toBeGreaterThan(0);
    expect(
      await eventually(
        () => podsOf(ns("runs-churn"), gpuRunId),
        (list) => list.length === 0,
      ),
    ).toEqual([]);

    const spark = await executeMutation(abortRun, { id: sparkRunId }, actor(ids.admin), "api");
    expect(spark).toMatchObject({ ok: true, data: { status: "aborted", reason: "Aborted by admin" } });
    const namespace = ns("spark-churn");
    expect(
      await eventually(
        () => podsOf(namespace, sparkRunId),
        (list) => list.length === 0,
      ),
    ).toEqual([]);
    // Gone, or never there where the cluster has no Spark operator: 404 either way.
    await expect(
      adminKubeConfig()
        .makeApiClient(CustomObjectsApi)
        .getNamespacedCustomObject({
          group: "sparkoperator.k8s.io",
          version: "v1beta2",
          namespace,
          plural: "sparkapplications",
          name: `berth-spark-recipe-${sparkRunId}`,
        }),
    ).rejects.toMatchObject({ code: 404 });
    await expect(
      adminCore.readNamespacedServiceAccount({ namespace, name: `berth-spark-berth-spark-recipe-${sparkRunId}` }),
    ).rejects.toMatchObject({ code: 404 });

    // A queued run has nothing on the cluster yet: it is aborted all the same.
    expect(await executeMutation(abortRun, { id: queuedRunId }, actor(ids.alice), "api")).toMatchObject({
      ok: true,
      data: { status: "aborted" },
    });
    expect(await api("POST", `/api/v1/runs/${gpuRunId}/abort`, tokens.alice, {})).toMatchObject({
      status: 409,
      body: { error: `Run ${gpuRunId} has already aborted: there is nothing to abort` },
    });
    expect(await api("POST", "/api/v1/runs/zzzzzzzzzz/abort", tokens.alice, {})).toMatchObject({ status: 404 });
    expect(findRun(gpuRunId)!.finishedAt).toBeInstanceOf(Date);
  });
});
