import "server-only";

import type { NodeSummary } from "@/lib/kube/nodes";
import type { Actor } from "@/lib/permissions";

import { mayReadCluster } from "./access";
import { clusterGrantsOf, findCluster, listClusters, toClusterView } from "./queries";
import type { ClusterDetail, ClusterView } from "./schema";
import { clusterStatus } from "./status";

/** A cluster with its live status (nodes, namespaces) and grants; undefined when there is no such cluster. */
export async function getClusterDetail(ref: string | number): Promise<ClusterDetail | undefined> {
  const cluster = findCluster(ref);
  if (!cluster) return undefined;
  const status = await clusterStatus(cluster);
  // The probe recorded reachability on the row: show what it recorded.
  const view = toClusterView(findCluster(cluster.id) ?? cluster);
  return {
    ...view,
    nodes: status.reachable ? status.nodes : [],
    namespaces: status.reachable ? status.namespaces : [],
    permissions: status.reachable ? status.permissions : null,
    grants: clusterGrantsOf(cluster.id),
  };
}

/** Every cluster the actor may read with its nodes (null when unreachable), probed in parallel: a dead one only costs its short timeout. */
export async function listClustersWithNodes(
  actor: Actor,
): Promise<{ cluster: ClusterView; nodes: NodeSummary[] | null }[]> {
  return Promise.all(
    listClusters()
      .filter((view) => mayReadCluster(actor, view.id))
      .map(async (view) => {
        const row = findCluster(view.id);
        if (!row) return { cluster: view, nodes: null };
        const status = await clusterStatus(row);
        return { cluster: toClusterView(findCluster(view.id) ?? row), nodes: status.reachable ? status.nodes : null };
      }),
  );
}
