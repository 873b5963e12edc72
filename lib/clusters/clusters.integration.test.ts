import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-clusters-"));
const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };

describe("clusters against the simulated cluster", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { executionConfigs, settings, users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { createGroup } = await import("@/lib/groups/mutations");
  const { listAuditEvents } = await import("@/lib/audit/queries");
  const { kubeClients } = await import("@/lib/kube/client");
  const mutations = await import("./mutations");
  const { findCluster, listClusters } = await import("./queries");
  const { getClusterDetail } = await import("./detail");
  const { clusterStatus } = await import("./status");
  const { registerEmbeddedCluster } = await import("./embedded");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const token = /token:\s*(\S+)/.exec(kubeconfig)![1];

  // Every log line the cluster code writes during these tests; none may carry the token.
  const logged: string[] = [];
  for (const method of ["log", "info", "warn", "error"] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      logged.push(
        args
          .map((arg) =>
            arg instanceof Error ? `${arg.message} ${arg.stack}` : typeof arg === "string" ? arg : JSON.stringify(arg),
          )
          .join(" "),
      );
      original(...args);
    };
  }
  afterAll(() => {
    expect(logged.filter((line) => line.includes(token))).toEqual([]);
  });

  const run = <T>(mutation: Parameters<typeof executeMutation>[0], input: unknown, actor: Actor | null = admin) =>
    executeMutation(mutation, input, actor, "api") as Promise<
      { ok: true; data: T } | { ok: false; status: number; error: string; fieldErrors?: Record<string, string[]> }
    >;

  beforeAll(() => {
    getDb().insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
  });

  it("attaches a cluster and reads 6 nodes with 8 GPUs, never keeping the token in clear", async () => {
    const created = await run<{ id: number; server: string }>(mutations.createCluster, {
      name: "sim",
      kubeconfig,
      description: "test cluster",
    });
    expect(created).toMatchObject({
      ok: true,
      data: { server: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/) },
    });
    const detail = await getClusterDetail("sim");
    expect(detail).toMatchObject({
      name: "sim",
      reachable: true,
      version: expect.stringMatching(/^v1\./),
      lastError: null,
    });
    expect(detail!.nodes).toHaveLength(6);
    expect(detail!.nodes.every((node) => node.ready)).toBe(true);
    expect(detail!.nodes.reduce((sum, node) => sum + Number(node.allocatable["nvidia.com/gpu"] ?? 0), 0)).toBe(8);
    expect(detail!.namespaces).toContain("default");
    const everything = JSON.stringify([detail, listClusters(), listAuditEvents({ objectType: "cluster", limit: 50 })]);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain("kubeconfig");
    const files = ["berth.db", "berth.db-wal"]
      .map((file) => path.join(dataDir, file))
      .filter((file) => fs.existsSync(file));
    for (const file of files) expect(fs.readFileSync(file).includes(token)).toBe(false);
  });

  it("refuses a duplicate name and a context the kubeconfig lacks, writing nothing", async () => {
    expect(await run(mutations.createCluster, { name: "sim", kubeconfig })).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { name: [expect.stringContaining("already exists")] },
    });
    expect(await run(mutations.createCluster, { name: "other", kubeconfig, context: "nope" })).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { context: ['The kubeconfig has no context "nope"'] },
    });
    expect(findCluster("other")).toBeUndefined();
  });

  it("refuses an edit made from a stale revision", async () => {
    const cluster = findCluster("sim")!;
    expect(
      await run(mutations.updateCluster, { cluster: "sim", version: cluster.version, description: "first" }),
    ).toMatchObject({ ok: true, data: { revision: cluster.version + 1 } });
    const stale = await run(mutations.updateCluster, {
      cluster: "sim",
      version: cluster.version,
      description: "second",
    });
    expect(stale).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { version: [expect.stringContaining("changed by someone else")] },
    });
    expect(findCluster("sim")!.description).toBe("first");
  });

  it("restores an older version as a new one, keeping the kubeconfig", async () => {
    const cluster = findCluster("sim")!;
    const created = listAuditEvents({ objectType: "cluster", objectId: String(cluster.id), limit: 10 }).find(
      (event) => event.action === "cluster.create",
    )!;
    const restored = await run(mutations.restoreCluster, { cluster: "sim", auditEventId: created.id });
    expect(restored).toMatchObject({ ok: true, data: { description: "test cluster", revision: cluster.version + 1 } });
    expect(findCluster("sim")!.kubeconfigEncrypted).toBe(cluster.kubeconfigEncrypted);
    expect(await run(mutations.restoreCluster, { cluster: "sim", auditEventId: 999_999 })).toMatchObject({
      ok: false,
      status: 404,
    });
  });

  it("keeps the GPU metric labels: auto by default, named ones validated, audited and restored", async () => {
    expect(listClusters().find((view) => view.name === "sim")!.gpuMetricLabels).toBe("auto");
    const refused = await run(mutations.updateCluster, {
      cluster: "sim",
      gpuMetricLabels: { pod: "exported-pod", namespace: "" },
    });
    expect(refused).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: {
        "gpuMetricLabels.pod": [expect.stringContaining("Prometheus label name")],
        "gpuMetricLabels.namespace": ["Required"],
      },
    });
    const before = findCluster("sim")!;
    const saved = await run(mutations.updateCluster, {
      cluster: "sim",
      gpuMetricLabels: { pod: "exported_pod", namespace: "exported_namespace", container: "" },
    });
    expect(saved).toMatchObject({
      ok: true,
      data: { gpuMetricLabels: { pod: "exported_pod", namespace: "exported_namespace" } },
    });
    const audit = listAuditEvents({ objectType: "cluster", objectId: String(before.id), limit: 1 })[0];
    expect(audit).toMatchObject({
      action: "cluster.update",
      before: { gpuMetricLabels: "auto" },
      after: { gpuMetricLabels: { pod: "exported_pod", namespace: "exported_namespace" } },
    });
    const restored = await run(mutations.restoreCluster, { cluster: "sim", auditEventId: audit.id });
    expect(restored).toMatchObject({ ok: true });
    const back = await run(mutations.updateCluster, { cluster: "sim", gpuMetricLabels: "auto" });
    expect(back).toMatchObject({ ok: true, data: { gpuMetricLabels: "auto" } });
    expect(findCluster("sim")!.gpuMetricLabels).toBeNull();
  });

  it("lists finished pods on a dry run, deletes them for real, and leaves running ones", async () => {
    const cluster = findCluster("sim")!;
    const { core } = kubeClients(cluster);
    const pod = (name: string, duration: string) => ({
      metadata: { name, labels: { suite: "cleanup" }, annotations: { "sim.berth.dev/duration": duration } },
      spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] },
    });
    await core.createNamespacedPod({ namespace: "default", body: pod("quick", "1s") });
    await core.createNamespacedPod({ namespace: "default", body: pod("slow", "10m") });
    await expect
      .poll(async () => (await core.readNamespacedPod({ namespace: "default", name: "quick" })).status?.phase, {
        timeout: 15_000,
      })
      .toBe("Succeeded");

    const dryRun = await run(mutations.cleanupCluster, {
      cluster: "sim",
      target: "pods",
      labelSelector: "suite=cleanup",
      dryRun: true,
    });
    expect(dryRun).toEqual({ ok: true, data: { dryRun: true, wouldDelete: ["default/quick"] } });
    expect((await core.listNamespacedPod({ namespace: "default", labelSelector: "suite=cleanup" })).items).toHaveLength(
      2,
    );

    const real = await run(mutations.cleanupCluster, {
      cluster: "sim",
      target: "pods",
      labelSelector: "suite=cleanup",
      dryRun: false,
    });
    expect(real).toEqual({ ok: true, data: { dryRun: false, deleted: ["default/quick"], failed: [] } });
    const left = (await core.listNamespacedPod({ namespace: "default", labelSelector: "suite=cleanup" })).items.map(
      (item) => item.metadata?.name,
    );
    expect(left).toEqual(["slow"]);
    expect(listAuditEvents({ objectType: "cluster", objectId: String(cluster.id), limit: 5 })[0]).toMatchObject({
      action: "cluster.cleanup",
      after: { deleted: ["default/quick"] },
    });

    expect(await run(mutations.deleteClusterPod, { cluster: "sim", namespace: "default", pod: "slow" })).toMatchObject({
      ok: true,
    });
    expect(
      await run(mutations.deleteClusterPod, { cluster: "sim", namespace: "default", pod: "never-was" }),
    ).toMatchObject({ ok: false, status: 404, error: expect.stringContaining("not found") });
  });

  it("cleans up complete jobs, and failed ones only when asked", async () => {
    const { batch } = kubeClients(findCluster("sim")!);
    const job = (name: string, annotations: Record<string, string>) => ({
      metadata: { name, labels: { suite: "jobs" } },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { annotations },
          spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] },
        },
      },
    });
    await batch.createNamespacedJob({ namespace: "default", body: job("done", { "sim.berth.dev/duration": "1s" }) });
    await batch.createNamespacedJob({
      namespace: "default",
      body: job("broken", { "sim.berth.dev/duration": "1s", "sim.berth.dev/exit-code": "3" }),
    });
    // Terminal conditions only: a real Job first gets SuccessCriteriaMet or FailureTarget.
    const outcomes = async () =>
      (await batch.listNamespacedJob({ namespace: "default", labelSelector: "suite=jobs" })).items
        .map(
          (item) =>
            item.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")
              ?.type,
        )
        .sort();
    await expect.poll(outcomes, { timeout: 15_000 }).toEqual(["Complete", "Failed"]);
    const input = { cluster: "sim", target: "jobs", labelSelector: "suite=jobs", dryRun: true };
    expect(await run(mutations.cleanupCluster, input)).toEqual({
      ok: true,
      data: { dryRun: true, wouldDelete: ["default/done"] },
    });
    expect(await run(mutations.cleanupCluster, { ...input, includeFailed: true })).toEqual({
      ok: true,
      data: { dryRun: true, wouldDelete: ["default/broken", "default/done"] },
    });
    expect(await run(mutations.cleanupCluster, { ...input, includeFailed: true, dryRun: false })).toMatchObject({
      ok: true,
      data: { deleted: ["default/broken", "default/done"] },
    });
    expect((await batch.listNamespacedJob({ namespace: "default", labelSelector: "suite=jobs" })).items).toHaveLength(
      0,
    );
  });

  it("checks operate and manage per cluster through group grants", async () => {
    await run(createGroup, { name: "ops" });
    // A real row: refused and accepted changes are both audited against the acting user.
    const ada = getDb().insert(users).values({ username: "ada", role: "user", passwordHash: "x" }).returning().get();
    const user: Actor = { id: ada.id, username: "ada", role: "user", groups: ["ops"], clusterLevels: {} };
    const cluster = findCluster("sim")!;
    expect(await run(mutations.updateCluster, { cluster: "sim", description: "x" }, user)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(
      await run(mutations.setClusterGrants, {
        cluster: "sim",
        grants: [
          { group: "ops", level: "operate" },
          { group: "ghosts", level: "use" },
        ],
      }),
    ).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { "grants.1.group": ['No group named "ghosts"'] },
    });
    expect(
      await run(mutations.setClusterGrants, { cluster: "sim", grants: [{ group: "ops", level: "operate" }] }),
    ).toMatchObject({ ok: true });
    const operator: Actor = { ...user, clusterLevels: { [cluster.id]: "operate" } };
    expect(
      await run(mutations.cleanupCluster, { cluster: "sim", target: "jobs", dryRun: true }, operator),
    ).toMatchObject({ ok: true });
    expect(await run(mutations.deleteCluster, { cluster: "sim" }, operator)).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses to delete a cluster that configs or settings name", async () => {
    const cluster = findCluster("sim")!;
    // Another setting holding the same number names an execution config, not this cluster.
    getDb()
      .insert(settings)
      .values([
        { key: "defaultCluster", value: cluster.id },
        { key: "defaultExecutionConfig", value: cluster.id },
      ])
      .run();
    getDb()
      .insert(executionConfigs)
      .values({ name: "gpu-small", clusterId: cluster.id, spec: {}, usableBy: "all" })
      .run();
    expect(await run(mutations.deleteCluster, { cluster: "sim" })).toMatchObject({
      ok: false,
      status: 409,
      error: "Cluster sim is used by execution config gpu-small, the setting defaultCluster; change those first.",
    });
    expect(findCluster("sim")).toBeDefined();
  });

  it("records an unreachable cluster in plain words and keeps the first failure time", async () => {
    const dead = kubeconfig.replace(/server: \S+/, "server: https://127.0.0.1:1");
    expect(await run(mutations.createCluster, { name: "dead", kubeconfig: dead })).toMatchObject({ ok: true });
    const first = await getClusterDetail("dead");
    expect(first).toMatchObject({
      reachable: false,
      nodes: [],
      lastError: "The cluster cannot be reached (ECONNREFUSED).",
    });
    const since = first!.unreachableSince;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await clusterStatus(findCluster("dead")!, { fresh: true });
    expect(findCluster("dead")!.unreachableSince?.toISOString()).toBe(since);
    expect(await run(mutations.cleanupCluster, { cluster: "dead", target: "pods", dryRun: true })).toMatchObject({
      ok: false,
      status: 503,
      error: expect.stringContaining("cannot be reached"),
    });
    expect(await run(mutations.deleteCluster, { cluster: "dead" })).toMatchObject({ ok: true });
  });

  it("registers the embedded cluster from the data dir and follows a changed kubeconfig", async () => {
    fs.writeFileSync(path.join(dataDir, "embedded-kubeconfig.yaml"), kubeconfig);
    registerEmbeddedCluster();
    registerEmbeddedCluster();
    const embedded = findCluster("embedded")!;
    expect(embedded).toMatchObject({ embedded: true, version: 1 });
    fs.writeFileSync(
      path.join(dataDir, "embedded-kubeconfig.yaml"),
      kubeconfig.replace(/server: \S+/, "server: https://127.0.0.1:2"),
    );
    registerEmbeddedCluster();
    expect(findCluster("embedded")).toMatchObject({ version: 2, server: "https://127.0.0.1:2" });
    expect(
      listAuditEvents({ objectType: "cluster", objectId: String(embedded.id), limit: 5 }).map((event) => [
        event.actor,
        event.action,
      ]),
    ).toEqual([
      ["system", "cluster.update"],
      ["system", "cluster.create"],
    ]);
  });
});
