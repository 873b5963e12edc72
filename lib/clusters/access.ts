import { can, type Actor } from "@/lib/permissions";

/**
 * Who may read a cluster's data (status, nodes, pods, jobs, events, its dashboard figures):
 * admins, and members of a group granted any level on it (use, operate or manage).
 */
export function mayReadCluster(actor: Actor, clusterId: number): boolean {
  return can(actor, "clusters.use", { cluster: clusterId });
}
