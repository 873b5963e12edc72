import diagnostics from "node:diagnostics_channel";
import fs from "node:fs";
import type { ClientRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { startClusterProcess, type ClusterProcess } from "@/test/support/cluster-process";
import { simFaults } from "@/test/support/sim-admin";

const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
const NAMESPACE = "dash-quota";
const FREE_NAMESPACE = "dash-free";
const GPU = "nvidia.com/gpu";

/** What the dashboard must show, computed straight from the cluster's lists (as kubectl would). */
async function fromCluster(core: CoreV1Api) {
  const [pods, nodes, quotas] = await Promise.all([
    core.listPodForAllNamespaces(),
    core.listNode(),
    core.listResourceQuotaForAllNamespaces(),
  ]);
  const running = pods.items.filter((pod) => pod.status?.phase === "Running");
  const gpusOf = (pod: V1Pod) =>
    (pod.spec?.containers ?? []).reduce(
      (sum, container) => sum + Number(container.resources?.limits?.[GPU] ?? container.resources?.requests?.[GPU] ?? 0),
      0,
    );
  return {
    runningPods: running.length,
    pendingPods: pods.items.filter((pod) => pod.status?.phase === "Pending").length,
    gpu: {
      allocatable: nodes.items.reduce((sum, node) => sum + Number(node.status?.allocatable?.[GPU] ?? 0), 0),
      requested: running.reduce((sum, pod) => sum + gpusOf(pod), 0),
    },
    quotas: quotas.items
      .map((quota) => ({
        namespace: quota.metadata!.namespace!,
        name: quota.metadata!.name!,
        hard: quota.status?.hard ?? {},
        used: quota.status?.used ?? {},
      }))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)),
  };
}

