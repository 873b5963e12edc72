import "server-only";

import type { Cluster } from "@/db/schema";
import { notFound } from "@/lib/actions/result";
import type { PodDescription, PodSummary } from "@/lib/kube/pods";
import type { Actor } from "@/lib/permissions";

import { mayReadCluster } from "./access";
import { getClusterDetail } from "./detail";
import { clusterGrantsOf, findCluster, listClusters } from "./queries";
import type { ClusterDetail, ClusterView } from "./schema";
import { describeClusterPod, listClusterPods } from "./workloads";

/**
 * The cluster a path names, if the actor may read it. A cluster they may not read answers 404,
 * as a run they may not see does: its name and existence are not told either.
 */
export function requireReadableCluster(actor: Actor, ref: string | number): Cluster {
  const cluster = findCluster(ref);
  if (!cluster || !mayReadCluster(actor, cluster.id)) throw notFound(`Cluster "${ref}"`);
  return cluster;
}

/** The clusters the actor may read, by name, as safe views. */
export function listReadableClusters(actor: Actor): ClusterView[] {
  return listClusters().filter((cluster) => mayReadCluster(actor, cluster.id));
}

/** A readable cluster with its live status and grants; undefined when there is none the actor may read. */
export async function readableClusterDetail(actor: Actor, ref: string | number): Promise<ClusterDetail | undefined> {
  const cluster = findCluster(ref);
  return cluster && mayReadCluster(actor, cluster.id) ? getClusterDetail(cluster.id) : undefined;
}

/** The pods of a readable cluster (one namespace, or all). */
export async function clusterPods(actor: Actor, ref: string | number, namespace?: string): Promise<PodSummary[]> {
  return listClusterPods(requireReadableCluster(actor, ref), namespace);
}

/** The describe-like view of a pod on a readable cluster. */
export async function clusterPod(
  actor: Actor,
  ref: string | number,
  namespace: string,
  name: string,
): Promise<PodDescription> {
  return describeClusterPod(requireReadableCluster(actor, ref), namespace, name);
}

/** The groups' levels on a readable cluster. */
export function readableClusterGrants(actor: Actor, ref: string | number) {
  return clusterGrantsOf(requireReadableCluster(actor, ref).id);
}
