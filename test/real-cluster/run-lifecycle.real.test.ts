import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";

// Berth's domain functions on a real control plane, as its deploy/ ServiceAccount: a permission the
// console uses but deploy/ lacks fails here with the cluster's 403.
describe("a run on the real control plane, as Berth's ServiceAccount", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-real-runs-"));
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { createPolicy } = await import("@/lib/namespace-policies/mutations");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { ensureRunReconciler } = await import("@/lib/runs/reconciler");
  const { submitRun } = await import("@/lib/runs/submit");
  const { clusterStatus } = await import("@/lib/clusters/status");
  const { dashboardSnapshot } = await import("@/lib/dashboard/service");

  const suffix = Math.random().toString(36).slice(2, 7);
  const berthKubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const admin = new k8s.KubeConfig();
  admin.loadFromFile(inject("adminKubeconfigPath"));
  const adminCore = admin.makeApiClient(k8s.CoreV1Api);
  const ids = { admin: 0, alice: 0 };
  const actor = (userId: number): Actor => actorForUser(userId)!;
  const runRow = (id: string) => getDb().select().from(schema.runs).where(eq(schema.runs.id, id)).get()!;

  async function until<T>(
    what: string,
    read: () => T | Promise<T>,
    done: (value: T) => boolean,
    timeoutMs = 60_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    const db = getDb();
    ids.admin = db
      .insert(schema.users)
      .values({ username: "admin", role: "admin", passwordHash: "x" })
      .returning()
      .get().id;
    ids.alice = db
      .insert(schema.users)
      .values({ username: "alice", role: "user", passwordHash: "x" })
      .returning()
      .get().id;
    const ml = db.insert(schema.groups).values({ name: "ml" }).returning().get().id;
    db.insert(schema.groupMembers).values({ groupId: ml, userId: ids.alice }).run();
    const config = loadKubeconfig(berthKubeconfig);
    const clusterId = db
      .insert(schema.clusters)
      .values({
        name: "real",
        kubeconfigEncrypted: encryptSecret(berthKubeconfig),
        context: config.getCurrentContext(),
        server: config.getCurrentCluster()!.server,
      })
      .returning()
      .get().id;
    db.insert(schema.clusterGrants).values({ clusterId, groupId: ml, level: "use" }).run();
    const cpu = {
      name: "cpu-small",
      image: "python:3.12-slim",
      cluster: "real",
      namespace: `runs-\${project}-${suffix}`,
      createNamespace: true,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    };
    expect(await executeMutation(createExecutionConfig, cpu, actor(ids.admin), "api")).toMatchObject({ ok: true });
    const policy = {
      name: `runs-${suffix}`,
      pattern: `runs-*-${suffix}`,
      priority: 100,
      resourceQuota: { hard: { pods: "20", "requests.cpu": "4" } },
    };
    expect(await executeMutation(createPolicy, policy, actor(ids.admin), "api")).toMatchObject({ ok: true });
    const executionConfigId = db
      .select()
      .from(schema.executionConfigs)
      .all()
      .find((row) => row.name === "cpu-small")!.id;
    const project = db
      .insert(schema.projects)
      .values({ key: "churn", name: "churn", executionConfigId, clusterId })
      .returning()
      .get().id;
    db.insert(schema.projectMembers).values({ projectId: project, groupId: ml, role: "contributor" }).run();
    ensureRunReconciler();
  });

  it("submits a run into a namespace it creates with its policy's quota, and the run ends succeeded", async () => {
    const submitted = await executeMutation(
      submitRun,
      {
        project: "churn",
        activity: "python-recipe",
        command: ["python", "-c", "print(1)"],
        annotations: { "sim.berth.dev/duration": "2s" },
      },
      actor(ids.alice),
      "api",
    );
    if (!submitted.ok) throw new Error(submitted.error);
    const namespace = `runs-churn-${suffix}`;
    expect(submitted.data.namespace).toBe(namespace);
    // The reason names what the cluster refused (a permission deploy/ lacks, say) when it failed.
    expect(submitted.data.status, submitted.data.reason).toMatch(/^(pending|running)$/);

    const done = await until(
      "the run to finish",
      () => runRow(submitted.data.id),
      (row) => row.status === "succeeded" || row.status === "failed",
    );
    expect({ status: done.status, reason: done.reason }).toEqual({ status: "succeeded", reason: null });
    expect(done.timeline.map((step) => step.status)).toEqual(["queued", "pending", "running", "succeeded"]);

    // What kubectl would see on that cluster, read as the admin: the pod Succeeded on a kwok node
    // the real scheduler chose, and the quota the namespace policy applied is enforced.
    const pods = await adminCore.listNamespacedPod({ namespace, labelSelector: `berth.dev/run=${submitted.data.id}` });
    expect(pods.items.map((pod) => [pod.status?.phase, pod.spec?.nodeName?.startsWith("sim-cpu-")])).toEqual([
      ["Succeeded", true],
    ]);
    const quota = await adminCore.readNamespacedResourceQuota({ namespace, name: "berth-quota" });
    expect(quota.spec?.hard).toEqual({ pods: "20", "requests.cpu": "4" });
  });

  it("reads the cluster's version, nodes and GPUs, and its quotas as kubectl does, through Berth's account", async () => {
    const cluster = getDb().select().from(schema.clusters).get()!;
    const status = await clusterStatus(cluster, { fresh: true });
    if (!status.reachable) throw new Error(status.lastError);
    expect(status.kubernetesVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(status.nodes.map((node) => node.name)).toEqual([
      "sim-cpu-1",
      "sim-cpu-2",
      "sim-cpu-3",
      "sim-cpu-4",
      "sim-gpu-1",
      "sim-gpu-2",
    ]);

    // Only this file's namespaces: other suites may share the cluster and change theirs meanwhile.
    const mine = (namespace: string | undefined) => namespace?.endsWith(`-${suffix}`);
    const quotas = await adminCore.listResourceQuotaForAllNamespaces();
    const expected = quotas.items
      .filter((quota) => mine(quota.metadata!.namespace))
      .map((quota) => ({
        namespace: quota.metadata!.namespace,
        name: quota.metadata!.name,
        hard: quota.status?.hard,
        used: quota.status?.used,
      }));
    expect(expected).toHaveLength(1);
    const [section] = (await dashboardSnapshot(actor(ids.admin), { cluster: "real" })).clusters;
    expect({ stale: section.stale, error: section.error, gpus: section.gpu.allocatable }).toEqual({
      stale: false,
      error: null,
      gpus: 8,
    });
    expect(
      section.quotas
        .filter((quota) => mine(quota.namespace))
        .map(({ namespace, name, hard, used }) => ({ namespace, name, hard, used })),
    ).toEqual(expected);
  });
});
