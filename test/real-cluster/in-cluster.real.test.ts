import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { afterAll, describe, expect, inject, it } from "vitest";

import { waitUntil } from "@/test/support/wait";

// Berth as a pod sees it: KUBERNETES_SERVICE_HOST/PORT, and the ServiceAccount's token, CA and
// namespace in files, here a temp folder standing in for /var/run/secrets/kubernetes.io/serviceaccount.
// The tokens are real ones of berth/berth (TokenRequest, as the kubelet asks for a projected token),
// each bound to a Secret so that deleting the Secret revokes it, as an expired projected token is.
describe("Berth in a pod registers its own cluster as in-cluster", async () => {
  const adminKubeconfig = fs.readFileSync(inject("adminKubeconfigPath"), "utf8");
  const admin = new k8s.KubeConfig();
  admin.loadFromString(adminKubeconfig);
  const apiserver = new URL(admin.getCurrentCluster()!.server);
  const adminCore = admin.makeApiClient(k8s.CoreV1Api);

  const serviceAccountDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-serviceaccount-"));
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-in-cluster-"));
  process.env.KUBERNETES_SERVICE_HOST = apiserver.hostname;
  process.env.KUBERNETES_SERVICE_PORT = apiserver.port;
  process.env.BERTH_SERVICE_ACCOUNT_DIR = serviceAccountDir;
  const { eq } = await import("drizzle-orm");
  const { getDb } = await import("@/db");
  const { clusters } = await import("@/db/schema");
  const { decryptSecret } = await import("@/lib/crypto/secret-box");
  const { kubeClients } = await import("@/lib/kube/client");
  const { listClusters } = await import("@/lib/clusters/queries");
  const { clusterStatus } = await import("@/lib/clusters/status");
  const { registerInClusterCluster } = await import("@/lib/clusters/in-cluster");
  const { updateCluster } = await import("@/lib/clusters/mutations");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { users } = await import("@/db/schema");

  const suffix = Math.random().toString(36).slice(2, 8);
  const boundSecrets: string[] = [];

  /** A token of berth/berth bound to a new Secret: deleting the Secret revokes the token. */
  async function issueToken(): Promise<{ token: string; secret: string }> {
    const secret = `berth-in-cluster-${suffix}-${boundSecrets.length}`;
    const created = await adminCore.createNamespacedSecret({
      namespace: "berth",
      body: { metadata: { name: secret } },
    });
    boundSecrets.push(secret);
    const request = await adminCore.createNamespacedServiceAccountToken({
      namespace: "berth",
      name: "berth",
      body: {
        spec: {
          audiences: [],
          expirationSeconds: 3600,
          boundObjectRef: { apiVersion: "v1", kind: "Secret", name: secret, uid: created.metadata!.uid },
        },
      },
    });
    return { token: request.status!.token, secret };
  }

  /** Writes the token as the kubelet does: a new file swapped in, never a half-written one. */
  function writeToken(token: string): void {
    const next = path.join(serviceAccountDir, `.token-${Date.now()}`);
    fs.writeFileSync(next, token, { mode: 0o600 });
    fs.renameSync(next, path.join(serviceAccountDir, "token"));
  }

  /** Who the API server says a bearer token is, or its HTTP status when it refuses the token. */
  async function whoIs(token: string): Promise<string | number> {
    const config = new k8s.KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: "c", server: apiserver.origin, caData: admin.getCurrentCluster()!.caData }],
      users: [{ name: "u", token }],
      contexts: [{ name: "c", cluster: "c", user: "u" }],
      currentContext: "c",
    });
    try {
      const review = await config
        .makeApiClient(k8s.AuthenticationV1Api)
        .createSelfSubjectReview({ body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
      return review.status!.userInfo!.username!;
    } catch (error) {
      return (error as { code?: number }).code ?? -1;
    }
  }

  const inClusterRow = () => getDb().select().from(clusters).where(eq(clusters.inCluster, true)).get();
  /** Who Berth's client of the in-cluster row is, per the API server. */
  const berthIdentity = async () => {
    const review = await kubeClients(inClusterRow()!)
      .config.makeApiClient(k8s.AuthenticationV1Api)
      .createSelfSubjectReview({ body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
    return review.status!.userInfo!.username;
  };

  afterAll(async () => {
    for (const name of boundSecrets)
      await adminCore.deleteNamespacedSecret({ namespace: "berth", name }).catch(() => undefined);
    fs.rmSync(serviceAccountDir, { recursive: true, force: true });
  });

  const first = await issueToken();
  writeToken(first.token);
  fs.writeFileSync(path.join(serviceAccountDir, "ca.crt"), Buffer.from(admin.getCurrentCluster()!.caData!, "base64"));
  fs.writeFileSync(path.join(serviceAccountDir, "namespace"), "berth");

  it("registers the cluster 'in-cluster' from the files, listed by the API with inCluster: true, and reaches it as berth/berth", async () => {
    expect(registerInClusterCluster()).toBe(true);
    const listed = listClusters();
    expect(listed).toEqual([
      expect.objectContaining({
        name: "in-cluster",
        inCluster: true,
        embedded: false,
        server: `https://${apiserver.hostname}:${apiserver.port}`,
      }),
    ]);
    // The token rotates: it is read from the file, never copied into the database.
    expect(decryptSecret(inClusterRow()!.kubeconfigEncrypted)).not.toContain(first.token);

    expect(await berthIdentity()).toBe("system:serviceaccount:berth:berth");
    const status = await clusterStatus(inClusterRow()!);
    expect(status).toMatchObject({ reachable: true, kubernetesVersion: expect.stringMatching(/^v1\./) });
    expect(status.reachable && status.namespaces).toContain("berth");
    // Berth's own account, as deploy/rbac/ grants it: nothing it needs is missing.
    expect(status.reachable && status.permissions).toMatchObject({ missing: [] });
  });

  it("keeps working when the token file is replaced and the old token is revoked", async () => {
    const clientsBefore = kubeClients(inClusterRow()!);
    const second = await issueToken();
    writeToken(second.token);
    await adminCore.deleteNamespacedSecret({ namespace: "berth", name: first.secret });
    await waitUntil("the API server to refuse the revoked token", async () => (await whoIs(first.token)) === 401);

    // The same cached client, not one rebuilt: the token is read per request.
    expect(kubeClients(inClusterRow()!)).toBe(clientsBefore);
    expect(await berthIdentity()).toBe("system:serviceaccount:berth:berth");
    const namespaces = await clientsBefore.core.listNamespace();
    expect(namespaces.items.map((namespace) => namespace.metadata!.name)).toContain("berth");
  });

  it("registers once: a second start leaves the row as it is", async () => {
    const before = inClusterRow()!;
    expect(registerInClusterCluster()).toBe(true);
    expect(inClusterRow()!.version).toBe(before.version);
    expect(getDb().select().from(clusters).all()).toHaveLength(1);
  });

  it("refuses a pasted kubeconfig over it, as a field error: its connection is the pod's account", async () => {
    getDb().insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    const row = inClusterRow()!;
    const refused = await executeMutation(
      updateCluster,
      { cluster: "in-cluster", version: row.version, kubeconfig: adminKubeconfig },
      { id: 1, username: "admin", role: "admin", groups: [] },
      "api",
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { kubeconfig: [expect.stringContaining("cluster Berth runs in")] },
    });
    expect(inClusterRow()!.version).toBe(row.version);
  });
});
