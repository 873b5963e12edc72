import diagnostics from "node:diagnostics_channel";
import fs from "node:fs";
import type { ClientRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import YAML from "yaml";

import type { Actor } from "@/lib/permissions";
import { serviceAccountKubeconfig } from "@/test/real-cluster/service-account";
import { adminKubeconfigPath, clusterKind } from "@/test/support/cluster-kind";
import { startClusterProcess } from "@/test/support/cluster-process";

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** What the lesser account lacks, as deploy/rbac/clusterrole.yaml names it: a (resource, verb) each. */
const WITHHELD = [
  ["nodes", "list"],
  ["pods", "delete"],
  ["events", "watch"],
] as const;

interface LesserAccount {
  kubeconfig: string;
  /** May do everything on the same cluster, to arrange what the lesser account may not. */
  admin: k8s.KubeConfig;
  stop(): Promise<unknown> | void;
}

/**
 * An account that lacks WITHHELD. On the simulator, one started with `--deny` (it refuses as RBAC
 * would); on the real control plane, a ServiceAccount bound to deploy/'s ClusterRole less those
 * verbs — so the same checks hold where RBAC is real.
 */
async function lesserAccount(suffix: string): Promise<LesserAccount> {
  if (clusterKind() === "simulator") {
    const sim = await startClusterProcess([
      "--nodes",
      "1",
      "--gpu-nodes",
      "0",
      ...WITHHELD.flatMap(([resource, verb]) => ["--deny", `${verb}:${resource}`]),
    ]);
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(sim.kubeconfigPath);
    return { kubeconfig: fs.readFileSync(sim.kubeconfigPath, "utf8"), admin, stop: () => sim.stop() };
  }
  const admin = new k8s.KubeConfig();
  admin.loadFromFile(adminKubeconfigPath());
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const rbac = admin.makeApiClient(k8s.RbacAuthorizationV1Api);
  const name = `berth-lesser-${suffix}`;
  const role = YAML.parse(
    fs.readFileSync(path.resolve(import.meta.dirname, "../../deploy/rbac/clusterrole.yaml"), "utf8"),
  ) as { rules: PolicyRule[] };
  const rules = role.rules.map((rule) => ({
    ...rule,
    verbs: rule.verbs.filter(
      (verb) => !WITHHELD.some(([resource, withheld]) => rule.resources.includes(resource) && verb === withheld),
    ),
  }));
  await rbac.createClusterRole({ body: { metadata: { name }, rules } });
  await core.createNamespacedServiceAccount({ namespace: "berth", body: { metadata: { name } } });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
      subjects: [{ kind: "ServiceAccount", name, namespace: "berth" }],
    },
  });
  const kubeconfig = await serviceAccountKubeconfig(fs.readFileSync(adminKubeconfigPath(), "utf8"), {
    namespace: "berth",
    name,
  });
  return {
    kubeconfig,
    admin,
    stop: () =>
      Promise.allSettled([
        rbac.deleteClusterRoleBinding({ name }),
        rbac.deleteClusterRole({ name }),
        core.deleteNamespacedServiceAccount({ namespace: "berth", name }),
      ]),
  };
}

