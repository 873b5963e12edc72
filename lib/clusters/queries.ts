import "server-only";

import { asc, eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { clusterGrants, clusters, groups, type Cluster } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/secret-box";
import { isIdRef } from "@/lib/objects/versioned";
import type { ClusterLevel } from "@/lib/permissions";

import { summarizeKubeconfig, type KubeconfigContext } from "./kubeconfig";
import type { ClusterView } from "./schema";

export type { Cluster } from "@/db/schema";

type Reader = ReturnType<typeof getDb> | Tx;

/**
 * Finds a cluster row by numeric id or by name. The row holds the encrypted kubeconfig: pass it
 * to `kubeClients`, never to a page or a response (use `toClusterView`).
 */
export function findCluster(ref: string | number, db: Reader = getDb()): Cluster | undefined {
  return db
    .select()
    .from(clusters)
    .where(isIdRef(ref) ? eq(clusters.id, Number(ref)) : eq(clusters.name, String(ref)))
    .get();
}

/** What pages and the API may show of a cluster: everything but the kubeconfig. */
export function toClusterView(cluster: Cluster): ClusterView {
  return {
    id: cluster.id,
    name: cluster.name,
    description: cluster.description,
    context: cluster.context,
    server: cluster.server,
    embedded: cluster.embedded,
    inCluster: cluster.inCluster,
    usableByAll: cluster.usableByAll,
    prometheusUrl: cluster.prometheusUrl,
    gpuMetricLabels: cluster.gpuMetricLabels ?? "auto",
    sparkJobNamespaces: cluster.sparkJobNamespaces ?? null,
    revision: cluster.version,
    reachable: cluster.reachable,
    version: cluster.kubernetesVersion,
    kubernetesVersion: cluster.kubernetesVersion,
    lastCheckedAt: cluster.lastCheckedAt?.toISOString() ?? null,
    unreachableSince: cluster.unreachableSince?.toISOString() ?? null,
    lastError: cluster.lastError,
    createdAt: cluster.createdAt.toISOString(),
    updatedAt: cluster.updatedAt.toISOString(),
  };
}

/** Every cluster, by name, as safe views (no kubeconfig, no token). */
export function listClusters(): ClusterView[] {
  return getDb().select().from(clusters).orderBy(asc(clusters.name)).all().map(toClusterView);
}

/** The groups granted a level on a cluster, by group name. */
export function clusterGrantsOf(clusterId: number, db: Reader = getDb()): { group: string; level: ClusterLevel }[] {
  return db
    .select({ group: groups.name, level: clusterGrants.level })
    .from(clusterGrants)
    .innerJoin(groups, eq(groups.id, clusterGrants.groupId))
    .where(eq(clusterGrants.clusterId, clusterId))
    .orderBy(asc(groups.name))
    .all();
}

/** The contexts of a cluster's stored kubeconfig (names and servers, no credentials), for choosing another. */
export function clusterContexts(cluster: Cluster): KubeconfigContext[] {
  try {
    const summary = summarizeKubeconfig(decryptSecret(cluster.kubeconfigEncrypted));
    return summary.ok ? summary.contexts : [];
  } catch {
    return [];
  }
}
