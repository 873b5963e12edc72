import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import YAML from "yaml";
import type { Actor } from "@/lib/permissions";
import { serviceAccountKubeconfig } from "./service-account";

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

// Berth under deploy/'s ClusterRole, and under a copy of it missing `delete pods` and `watch events`:
// its own check names what is missing, and what needs it fails with "may not", not as an outage.
describe("Berth's own permissions on the real control plane", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-real-permissions-"));
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

  const suffix = Math.random().toString(36).slice(2, 7);
  const lesser = `berth-lesser-${suffix}`;
  const namespace = `perm-${suffix}`;
  const admin = new k8s.KubeConfig();
  admin.loadFromFile(inject("adminKubeconfigPath"));
  const adminCore = admin.makeApiClient(k8s.CoreV1Api);
  const adminRbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
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
    const role = YAML.parse(fs.readFileSync(path.resolve(import.meta.dirname, "../../deploy/clusterrole.yaml"), "utf8")) as { rules: PolicyRule[] };
    const without = (rule: PolicyRule, resource: string, verb: string) => (rule.resources.includes(resource) ? rule.verbs.filter((candidate) => candidate !== verb) : rule.verbs);
    const rules = role.rules.map((rule) => ({ ...rule, verbs: without({ ...rule, verbs: without(rule, "pods", "delete") }, "events", "watch") }));
    await adminRbac.createClusterRole({ body: { metadata: { name: lesser }, rules } });
    await adminCore.createNamespacedServiceAccount({ namespace: "berth", body: { metadata: { name: lesser } } });
    await adminRbac.createClusterRoleBinding({
      body: { metadata: { name: lesser }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: lesser }, subjects: [{ kind: "ServiceAccount", name: lesser, namespace: "berth" }] },
    });
    await adminCore.createNamespace({ body: { metadata: { name: namespace } } });
    await adminCore.createNamespacedPod({ namespace, body: { metadata: { name: "victim" }, spec: { containers: [{ name: "main", image: "python:3.12-slim" }] } } });

    const adminKubeconfig = fs.readFileSync(inject("adminKubeconfigPath"), "utf8");
    addCluster("deployed", fs.readFileSync(inject("kubeconfigPath"), "utf8"));
    addCluster("lesser", await serviceAccountKubeconfig(adminKubeconfig, { namespace: "berth", name: lesser }));
    const userId = getDb().insert(schema.users).values({ username: "admin", role: "admin", passwordHash: "x" }).returning().get().id;
    actor = actorForUser(userId)!;
  });

  afterAll(async () => {
    for (const release of releases) release();
    await Promise.allSettled([
      adminRbac.deleteClusterRoleBinding({ name: lesser }),
      adminRbac.deleteClusterRole({ name: lesser }),
      adminCore.deleteNamespacedServiceAccount({ namespace: "berth", name: lesser }),
      adminCore.deleteNamespace({ name: namespace }),
    ]);
  });

  it("finds nothing missing under deploy/'s ClusterRole", async () => {
    const detail = clusterDetailSchema.parse(await readableClusterDetail(actor, "deployed"));
    expect(detail.permissions).toEqual({ ok: true, missing: [] });
  });

  it("names `delete pods` and `watch events` as missing under a ClusterRole without them", async () => {
    const detail = clusterDetailSchema.parse(await readableClusterDetail(actor, "lesser"));
    expect(detail.reachable).toBe(true);
    expect(detail.permissions?.ok).toBe(false);
    expect(detail.permissions?.missing.map(({ verb, resource, group, message }) => ({ verb, resource, group, message }))).toEqual([
      { verb: "delete", resource: "pods", group: "", message: "Berth's account may not delete pods across the cluster." },
      { verb: "watch", resource: "events", group: "", message: "Berth's account may not watch events across the cluster." },
    ]);
  });

  it("refuses deleting a pod with Berth's \"may not delete pods\" message, not as an outage", async () => {
    const result = await executeMutation(deleteClusterPod, { cluster: "lesser", namespace, pod: "victim" }, actor, "api");
    expect(result).toEqual({ ok: false, status: 403, error: `Could not delete pod ${namespace}/victim: Berth's account may not delete pods in namespace "${namespace}".` });
    await expect(adminCore.readNamespacedPod({ namespace, name: "victim" })).resolves.toBeTruthy();
  });

  it("reports the events informer's refused watch as a missing permission, never as stale", async () => {
    const row = getDb().select().from(schema.clusters).all().find((cluster) => cluster.name === "lesser")!;
    const { informer, release } = acquireInformer(row, "events");
    releases.push(release);
    const deadline = Date.now() + 20_000;
    while (!informer.status().forbidden && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // Past the 2 s after which an outage turns stale, and through a retry or two.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(informer.status()).toMatchObject({ stale: false, staleSince: null, forbidden: true, error: "Berth's account may not watch events across the cluster." });
  });
});
