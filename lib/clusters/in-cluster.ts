import "server-only";

import { eq } from "drizzle-orm";

import { getDb } from "@/db";
import { clusters } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { decryptSecret, encryptSecret, UnreadableSecretError } from "@/lib/crypto/secret-box";
import { env } from "@/lib/env";
import { loadKubeconfig, setServiceAccountTokenFile } from "@/lib/kube/client";
import { inClusterConnection, type InClusterConnection } from "@/lib/kube/in-cluster";

import { clusterAuditBody, replaceConnectionAsSystem } from "./mutations";

export const IN_CLUSTER_NAME = "in-cluster";

/** The connection of the pod Berth runs in, or null (not in a pod, no token mounted, or BERTH_IN_CLUSTER=off). */
function detectInCluster(): InClusterConnection | null {
  const { KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT, BERTH_SERVICE_ACCOUNT_DIR, BERTH_IN_CLUSTER } = env();
  if (BERTH_IN_CLUSTER === "off") return null;
  try {
    const connection = inClusterConnection({
      host: KUBERNETES_SERVICE_HOST,
      port: KUBERNETES_SERVICE_PORT,
      serviceAccountDir: BERTH_SERVICE_ACCOUNT_DIR,
    });
    if (!connection && KUBERNETES_SERVICE_HOST) {
      console.log(
        `Berth runs in a pod without a ServiceAccount token (${BERTH_SERVICE_ACCOUNT_DIR}): the cluster "${IN_CLUSTER_NAME}" is not registered.`,
      );
    }
    return connection;
  } catch (error) {
    console.error(
      `Berth runs in a pod but cannot read its ServiceAccount (${BERTH_SERVICE_ACCOUNT_DIR}): ${error instanceof Error ? error.message : error}`,
    );
    return null;
  }
}

/**
 * Registers the cluster Berth's pod runs in as "in-cluster", reached as the pod's ServiceAccount:
 * nothing to paste. The row keeps a kubeconfig with the API server and CA only; the token stays in
 * the pod's file, read for every request, because the kubelet rotates it. A changed server or CA
 * (another cluster, a rotated CA) updates the row as a new version. Audited as system. Returns
 * whether Berth runs in a pod with a ServiceAccount.
 */
export function registerInClusterCluster(): boolean {
  const connection = detectInCluster();
  setServiceAccountTokenFile(connection?.tokenFile ?? null);
  if (!connection) return false;
  try {
    // Vetted like any kubeconfig: the row must be usable by the same path as every other cluster.
    loadKubeconfig(connection.kubeconfig);
  } catch (error) {
    console.error(
      `The pod's ServiceAccount cannot be used to reach its cluster: ${error instanceof Error ? error.message : error}`,
    );
    return false;
  }
  const { kubeconfig, server, context } = connection;
  const db = getDb();
  db.transaction((tx) => {
    const existing = tx.select().from(clusters).where(eq(clusters.inCluster, true)).get();
    if (!existing) {
      if (tx.select().from(clusters).where(eq(clusters.name, IN_CLUSTER_NAME)).get()) {
        console.error(
          `A cluster named "${IN_CLUSTER_NAME}" that is not the one Berth runs in exists: the in-cluster connection is not registered.`,
        );
        return;
      }
      const created = tx
        .insert(clusters)
        .values({
          name: IN_CLUSTER_NAME,
          description: "The cluster Berth runs in, reached as its own ServiceAccount",
          kubeconfigEncrypted: encryptSecret(kubeconfig),
          context,
          server,
          inCluster: true,
        })
        .returning()
        .get();
      recordAudit(tx, null, "system", {
        action: "cluster.create",
        objectType: "cluster",
        objectId: created.id,
        objectName: created.name,
        after: clusterAuditBody(created),
      });
      return;
    }
    let stored: string | null;
    try {
      stored = decryptSecret(existing.kubeconfigEncrypted);
    } catch (error) {
      if (!(error instanceof UnreadableSecretError)) throw error;
      // It holds no credential: sealed again under the current key, it tells nothing new.
      stored = null;
    }
    if (stored === kubeconfig && existing.context === context && existing.server === server) return;
    replaceConnectionAsSystem(tx, existing, { kubeconfig, context, server });
  });
  return true;
}
