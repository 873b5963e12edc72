import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { RunRow, RunStatus } from "@/db/schema";
import { startClusterProcess, type ClusterProcess } from "@/test/support/cluster-process";
import { simFaults } from "@/test/support/sim-admin";

import type { ClusterWatchChange, RunChange } from "./events";

// A private cluster: these tests take its API down, which the shared test cluster must not see.
describe("run reconciler against the simulator", async () => {
  let cluster: ClusterProcess;
  beforeAll(async () => {
    process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-runs-live-"));
    cluster = await startClusterProcess(["--nodes", "2", "--gpu-nodes", "1", "--gpus-per-node", "4"]);
  });
  afterAll(() => cluster?.stop());

  const { eq } = await import("drizzle-orm");
  const { getDb } = await import("@/db");
  const { clusters, runs, users } = await import("@/db/schema");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { kubeClients, loadKubeconfig } = await import("@/lib/kube/client");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { subscribeClusterWatch, subscribeRunChanges } = await import("./events");
  const { ensureRunReconciler, keepRunRecord, subscribeRunPods, watchRunsOn } = await import("./reconciler");
  const { liveRunSource } = await import("./live");
  const { runLogLines } = await import("./logs");
  const { runSettings, updateRunSettings } = await import("./retention");
  const { launchRun } = await import("./submit");

  const NAMESPACE = "default";
  let runCounter = 0;

  const addCluster = (name: string) => {
    const text = fs.readFileSync(cluster.kubeconfigPath, "utf8");
    const config = loadKubeconfig(text);
    return getDb()
      .insert(clusters)
      .values({
        name,
        kubeconfigEncrypted: encryptSecret(text),
        context: config.getCurrentContext(),
        server: config.getCurrentCluster()!.server,
      })
      .returning()
      .get();
  };

  const addRun = (
    clusterRow: { id: number; name: string },
    status: RunStatus = "queued",
    createdAt = new Date(),
    extra: Partial<Pick<RunRow, "namespace" | "workload" | "resolution">> = {},
  ): RunRow => {
    runCounter += 1;
    const id = `t${String(runCounter).padStart(4, "0")}${Math.random().toString(36).slice(2, 7)}`;
    return getDb()
      .insert(runs)
      .values({
        id,
        project: "churn",
        username: "alice",
        activity: "python-recipe",
        clusterId: clusterRow.id,
        cluster: clusterRow.name,
        namespace: NAMESPACE,
        workload: "pod",
        request: {},
        resolution: {},
        status,
        timeline: [{ status, at: createdAt.toISOString() }],
        createdAt,
        ...extra,
      })
      .returning()
      .get();
  };

  const runPod = (runId: string, annotations: Record<string, string>, resources?: V1Pod["spec"]): V1Pod => ({
    metadata: { name: `run-${runId}`, namespace: NAMESPACE, labels: { "berth.dev/run": runId }, annotations },
    spec: { restartPolicy: "Never", containers: [{ name: "main", image: "python:3.12" }], ...resources },
  });

  const until = async (what: string, check: () => boolean, timeoutMs = 20_000) => {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const untilAsync = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const row = (id: string) => getDb().select().from(runs).where(eq(runs.id, id)).get()!;

  let main: ReturnType<typeof addCluster>;
  const changes: RunChange[] = [];
  const watchChanges: ClusterWatchChange[] = [];
  const core = () => kubeClients(main).core;

  it("starts once per process and follows a cluster with live runs", async () => {
    main = addCluster("private");
    addRun(main, "queued");
    subscribeRunChanges((change) => changes.push(change));
    subscribeClusterWatch((change) => watchChanges.push(change));
    ensureRunReconciler();
    ensureRunReconciler();
    // One watch each of pods, quotas and events, shared, however many runs it follows.
    let watches = 0;
    const started = Date.now();
    while (watches < 3 && Date.now() - started < 15_000) watches = (await simFaults(cluster.kubeconfigPath)).watches;
    expect(watches).toBe(3);
  });

  it("takes a run from queued through pending and running to succeeded, publishing each change in order, and keeps its events and log", async () => {
    const run = addRun(main);
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(run.id, {
        "sim.berth.dev/duration": "2s",
        "sim.berth.dev/start-delay": "700ms",
        "sim.berth.dev/log-lines": "loading data\ntraining\ndone",
      }),
    });
    await until("the run to succeed", () => row(run.id).status === "succeeded");
    await until("the kept log", () => Boolean(row(run.id).logTail));
    const saved = row(run.id);
    expect(saved.timeline.map((step) => step.status)).toEqual(["queued", "pending", "running", "succeeded"]);
    expect(saved).toMatchObject({ exitCode: 0, reason: null, pods: [`run-${run.id}`] });
    expect(saved.startedAt!.getTime()).toBeLessThanOrEqual(saved.finishedAt!.getTime());
    expect(saved.logTail).toBe("loading data\ntraining\ndone\n");
    expect((saved.events ?? []).map((event) => event.reason)).toEqual(expect.arrayContaining(["Scheduled", "Started"]));
    const statuses = changes.filter((change) => change.id === run.id).map((change) => change.status);
    expect([...new Set(statuses)]).toEqual(["pending", "running", "succeeded"]);
    // A whole run followed later, still the same three watches: the second start opened none.
    expect((await simFaults(cluster.kubeconfigPath)).watches).toBe(3);
  });

  it("keeps the scheduler's real message for a GPU run that does not fit", async () => {
    const run = addRun(main);
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(
        run.id,
        {},
        {
          tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
          containers: [{ name: "main", image: "python:3.12", resources: { limits: { "nvidia.com/gpu": "16" } } }],
        },
      ),
    });
    await until("the scheduler's verdict", () => /^No node has/.test(row(run.id).reason ?? ""));
    const saved = row(run.id);
    expect(saved.status).toBe("pending");
    expect(saved.reason).toBe(
      "No node has 16 free nvidia.com/gpu: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu",
    );
    await core().deleteNamespacedPod({ namespace: NAMESPACE, name: `run-${run.id}`, gracePeriodSeconds: 0 });
    await until("the deleted pod's run to be lost", () => row(run.id).status === "lost");
    expect(row(run.id).reason).toBe("Lost: its pods were deleted outside Berth before they finished");
  });

  it("says why a scheduled pod cannot start from the kubelet's warning, and moves on once it can", async () => {
    const run = addRun(main);
    const configMap = `script-${run.id}`;
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(
        run.id,
        { "sim.berth.dev/duration": "500ms" },
        {
          containers: [
            { name: "main", image: "python:3.12", volumeMounts: [{ name: "script", mountPath: "/opt/script" }] },
          ],
          volumes: [{ name: "script", configMap: { name: configMap } }],
        },
      ),
    });
    await until("the mount failure to be the reason", () => /FailedMount/.test(row(run.id).reason ?? ""));
    expect(row(run.id).reason).toMatch(
      new RegExp(
        `^The container cannot start on node sim-\\S+ \\(FailedMount\\): MountVolume.SetUp failed for volume "script" : configmap "${configMap}" not found$`,
      ),
    );
    await core().createNamespacedConfigMap({
      namespace: NAMESPACE,
      body: { metadata: { name: configMap }, data: { "job.py": "print(1)" } },
    });
    await until("the run to succeed once mounted", () => row(run.id).status === "succeeded", 30_000);
  });

  it("records the exit code and reason of a failed run", async () => {
    const run = addRun(main);
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(run.id, { "sim.berth.dev/duration": "500ms", "sim.berth.dev/exit-code": "3" }),
    });
    await until("the run to fail", () => row(run.id).status === "failed");
    expect(row(run.id)).toMatchObject({ exitCode: 3, reason: 'The container "main" exited with code 3 (Error)' });
  });

  it("follows a run's log live until its pod ends", async () => {
    const run = addRun(main);
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(run.id, {
        "sim.berth.dev/log-lines": "one\ntwo\nthree\nfour",
        "sim.berth.dev/log-rate": "4",
        "sim.berth.dev/duration": "1500ms",
      }),
    });
    const lines: string[] = [];
    const signal = AbortSignal.timeout(20_000);
    for await (const line of runLogLines(row(run.id), liveRunSource(row(run.id)), { follow: true, signal }))
      lines.push(line);
    expect(signal.aborted).toBe(false);
    expect(lines).toEqual(["one", "two", "three", "four"]);
  });

  it("misses no final state across an outage (503) and a 410 relist, and says when it is stale", async () => {
    const run = addRun(main);
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(run.id, { "sim.berth.dev/duration": "2s" }),
    });
    await until("the run to run", () => row(run.id).status === "running");
    await simFaults(cluster.kubeconfigPath, { paused: true, pauseMode: "503" });
    const { resourceVersion: beforeOutage } = await simFaults(cluster.kubeconfigPath);
    await until(
      "the stale report",
      () => watchChanges.some((change) => change.clusterId === main.id && change.stale),
      10_000,
    );
    // The admin endpoint answers through the outage: the store moving on is the pod ending unseen.
    await untilAsync(
      "the pod to end during the outage",
      async () => (await simFaults(cluster.kubeconfigPath)).resourceVersion !== beforeOutage,
    );
    const { resourceVersion: atResume } = await simFaults(cluster.kubeconfigPath);
    await simFaults(cluster.kubeconfigPath, { paused: false });
    const ended = await core().readNamespacedPod({ namespace: NAMESPACE, name: `run-${run.id}` });
    expect({
      phase: ended.status?.phase,
      endedInOutage: BigInt(ended.metadata!.resourceVersion!) <= BigInt(atResume),
    }).toEqual({ phase: "Succeeded", endedInOutage: true });
    await until("the run to succeed after the outage", () => row(run.id).status === "succeeded", 40_000);
    expect(watchChanges.filter((change) => change.clusterId === main.id).at(-1)?.stale).toBe(false);
    expect(row(run.id).timeline.map((step) => step.status)).toEqual(["queued", "pending", "running", "succeeded"]);

    const relisted = addRun(main);
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(relisted.id, { "sim.berth.dev/duration": "1s" }),
    });
    await until("the second run to run", () => row(relisted.id).status === "running");
    await simFaults(cluster.kubeconfigPath, { compactNow: true, dropWatchesNow: true });
    await until("the second run to succeed after the relist", () => row(relisted.id).status === "succeeded", 40_000);
    expect(row(relisted.id).timeline.map((step) => step.status)).toEqual(["queued", "pending", "running", "succeeded"]);
    expect(changes.some((change) => change.status === "lost" && [run.id, relisted.id].includes(change.id))).toBe(false);
  });

  it("reconciles at start: a live run takes its status from the cluster, or is lost when its pods vanished while nobody watched", async () => {
    const other = addCluster("private-restarted");
    const vanished = addRun(other, "running", new Date(Date.now() - 60_000));
    const finishedMeanwhile = addRun(other, "pending", new Date(Date.now() - 60_000));
    // Only the main cluster's reconciler sees the pod (same API server): it tells the pod's changes
    // to listeners just before it reconciles them, synchronously, so once it has told the end the
    // run would have changed had it followed this cluster.
    let endSeen!: () => void;
    const ended = new Promise<void>((resolve) => (endSeen = resolve));
    const stopListening = subscribeRunPods(finishedMeanwhile.id, (pods) => {
      if (pods.some((pod) => pod.status?.phase === "Succeeded")) endSeen();
    });
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(finishedMeanwhile.id, { "sim.berth.dev/duration": "200ms", "sim.berth.dev/start-delay": "100ms" }),
    });
    await ended;
    stopListening();
    // Nobody follows this cluster yet: the pod ended unseen.
    expect(row(finishedMeanwhile.id).status).toBe("pending");
    watchRunsOn(other.id);
    await until("the finished run to be seen", () => row(finishedMeanwhile.id).status === "succeeded");
    expect(row(finishedMeanwhile.id).timeline.map((step) => step.status)).toEqual(["pending", "running", "succeeded"]);
    await until("the vanished run to be lost", () => row(vanished.id).status === "lost");
    expect(row(vanished.id).reason).toBe("Lost: its pods were deleted while Berth was not watching");
    expect(row(vanished.id).timeline.at(-1)).toMatchObject({ status: "lost" });
  });

  it("follows a Spark run by its driver, and merges driver and executor logs with their pod names", async () => {
    const run = addRun(main, "queued", new Date(), { workload: "spark-application" });
    const labels = { "berth.dev/run": run.id };
    await kubeClients(main).custom.createNamespacedCustomObject({
      group: "sparkoperator.k8s.io",
      version: "v1beta2",
      namespace: NAMESPACE,
      plural: "sparkapplications",
      body: {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name: `job-${run.id}`, namespace: NAMESPACE, labels },
        spec: {
          type: "Python",
          mode: "cluster",
          image: "spark:3.5.0",
          mainApplicationFile: "local:///opt/job.py",
          sparkVersion: "3.5.0",
          driver: {
            cores: 1,
            memory: "512m",
            labels,
            annotations: { "sim.berth.dev/duration": "3s", "sim.berth.dev/log-lines": "driver up\ndriver done" },
          },
          executor: {
            instances: 2,
            cores: 1,
            memory: "512m",
            labels,
            annotations: { "sim.berth.dev/log-lines": "executor task" },
          },
        },
      },
    });
    await until("the Spark run to succeed", () => row(run.id).status === "succeeded", 40_000);
    await until("the kept merged log", () => Boolean(row(run.id).logTail));
    const saved = row(run.id);
    expect(saved.pods.length).toBeGreaterThanOrEqual(3);
    expect(saved.timeline.map((step) => step.status)).toEqual(["queued", "pending", "running", "succeeded"]);
    const driver = saved.pods.find((name) => name.endsWith("-driver"))!;
    const lines = saved.logTail!.split("\n").filter(Boolean);
    expect(lines).toEqual(expect.arrayContaining([`[${driver}] driver up`, `[${driver}] driver done`]));
    expect(lines.filter((line) => / executor task$/.test(line) && /-exec-\d\] /.test(line)).length).toBe(2);
  });

  it("retries a run queued over quota when the namespace's quota frees up", async () => {
    const namespace = "quota-team";
    await core().createNamespace({ body: { metadata: { name: namespace } } });
    await core().createNamespacedResourceQuota({
      namespace,
      body: { metadata: { name: "team-q" }, spec: { hard: { pods: "1" } } },
    });
    await core().createNamespacedPod({
      namespace,
      body: {
        metadata: { name: "blocker" },
        spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] },
      },
    });
    const workload = { apiVersion: "v1", kind: "Pod", ...runPod("placeholder", { "sim.berth.dev/duration": "500ms" }) };
    const run = addRun(main, "queued", new Date(), {
      namespace,
      resolution: { objects: { supporting: [], workload: {} } },
    });
    const manifest = {
      ...workload,
      metadata: { ...workload.metadata, name: `run-${run.id}`, namespace, labels: { "berth.dev/run": run.id } },
    };
    getDb()
      .update(runs)
      .set({ resolution: { objects: { supporting: [], workload: manifest } } })
      .where(eq(runs.id, run.id))
      .run();
    const queued = await launchRun(row(run.id));
    expect(queued.status).toBe("queued");
    expect(queued.reason).toBe(`Over the quota team-q of namespace ${namespace}: pods: asks 1, 1 in use, limit 1`);

    await core().deleteNamespacedPod({ namespace, name: "blocker", gracePeriodSeconds: 0 });
    await until("the queued run to be retried and succeed", () => row(run.id).status === "succeeded", 30_000);
    expect(row(run.id).timeline.map((step) => step.status)).toEqual(["queued", "pending", "running", "succeeded"]);
  });

  it("keeps a live run's events and log on request, for an abort that is about to delete its pods", async () => {
    const run = addRun(main);
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(run.id, { "sim.berth.dev/log-lines": "epoch 1\nepoch 2" }),
    });
    await until("the run to run", () => row(run.id).status === "running");
    await keepRunRecord(row(run.id));
    expect(row(run.id).logTail).toBe("epoch 1\nepoch 2\n");
    expect((row(run.id).events ?? []).map((event) => event.reason)).toContain("Started");
    await core().deleteNamespacedPod({ namespace: NAMESPACE, name: `run-${run.id}`, gracePeriodSeconds: 0 });
  });

  it("deletes finished runs' pods after the retention period, keeping the record", async () => {
    const admin = getDb().insert(users).values({ username: "admin", role: "admin" }).returning().get();
    const actor = { id: admin.id, username: "admin", role: "admin" as const, groups: [] };
    const refused = await executeMutation(updateRunSettings, { retentionSeconds: -1, logTailKb: 0 }, actor, "api");
    expect(refused).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { retentionSeconds: [expect.any(String)], logTailKb: [expect.any(String)] },
    });
    expect(runSettings()).toEqual({ retentionSeconds: 3600, logTailKb: 64 });

    const run = addRun(main);
    await core().createNamespacedPod({
      namespace: NAMESPACE,
      body: runPod(run.id, { "sim.berth.dev/duration": "300ms" }),
    });
    await until("the run to succeed", () => row(run.id).status === "succeeded");
    expect(row(run.id).cleanedUpAt).toBeNull();
    const saved = await executeMutation(updateRunSettings, { retentionSeconds: 1 }, actor, "api");
    expect(saved).toMatchObject({ ok: true, data: { retentionSeconds: 1, logTailKb: 64 } });
    await until("the cleanup", () => row(run.id).cleanedUpAt !== null, 15_000);
    const pods = await core().listNamespacedPod({ namespace: NAMESPACE, labelSelector: `berth.dev/run=${run.id}` });
    expect(pods.items).toHaveLength(0);
    expect(row(run.id).status).toBe("succeeded");
  });
});
