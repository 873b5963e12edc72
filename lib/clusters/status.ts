import "server-only";

import { eq } from "drizzle-orm";

import { getDb } from "@/db";
import { clusters, type Cluster } from "@/db/schema";
import { checkPermissions, type PermissionCheck } from "@/lib/kube/access-review";
import { kubeClients, type KubeClients } from "@/lib/kube/client";
import { describeKubeError } from "@/lib/kube/errors";
import { nodeSummary, type NodeSummary } from "@/lib/kube/nodes";
import { withTimeout } from "@/lib/kube/timeout";

export type { NodeSummary, PermissionCheck };

/** How long one status probe may take, and how long its answer is reused. */
const PROBE_TIMEOUT_MS = 4_000;
const CACHE_MS = 5_000;

export type ClusterStatus =
  | {
      reachable: true;
      kubernetesVersion: string;
      nodes: NodeSummary[];
      namespaces: string[];
      permissions: PermissionCheck | null;
      checkedAt: Date;
    }
  | { reachable: false; unreachableSince: Date; lastError: string; checkedAt: Date };

// Probes in flight or recent, per cluster id and row version: pages and API calls share them.
const globalForStatus = globalThis as unknown as {
  berthClusterStatus?: Map<number, { version: number; at: number; status: Promise<ClusterStatus> }>;
};
const cache = (globalForStatus.berthClusterStatus ??= new Map());

// Berth's permissions change far less often than a cluster's nodes, and one check is an access
// review per rule: checked at most once a minute per cluster and row version (a new kubeconfig
// is checked at once), not at every status probe.
const PERMISSIONS_CACHE_MS = 60_000;
const globalForPermissions = globalThis as unknown as {
  berthClusterPermissions?: Map<number, { version: number; at: number; check: Promise<PermissionCheck | null> }>;
};
const permissionsCache = (globalForPermissions.berthClusterPermissions ??= new Map());

function cachedPermissions(cluster: Cluster, clients: KubeClients): Promise<PermissionCheck | null> {
  const cached = permissionsCache.get(cluster.id);
  if (cached && cached.version === cluster.version && Date.now() - cached.at < PERMISSIONS_CACHE_MS)
    return cached.check;
  const check = checkPermissions(clients).catch(unknownPermissions);
  permissionsCache.set(cluster.id, { version: cluster.version, at: Date.now(), check });
  // An unknown answer is asked again at the next probe rather than kept for a minute.
  void check.then((result) => {
    if (result === null && permissionsCache.get(cluster.id)?.check === check) permissionsCache.delete(cluster.id);
  });
  return check;
}

/** A cluster that answers but not its access reviews is still reachable; its permissions are unknown (null). */
function unknownPermissions(error: unknown): null {
  console.error(`berth: checking Berth's permissions on a cluster failed: ${describeKubeError(error).message}`);
  return null;
}

/** A list Berth's account may not read is shown as empty (the permissions say why), not as an outage. */
function emptyWhenForbidden(error: unknown): { items: never[] } {
  if (describeKubeError(error).permission) return { items: [] };
  throw error;
}

async function probe(cluster: Cluster): Promise<ClusterStatus> {
  const checkedAt = new Date();
  try {
    const clients = kubeClients(cluster);
    const { core, version } = clients;
    const [code, nodes, namespaces, permissions] = await withTimeout(
      Promise.all([
        version.getCode(),
        core.listNode().catch(emptyWhenForbidden),
        core.listNamespace().catch(emptyWhenForbidden),
        cachedPermissions(cluster, clients),
      ]),
      PROBE_TIMEOUT_MS,
    );
    getDb()
      .update(clusters)
      .set({
        reachable: true,
        kubernetesVersion: code.gitVersion,
        lastCheckedAt: checkedAt,
        unreachableSince: null,
        lastError: null,
      })
      .where(eq(clusters.id, cluster.id))
      .run();
    return {
      reachable: true,
      kubernetesVersion: code.gitVersion,
      nodes: nodes.items.map(nodeSummary).sort((a, b) => a.name.localeCompare(b.name)),
      namespaces: namespaces.items.map((namespace) => namespace.metadata?.name ?? "").sort(),
      permissions,
      checkedAt,
    };
  } catch (error) {
    const lastError = describeKubeError(error).message;
    // Re-read: another probe may have recorded the first failure meanwhile.
    const current = getDb()
      .select({ unreachableSince: clusters.unreachableSince })
      .from(clusters)
      .where(eq(clusters.id, cluster.id))
      .get();
    const unreachableSince = current?.unreachableSince ?? checkedAt;
    getDb()
      .update(clusters)
      .set({ reachable: false, lastCheckedAt: checkedAt, unreachableSince, lastError })
      .where(eq(clusters.id, cluster.id))
      .run();
    return { reachable: false, unreachableSince, lastError, checkedAt };
  }
}

/**
 * Whether the cluster answers, its version, nodes and namespaces, and which of the permissions
 * Berth needs its account lacks. Never throws: a failure is
 * recorded on the cluster row (reachable=false, unreachableSince kept from the first failure,
 * lastError in plain words) and returned. Answers are reused for a few seconds.
 */
export function clusterStatus(cluster: Cluster, options: { fresh?: boolean } = {}): Promise<ClusterStatus> {
  const cached = cache.get(cluster.id);
  if (!options.fresh && cached && cached.version === cluster.version && Date.now() - cached.at < CACHE_MS)
    return cached.status;
  const status = probe(cluster);
  cache.set(cluster.id, { version: cluster.version, at: Date.now(), status });
  return status;
}

/** Drops a cluster's cached status (after its connection changed or it was removed). */
export function forgetClusterStatus(clusterId: number): void {
  cache.delete(clusterId);
  permissionsCache.delete(clusterId);
}
