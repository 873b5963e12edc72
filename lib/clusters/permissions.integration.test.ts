import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Actor } from "@/lib/permissions";
import { startClusterProcess, type ClusterProcess } from "@/test/cluster-process";

// The simulator tier's side of the real tier's permissions test: a simulator started with
// --deny refuses `list nodes`, `delete pods` and `watch events` as RBAC would, and Berth says so in words.
describe("Berth's own permissions, on a simulator that denies some", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-permissions-"));
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { acquireInformer } = await import("@/lib/kube/informers");
  const { deleteClusterPod } = await import("@/lib/clusters/mutations");
  const { readableClusterDetail } = await import("@/lib/clusters/reads");
  const { clusterDetailSchema } = await import("@/lib/clusters/schema");
  const { actorForUser } = await import("@/lib/users/queries");

  let denying: ClusterProcess;
  let actor: Actor;
  const releases: (() => void)[] = [];

  function addCluster(name: string, kubeconfig: string): void {
    const config = loadKubeconfig(kubeconfig);
    getDb()
      .insert(schema.clusters)
      .values({ name, kubeconfigEncrypted: encryptSecret(kubeconfig), context: config.getCurrentContext(), server: config.getCurrentCluster()!.server })
      .run();
  }

  beforeAll(async () => {
    denying = await startClusterProcess(["--nodes", "1", "--gpu-nodes", "0", "--deny", "list:nodes", "--deny", "delete:pods", "--deny", "watch:events"]);
    const kubeconfig = fs.readFileSync(denying.kubeconfigPath, "utf8");
    const core = loadKubeconfig(kubeconfig).makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: "perm" } } });
    await core.createNamespacedPod({ namespace: "perm", body: { metadata: { name: "victim" }, spec: { containers: [{ name: "main", image: "python:3.12-slim" }] } } });
    addCluster("allowing", fs.readFileSync(inject("kubeconfigPath"), "utf8"));
    addCluster("denying", kubeconfig);
    actor = actorForUser(getDb().insert(schema.users).values({ username: "admin", role: "admin", passwordHash: "x" }).returning().get().id)!;
  });

  afterAll(() => {
    for (const release of releases) release();
    denying?.stop();
  });

  it("finds nothing missing on a simulator that allows everything", async () => {
    expect(clusterDetailSchema.parse(await readableClusterDetail(actor, "allowing")).permissions).toEqual({ ok: true, missing: [] });
  });

  it("names the denied permissions as missing, with the feature each serves, and stays reachable without its nodes", async () => {
    const detail = clusterDetailSchema.parse(await readableClusterDetail(actor, "denying"));
    expect({ reachable: detail.reachable, lastError: detail.lastError, nodes: detail.nodes, namespaces: detail.namespaces }).toEqual({ reachable: true, lastError: null, nodes: [], namespaces: expect.arrayContaining(["perm"]) });
    expect(detail.permissions?.ok).toBe(false);
    expect(detail.permissions?.missing).toEqual([
      { verb: "list", resource: "nodes", group: "", feature: expect.stringContaining("nodes"), message: "Berth's account may not list nodes across the cluster." },
      { verb: "delete", resource: "pods", group: "", feature: expect.stringContaining("runs"), message: "Berth's account may not delete pods across the cluster." },
      { verb: "watch", resource: "events", group: "", feature: expect.stringContaining("events"), message: "Berth's account may not watch events across the cluster." },
    ]);
  });

  it("refuses deleting a pod with Berth's \"may not delete pods\" message", async () => {
    const result = await executeMutation(deleteClusterPod, { cluster: "denying", namespace: "perm", pod: "victim" }, actor, "api");
    expect(result).toMatchObject({ ok: false, status: 403, error: 'Could not delete pod perm/victim: Berth\'s account may not delete pods in namespace "perm".' });
  });

  it("reports the events informer's refused watch as a missing permission, never as stale", async () => {
    const row = getDb().select().from(schema.clusters).all().find((cluster) => cluster.name === "denying")!;
    const { informer, release } = acquireInformer(row, "events");
    releases.push(release);
    const deadline = Date.now() + 20_000;
    while (!informer.status().forbidden && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(informer.status()).toMatchObject({ stale: false, staleSince: null, forbidden: true, error: "Berth's account may not watch events across the cluster." });
  });
});
