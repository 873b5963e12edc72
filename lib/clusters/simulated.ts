/**
 * Whether a cluster's containers are simulated: pods there go through the Kubernetes motions but
 * no image is pulled and no user code runs. Pure, so pages and tests share the one rule.
 */

/** What the embedded simulator appends to the gitVersion it answers on `/version` (sim/server/index.ts). */
export const SIMULATOR_VERSION_SUFFIX = "-berth-sim";

/**
 * The simulator by the version it reports (however the cluster was registered), or the cluster
 * `npm start` registered: its real-control-plane mode runs pods on kwok's fake nodes, which run
 * no containers either.
 */
export function isSimulatedCluster(cluster: { embedded: boolean; kubernetesVersion: string | null }): boolean {
  return cluster.embedded || Boolean(cluster.kubernetesVersion?.endsWith(SIMULATOR_VERSION_SUFFIX));
}
