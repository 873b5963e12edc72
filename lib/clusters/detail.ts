import "server-only";
import { clusterGrantsOf, findCluster, toClusterView } from "./queries";
import type { ClusterDetail } from "./schema";
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
    grants: clusterGrantsOf(cluster.id),
  };
}
