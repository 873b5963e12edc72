import "server-only";

import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";

import { getDb } from "@/db";
import { clusters } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { decryptSecret, encryptSecret, UnreadableSecretError } from "@/lib/crypto/secret-box";
import { env } from "@/lib/env";
import { loadKubeconfig } from "@/lib/kube/client";

import { clusterAuditBody, replaceConnectionAsSystem } from "./mutations";

export const EMBEDDED_CLUSTER_NAME = "embedded";

/**
 * Registers the embedded simulator as the cluster "embedded" when `npm start` wrote its
 * kubeconfig into the data dir. Its port, CA and token change at every start, so an existing
 * registration gets the new kubeconfig (and a new version) when it differs. Audited as system.
 */
export function registerEmbeddedCluster(): void {
  const file = path.join(env().dataDir, "embedded-kubeconfig.yaml");
  if (!fs.existsSync(file)) return;
  const kubeconfig = fs.readFileSync(file, "utf8");
  let connection: { context: string; server: string };
  try {
    const config = loadKubeconfig(kubeconfig);
    connection = { context: config.getCurrentContext(), server: config.getCurrentCluster()!.server };
  } catch (error) {
    console.error(
      `The embedded cluster's kubeconfig (${file}) cannot be used: ${error instanceof Error ? error.message : error}`,
    );
    return;
  }
  const db = getDb();
  db.transaction((tx) => {
    const existing = tx.select().from(clusters).where(eq(clusters.embedded, true)).get();
    if (!existing) {
      if (tx.select().from(clusters).where(eq(clusters.name, EMBEDDED_CLUSTER_NAME)).get()) {
        console.error(
          `A cluster named "${EMBEDDED_CLUSTER_NAME}" that is not the embedded one exists: the embedded cluster is not registered.`,
        );
        return;
      }
      const created = tx
        .insert(clusters)
        .values({
          name: EMBEDDED_CLUSTER_NAME,
          description: "The simulated cluster started with Berth",
          kubeconfigEncrypted: encryptSecret(kubeconfig),
          ...connection,
          embedded: true,
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
    let stored: string;
    try {
      stored = decryptSecret(existing.kubeconfigEncrypted);
    } catch (error) {
      if (!(error instanceof UnreadableSecretError)) throw error;
      // Replacing it would hide that the secret key changed, and every other stored secret with it.
      console.error(
        `The embedded cluster's stored kubeconfig cannot be decrypted (${error.message}): it was left as it is. ` +
          `Restart Berth with the key it was saved with, or delete the cluster "${existing.name}" to register it anew.`,
      );
      return;
    }
    if (stored === kubeconfig && existing.context === connection.context) return;
    replaceConnectionAsSystem(tx, existing, { kubeconfig, ...connection });
  });
}