// Berth under its own account ("allowing": the simulator's, or deploy/'s ServiceAccount on the
// real control plane) and under one that lacks WITHHELD: its own check names what is missing, and
// what needs it fails with "may not", not as an outage.
describe("Berth's own permissions on a cluster", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-permissions-"));
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { acquireInformer, restartDelayMs } = await import("@/lib/kube/informers");
  const { deleteClusterPod } = await import("@/lib/clusters/mutations");
  const { readableClusterDetail } = await import("@/lib/clusters/reads");
  const { clusterDetailSchema } = await import("@/lib/clusters/schema");
  const { actorForUser } = await import("@/lib/auth/actor");

  const suffix = Math.random().toString(36).slice(2, 7);
  const namespace = `perm-${suffix}`;
  let lesser: LesserAccount;
  let actor: Actor;
  const releases: (() => void)[] = [];

  function addCluster(name: string, kubeconfig: string): void {
    const config = loadKubeconfig(kubeconfig);
    getDb()
      .insert(schema.clusters)
      .values({
        name,
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: config.getCurrentContext(),
        server: config.getCurrentCluster()!.server,
      })
      .run();
  }

  beforeAll(async () => {
    lesser = await lesserAccount(suffix);
    const core = lesser.admin.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await core.createNamespacedPod({
      namespace,
      body: { metadata: { name: "victim" }, spec: { containers: [{ name: "main", image: "python:3.12-slim" }] } },
    });
    addCluster("allowing", fs.readFileSync(inject("kubeconfigPath"), "utf8"));
    addCluster("lesser", lesser.kubeconfig);
    actor = actorForUser(
      getDb().insert(schema.users).values({ username: "admin", role: "admin", passwordHash: "x" }).returning().get().id,
    )!;
  });

  afterAll(async () => {
    for (const release of releases) release();
    await lesser?.admin
      .makeApiClient(k8s.CoreV1Api)
      .deleteNamespace({ name: namespace })
      .catch(() => undefined);
    await lesser?.stop();
  });

  it("finds nothing missing under Berth's own account (deploy/'s ClusterRole on the real control plane)", async () => {
    expect(clusterDetailSchema.parse(await readableClusterDetail(actor, "allowing")).permissions).toEqual({
      ok: true,
      missing: [],
    });
  });

  it("names the withheld permissions as missing, with the feature each serves, and stays reachable without its nodes", async () => {
    const detail = clusterDetailSchema.parse(await readableClusterDetail(actor, "lesser"));
    expect({
      reachable: detail.reachable,
      lastError: detail.lastError,
      nodes: detail.nodes,
      namespaces: detail.namespaces,
    }).toEqual({ reachable: true, lastError: null, nodes: [], namespaces: expect.arrayContaining([namespace]) });
    expect(detail.permissions?.ok).toBe(false);
    expect(detail.permissions?.missing).toEqual([
      {
        verb: "list",
        resource: "nodes",
        group: "",
        feature: expect.stringContaining("nodes"),
        message: "Berth's account may not list nodes across the cluster.",
      },
      {
        verb: "delete",
        resource: "pods",
        group: "",
        feature: expect.stringContaining("runs"),
        message: "Berth's account may not delete pods across the cluster.",
      },
      {
        verb: "watch",
        resource: "events",
        group: "",
        feature: expect.stringContaining("events"),
        message: "Berth's account may not watch events across the cluster.",
      },
    ]);
  });

  it('refuses deleting a pod with Berth\'s "may not delete pods" message, not as an outage, and the pod stays', async () => {
    const result = await executeMutation(
      deleteClusterPod,
      { cluster: "lesser", namespace, pod: "victim" },
      actor,
      "api",
    );
    expect(result).toEqual({
      ok: false,
      status: 403,
      error: `Could not delete pod ${namespace}/victim: Berth's account may not delete pods in namespace "${namespace}".`,
    });
    await expect(
      lesser.admin.makeApiClient(k8s.CoreV1Api).readNamespacedPod({ namespace, name: "victim" }),
    ).resolves.toBeTruthy();
  });

  it("reports the events informer's refused watch as a missing permission, never as stale", async () => {
    const row = getDb()
      .select()
      .from(schema.clusters)
      .all()
      .find((cluster) => cluster.name === "lesser")!;
    // The informer's watch requests as Node's HTTP client starts them, told apart by the lesser account's token.
    const authorization = `Bearer ${loadKubeconfig(lesser.kubeconfig).getCurrentUser()!.token}`;
    let watchAttempts = 0;
    const onRequest = (message: unknown) => {
      const { request } = message as { request: ClientRequest };
      if (
        request.path.startsWith("/api/v1/events") &&
        request.path.includes("watch=true") &&
        [request.getHeader("authorization")].flat().includes(authorization)
      )
        watchAttempts += 1;
    };
    diagnostics.subscribe("http.client.request.start", onRequest);
    const { informer, release } = acquireInformer(row, "events");
    releases.push(release);
    const statuses: boolean[] = [];
    const unsubscribe = informer.subscribe((event) => {
      if (event.type === "status") statuses.push(event.status.stale);
    });
    try {
      // Attempt n starts after the backoffs of the n - 1 refusals before it: wait for the first one
      // past the 2 s after which an outage turns stale.
      let attempts = 1;
      for (let waited = 0; waited <= 2_000; attempts += 1) waited += restartDelayMs(attempts);
      const deadline = Date.now() + 30_000;
      while (watchAttempts < attempts && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(watchAttempts).toBeGreaterThanOrEqual(attempts);
      expect(informer.status()).toMatchObject({
        stale: false,
        staleSince: null,
        forbidden: true,
        error: "Berth's account may not watch events across the cluster.",
      });
      expect(statuses).not.toContain(true);
    } finally {
      unsubscribe();
      diagnostics.unsubscribe("http.client.request.start", onRequest);
    }
  });
});