describe("the dashboard against the simulated cluster", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-dashboard-"));
  const { getDb } = await import("@/db");
  const { users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { createCluster } = await import("@/lib/clusters/mutations");
  const { kubeClients } = await import("@/lib/kube/client");
  const { findCluster } = await import("@/lib/clusters/queries");
  const { acquireInformer } = await import("@/lib/kube/informers");
  const { dashboardSnapshot, startDashboardFeeds, subscribeDashboard } = await import("./service");
  const { createToken } = await import("@/lib/tokens/mutations");
  const { dashboardQuotaPageSchema, dashboardSnapshotSchema, gpuHoursViewSchema } = await import("./schema");
  const dashboardRoute = await import("@/app/api/v1/dashboard/route");
  const utilizationRoute = await import("@/app/api/v1/dashboard/gpu-utilization/route");
  const gpuHoursRoute = await import("@/app/api/v1/dashboard/gpu-hours/route");
  const streamRoute = await import("@/app/api/stream/dashboard/route");
  const quotasRoute = await import("@/app/api/v1/dashboard/clusters/[cluster]/quotas/route");
  const { applyDashboardEvent } = await import("@/app/(console)/_dashboard/dashboard-stream");
  const { DASHBOARD_QUOTA_LIMIT } = await import("./quota-page");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  let core: CoreV1Api;
  let privateCluster: ClusterProcess | undefined;

  /** The dashboard's figures for one cluster, in the shape fromCluster() gives. */
  async function fromDashboard(cluster: string) {
    const { clusters } = await dashboardSnapshot(admin, { cluster });
    const [section] = clusters;
    return {
      runningPods: section.runningPods,
      pendingPods: section.pendingPods,
      gpu: { allocatable: section.gpu.allocatable, requested: section.gpu.requested },
      quotas: section.quotas
        .map(({ namespace, name, hard, used }) => ({ namespace, name, hard, used }))
        .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)),
    };
  }

  /** Compares until both agree (watch events take a moment), then returns the agreed figures. */
  async function expectAgreement(timeoutMs = 15_000) {
    const started = Date.now();
    for (;;) {
      const expected = await fromCluster(core);
      const actual = await fromDashboard("sim");
      if (JSON.stringify(actual) === JSON.stringify(expected) || Date.now() - started > timeoutMs) {
        expect(actual).toEqual(expected);
        return actual;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function until<T>(
    what: string,
    read: () => Promise<T>,
    check: (value: T) => boolean,
    timeoutMs = 15_000,
  ): Promise<T> {
    const started = Date.now();
    for (;;) {
      const value = await read();
      if (check(value)) return value;
      if (Date.now() - started > timeoutMs)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const pod = (
    name: string,
    options: {
      namespace?: string;
      gpus?: number;
      duration?: string;
      exitCode?: number;
      project?: string;
      nodeSelector?: Record<string, string>;
    } = {},
  ): V1Pod => ({
    metadata: {
      name,
      namespace: options.namespace ?? NAMESPACE,
      labels: options.project
        ? {
            "berth.dev/run": `run-${name}`,
            "berth.dev/project": options.project,
            "berth.dev/user": "alice",
            "berth.dev/activity": "python-recipe",
          }
        : {},
      annotations: {
        ...(options.duration ? { "sim.berth.dev/duration": options.duration } : {}),
        ...(options.exitCode !== undefined ? { "sim.berth.dev/exit-code": String(options.exitCode) } : {}),
      },
    },
    spec: {
      restartPolicy: "Never",
      nodeSelector: options.nodeSelector,
      // The GPU nodes are tainted, as real GPU pools usually are.
      tolerations: options.gpus ? [{ key: GPU, operator: "Exists", effect: "NoSchedule" }] : undefined,
      containers: [
        {
          name: "main",
          image: "python:3.12",
          resources: {
            requests: { cpu: "100m", memory: "64Mi", ...(options.gpus ? { [GPU]: String(options.gpus) } : {}) },
            limits: { cpu: "100m", memory: "64Mi", ...(options.gpus ? { [GPU]: String(options.gpus) } : {}) },
          },
        },
      ],
    },
  });

  beforeAll(async () => {
    getDb().insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    const created = await executeMutation(createCluster, { name: "sim", kubeconfig }, admin, "api");
    expect(created.ok).toBe(true);
    core = kubeClients(findCluster("sim")!).core;
    for (const name of [NAMESPACE, FREE_NAMESPACE])
      await core.createNamespace({ body: { metadata: { name } } }).catch(() => undefined);
    await core.createNamespacedResourceQuota({
      namespace: NAMESPACE,
      body: {
        metadata: { name: "berth-quota", labels: { "berth.dev/policy": "gpu-teams" } },
        spec: { hard: { pods: "10", "requests.cpu": "2", "requests.memory": "1Gi", [`requests.${GPU}`]: "2" } },
      },
    });
  });

  afterAll(() => privateCluster?.stop());

  it("agrees with the cluster from the start", async () => {
    await expectAgreement();
  });

  it("agrees exactly after pods are created, finish, fail and are deleted", async () => {
    await core.createNamespacedPod({ namespace: NAMESPACE, body: pod("gpu-a", { gpus: 1, project: "vision" }) });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: pod("gpu-b", { gpus: 1, project: "nlp" }) });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: pod("short", { duration: "1s", project: "vision" }) });
    await core.createNamespacedPod({
      namespace: NAMESPACE,
      body: pod("broken", { duration: "1s", exitCode: 3, project: "vision" }),
    });
    await core.createNamespacedPod({
      namespace: FREE_NAMESPACE,
      body: pod("nowhere", { namespace: FREE_NAMESPACE, nodeSelector: { "berth.dev/no-such-node": "true" } }),
    });

    // All running, finished or refused a node: the cluster has settled.
    await until(
      "the pods to settle",
      () => core.listNamespacedPod({ namespace: NAMESPACE }),
      (list) => {
        const phase = (name: string) => list.items.find((item) => item.metadata?.name === name)?.status?.phase;
        return (
          phase("gpu-a") === "Running" &&
          phase("gpu-b") === "Running" &&
          phase("short") === "Succeeded" &&
          phase("broken") === "Failed"
        );
      },
    );
    const agreed = await expectAgreement();
    expect(agreed.quotas).toContainEqual(
      expect.objectContaining({
        namespace: NAMESPACE,
        name: "berth-quota",
        used: expect.objectContaining({ [`requests.${GPU}`]: "2" }),
      }),
    );

    const { clusters } = await dashboardSnapshot(admin, { cluster: "sim" });
    const section = clusters[0];
    expect(section).toMatchObject({ name: "sim", synced: true, stale: false, staleSince: null, prometheus: false });
    expect(section.failedLastHour).toBeGreaterThanOrEqual(1);
    expect(section.failed).toContainEqual(
      expect.objectContaining({ namespace: NAMESPACE, name: "broken", project: "vision", run: "run-broken" }),
    );
    expect(section.pending).toContainEqual(
      expect.objectContaining({
        namespace: FREE_NAMESPACE,
        name: "nowhere",
        reason: expect.stringMatching(/nodes are available/),
      }),
    );
    const quota = section.quotas.find((candidate) => candidate.namespace === NAMESPACE)!;
    expect(quota).toMatchObject({
      policy: "gpu-teams",
      projects: ["nlp", "vision"],
      pressure: 1,
      pressureResource: `requests.${GPU}`,
      warning: true,
    });
    expect(section.quotas[0].pressure).toBe(1);
    const holders = section.gpu.nodes.flatMap((node) => node.pods.map((holder) => ({ node: node.node, ...holder })));
    expect(
      holders
        .filter((holder) => holder.namespace === NAMESPACE)
        .map((holder) => [holder.name, holder.project, holder.gpus])
        .sort(),
    ).toEqual([
      ["gpu-a", "vision", 1],
      ["gpu-b", "nlp", 1],
    ]);
    expect(section.gpu.projects).toEqual(
      expect.arrayContaining([
        { project: "vision", gpus: 1 },
        { project: "nlp", gpus: 1 },
      ]),
    );
    expect(section.breakdown.namespace).toContainEqual({ key: NAMESPACE, running: 2, pending: 0, gpus: 2 });
    expect(section.breakdown.project).toContainEqual(
      expect.objectContaining({ key: "not from Berth", pending: expect.any(Number) }),
    );

    for (const name of ["gpu-a", "gpu-b", "short", "broken"])
      await core.deleteNamespacedPod({ namespace: NAMESPACE, name, gracePeriodSeconds: 0 });
    await core.deleteNamespacedPod({ namespace: FREE_NAMESPACE, name: "nowhere", gracePeriodSeconds: 0 });
    await until(
      "the pods to be gone",
      () => core.listNamespacedPod({ namespace: NAMESPACE }),
      (list) => list.items.length === 0,
    );
    const after = await expectAgreement();
    expect(after.quotas).toContainEqual(
      expect.objectContaining({
        namespace: NAMESPACE,
        used: expect.objectContaining({ pods: "0", [`requests.${GPU}`]: "0" }),
      }),
    );
  });

  // How soon a change reaches a stream is bench:dashboard's to measure (docs/benchmarks.md); here, what and in which order.
  it("signals a change to streams after the cluster's event, fewer signals than events for a burst", async () => {
    const cluster = findCluster("sim")!;
    const names = Array.from({ length: 5 }, (_, i) => `signal-${i}`);
    // One sequence for both sides, to tell which came first without a clock.
    let sequence = 0;
    const signals: number[] = [];
    const events: number[] = [];
    const running = new Set<string>();
    let allRunningAt = Infinity;
    const unsubscribe = subscribeDashboard([cluster.id], (ids) => {
      if (ids.includes(cluster.id)) signals.push(++sequence);
    });
    const { informer, release } = acquireInformer(cluster, "pods");
    const stop = informer.subscribe((event) => {
      if (event.type === "status" || !names.includes(event.object.metadata?.name ?? "")) return;
      events.push(++sequence);
      if (event.object.status?.phase === "Running") running.add(event.object.metadata!.name!);
      if (running.size === names.length && allRunningAt === Infinity) allRunningAt = sequence;
    });
    try {
      await Promise.all(
        names.map((name) =>
          core.createNamespacedPod({ namespace: FREE_NAMESPACE, body: pod(name, { namespace: FREE_NAMESPACE }) }),
        ),
      );
      await until(
        "every pod of the burst to run and a signal after it",
        async () => ({ allRunningAt, last: signals.at(-1) ?? 0 }),
        ({ allRunningAt, last }) => last > allRunningAt,
        30_000,
      );
      expect(signals[0]).toBeGreaterThan(events[0]);
      // Five pods created at once, each with several updates: coalesced, not one signal per event.
      expect(signals.length).toBeLessThan(events.length);
    } finally {
      stop();
      release();
      unsubscribe();
      for (const name of names)
        await core.deleteNamespacedPod({ namespace: FREE_NAMESPACE, name, gracePeriodSeconds: 0 });
    }
  });

  it("marks an unreachable cluster stale while the others keep updating", async () => {
    privateCluster = await startClusterProcess(["--nodes", "1", "--gpu-nodes", "1", "--gpus-per-node", "2"]);
    const created = await executeMutation(
      createCluster,
      { name: "flaky", kubeconfig: fs.readFileSync(privateCluster.kubeconfigPath, "utf8") },
      admin,
      "api",
    );
    expect(created.ok).toBe(true);
    const both = await dashboardSnapshot(admin);
    expect(
      both.clusters.map((cluster) => [cluster.name, cluster.synced, cluster.stale, cluster.gpu.allocatable]),
    ).toEqual([
      ["flaky", true, false, 2],
      ["sim", true, false, 8],
    ]);

    await simFaults(privateCluster.kubeconfigPath, { paused: true });
    const stale = await until(
      "the flaky cluster to be stale",
      () => dashboardSnapshot(admin),
      (snapshot) => snapshot.clusters.find((cluster) => cluster.name === "flaky")!.stale,
    );
    const flaky = stale.clusters.find((cluster) => cluster.name === "flaky")!;
    expect(flaky.staleSince).toEqual(expect.any(String));
    expect(flaky.error).toEqual(expect.any(String));
    expect(flaky.gpu.allocatable).toBe(2);
    expect(stale.clusters.find((cluster) => cluster.name === "sim")!.stale).toBe(false);

    await core.createNamespacedPod({
      namespace: FREE_NAMESPACE,
      body: pod("while-flaky", { namespace: FREE_NAMESPACE }),
    });
    await expectAgreement();
    await core.deleteNamespacedPod({ namespace: FREE_NAMESPACE, name: "while-flaky", gracePeriodSeconds: 0 });

    await simFaults(privateCluster.kubeconfigPath, { paused: false });
    await until(
      "the flaky cluster to recover",
      () => dashboardSnapshot(admin, { cluster: "flaky" }),
      (snapshot) => !snapshot.clusters[0].stale,
      40_000,
    );
  });

  it("answers 404 for an unknown cluster and shows readers only the clusters granted to their groups", async () => {
    await expect(dashboardSnapshot(admin, { cluster: "nope" })).rejects.toMatchObject({ status: 404 });
    const reader: Actor = { id: 2, username: "reader", role: "user", groups: [] };
    expect((await dashboardSnapshot(reader)).clusters).toEqual([]);
    const granted: Actor = { ...reader, clusterLevels: { [findCluster("sim")!.id]: "use" } };
    expect((await dashboardSnapshot(granted)).clusters.map((cluster) => cluster.name)).toEqual(["sim"]);
    await expect(dashboardSnapshot(granted, { cluster: "flaky" })).rejects.toMatchObject({ status: 404 });
  });

  // Its speed is bench:dashboard's to measure (GET /api/v1/dashboard p50, docs/benchmarks.md).
  it("answers a request from the cached aggregates, asking the cluster nothing", async () => {
    await until(
      "the dashboard's informers to sync",
      () => dashboardSnapshot(admin, { cluster: "sim" }),
      (snapshot) => snapshot.clusters[0].synced,
    );
    const server = new URL(findCluster("sim")!.server).host;
    let requests = 0;
    const onRequest = (message: unknown) => {
      const { request } = message as { request: ClientRequest };
      if (request.getHeader("host") === server && !request.path.includes("watch=true")) requests += 1;
    };
    diagnostics.subscribe("http.client.request.start", onRequest);
    try {
      for (let i = 0; i < 20; i++) await dashboardSnapshot(admin, { cluster: "sim" });
    } finally {
      diagnostics.unsubscribe("http.client.request.start", onRequest);
    }
    expect(requests).toBe(0);
  });

  it("serves the routes to a token holder: JSON, field errors, CSV and the SSE snapshot", async () => {
    const created = await executeMutation(createToken, { name: "dashboard" }, admin, "api");
    if (!created.ok) throw new Error(created.error);
    const { token } = created.data as { token: string };
    const call = (url: string, signal?: AbortSignal) =>
      new NextRequest(`http://berth.test${url}`, { headers: { Authorization: `Bearer ${token}` }, signal });
    const params = { params: Promise.resolve({}) };

    const all = await dashboardRoute.GET(call("/api/v1/dashboard"), params);
    expect(all.status).toBe(200);
    // The documented response schema holds for a real answer.
    const body = dashboardSnapshotSchema.parse(await all.json());
    expect(body.clusters.map((cluster) => cluster.name)).toEqual(["flaky", "sim"]);
    expect(body.clusters[1].gpu.allocatable).toBe(8);
    expect((await dashboardRoute.GET(call("/api/v1/dashboard?cluster=nope"), params)).status).toBe(404);

    expect(
      await (await utilizationRoute.GET(call("/api/v1/dashboard/gpu-utilization?cluster=sim"), params)).json(),
    ).toMatchObject({ status: "unconfigured", configured: false });
    const missing = await utilizationRoute.GET(call("/api/v1/dashboard/gpu-utilization"), params);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ fieldErrors: { cluster: [expect.any(String)] } });

    const bad = await gpuHoursRoute.GET(call("/api/v1/dashboard/gpu-hours?from=yesterday&by=team"), params);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      fieldErrors: { from: [expect.stringContaining("date")], by: ["by must be project or group"] },
    });
    const csv = await gpuHoursRoute.GET(
      call("/api/v1/dashboard/gpu-hours?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z&by=group&format=csv"),
      params,
    );
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe(
      'attachment; filename="gpu-hours-by-group-2026-11-01-2026-11-02.csv"',
    );
    expect(await csv.text()).toBe("group,gpu_hours,runs,from,to\r\n");
    const json = await gpuHoursRoute.GET(call("/api/v1/dashboard/gpu-hours?by=project"), params);
    expect(gpuHoursViewSchema.parse(await json.json())).toMatchObject({ by: "project", rows: [] });

    const abort = new AbortController();
    const stream = await streamRoute.GET(call("/api/stream/dashboard?cluster=sim", abort.signal));
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const reader = stream.body!.getReader();
    let text = "";
    const snapshotEvent = /event: snapshot\ndata: (.*)\n\n/;
    while (!snapshotEvent.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    const data = JSON.parse(snapshotEvent.exec(text)![1]) as { clusters: { name: string }[] };
    expect(data.clusters.map((cluster) => cluster.name)).toEqual(["sim"]);
    abort.abort();
    await reader.cancel();
  });

  it("answers at once after a start, marking a cluster whose lists are still arriving as not synced", async () => {
    const slowCluster = await startClusterProcess(["--nodes", "1", "--gpu-nodes", "0"]);
    try {
      const created = await executeMutation(
        createCluster,
        { name: "slow", kubeconfig: fs.readFileSync(slowCluster.kubeconfigPath, "utf8") },
        admin,
        "api",
      );
      expect(created.ok).toBe(true);
      // Each answer takes 1.5 s: a request that waited for the first lists would see them in.
      await simFaults(slowCluster.kubeconfigPath, { latencyMs: 1_500 });
      startDashboardFeeds();
      const first = await dashboardSnapshot(admin, { cluster: "slow" });
      expect(first.clusters[0]).toMatchObject({ name: "slow", synced: false, stale: false });
      await until(
        "the slow cluster to sync",
        () => dashboardSnapshot(admin, { cluster: "slow" }),
        (snapshot) => snapshot.clusters[0].synced,
        40_000,
      );
    } finally {
      await slowCluster.stop();
    }
  });

  it("carries the most pressed quotas, pages the rest, and streams a change as a patch of the section it sent", async () => {
    const MANY = "dash-many";
    await core.createNamespace({ body: { metadata: { name: MANY } } }).catch(() => undefined);
    const quotaNames = Array.from({ length: DASHBOARD_QUOTA_LIMIT + 3 }, (_, i) => `q-${i}`);
    try {
      for (let i = 0; i < quotaNames.length; i++)
        await core.createNamespacedResourceQuota({
          namespace: MANY,
          body: { metadata: { name: quotaNames[i] }, spec: { hard: { pods: String(10 + i) } } },
        });
      const count = (await core.listResourceQuotaForAllNamespaces()).items.length;
      expect(count).toBeGreaterThan(DASHBOARD_QUOTA_LIMIT);
      const [section] = (
        await until(
          "every quota to be counted",
          () => dashboardSnapshot(admin, { cluster: "sim" }),
          (snapshot) => snapshot.clusters[0].quotaCount === count,
        )
      ).clusters;
      expect(section.quotas).toHaveLength(DASHBOARD_QUOTA_LIMIT);

      const created = await executeMutation(createToken, { name: "dashboard-quotas" }, admin, "api");
      if (!created.ok) throw new Error(created.error);
      const { token } = created.data as { token: string };
      const call = (url: string, signal?: AbortSignal) =>
        new NextRequest(`http://berth.test${url}`, { headers: { Authorization: `Bearer ${token}` }, signal });
      const params = { params: Promise.resolve({ cluster: "sim" }) };
      const key = (quota: { namespace: string; name: string }) => `${quota.namespace}/${quota.name}`;
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await quotasRoute.GET(
          call(`/api/v1/dashboard/clusters/sim/quotas?limit=5${cursor ? `&cursor=${cursor}` : ""}`),
          params,
        );
        expect(page.status).toBe(200);
        const body = dashboardQuotaPageSchema.parse(await page.json());
        expect(body.count).toBe(count);
        paged.push(...body.items.map(key));
        cursor = body.nextCursor;
      } while (cursor);
      const whole = dashboardSnapshotSchema.parse(
        await (await dashboardRoute.GET(call("/api/v1/dashboard?cluster=sim&quotas=all"), params)).json(),
      );
      expect(whole.clusters[0].quotas.map(key)).toEqual(paged);
      expect(paged).toHaveLength(count);
      const refused = await quotasRoute.GET(call("/api/v1/dashboard/clusters/sim/quotas?cursor=nonsense"), params);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ fieldErrors: { cursor: [expect.any(String)] } });

      // The stream's copy, kept by the page's reducer, ends up equal to the section the server holds.
      const abort = new AbortController();
      const stream = await streamRoute.GET(call("/api/stream/dashboard?cluster=sim", abort.signal));
      const reader = stream.body!.getReader();
      let buffered = "";
      let copy: ReturnType<typeof applyDashboardEvent> | undefined;
      const kinds: string[] = [];
      const nextEvent = async () => {
        for (;;) {
          const match = /event: (\S+)\ndata: (.*)\n\n/.exec(buffered);
          if (match) {
            buffered = buffered.slice(match.index + match[0].length);
            return { event: match[1], data: match[2] };
          }
          buffered += new TextDecoder().decode((await reader.read()).value);
        }
      };
      const applyNext = async () => {
        const { event, data } = await nextEvent();
        kinds.push(event);
        copy = applyDashboardEvent(copy === "resync" ? undefined : copy, event, data);
        expect(copy).not.toBe("resync");
      };
      await applyNext();
      expect(kinds).toEqual(["snapshot"]);
      const before = (copy as Exclude<typeof copy, "resync" | undefined>).clusters[0].totalPods;
      await core.createNamespacedPod({ namespace: MANY, body: pod("patched", { namespace: MANY }) });
      const withoutTime = (section: { generatedAt: string }) => JSON.stringify({ ...section, generatedAt: null });
      for (;;) {
        await applyNext();
        const held = copy as Exclude<typeof copy, "resync" | undefined>;
        const shown = held.clusters[0];
        if (shown.totalPods === before + 1) {
          const [current] = (await dashboardSnapshot(admin, { cluster: "sim" })).clusters;
          if (withoutTime(shown) === withoutTime(current)) break;
        }
      }
      expect(kinds.slice(1).every((kind) => kind === "cluster-patch")).toBe(true);
      abort.abort();
      await reader.cancel();
    } finally {
      // Berth's account on the real control plane may not delete namespaces: what the test made goes one by one.
      await core
        .deleteNamespacedPod({ namespace: MANY, name: "patched", gracePeriodSeconds: 0 })
        .catch(() => undefined);
      for (const name of quotaNames)
        await core.deleteNamespacedResourceQuota({ namespace: MANY, name }).catch(() => undefined);
    }
  });
});
