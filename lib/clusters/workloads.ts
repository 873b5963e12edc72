import "server-only";

import type { Cluster } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { readNodeAllocations } from "@/lib/kube/capacity-reader";
import { kubeClients } from "@/lib/kube/client";
import { isKubeCallError } from "@/lib/kube/errors";
import { jobSummary, type JobSummary } from "@/lib/kube/jobs";
import { BERTH_LABELS } from "@/lib/kube/labels";
import { formatAllocation, type NodeAllocation } from "@/lib/kube/nodes";
import {
  byLastSeenDescending,
  describePod,
  eventSummary,
  podSummary,
  type EventSummary,
  type PodDescription,
  type PodSummary,
} from "@/lib/kube/pods";
import { withTimeout } from "@/lib/kube/timeout";

import { kubeRefusal } from "./kube-refusal";

export type { EventSummary, PodDescription };

const READ_TIMEOUT_MS = 8_000;
const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const byNamespaceAndName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

export interface ClusterPod extends PodSummary {
  /** The Berth run the pod belongs to (its berth.dev/run label), or null. */
  run: string | null;
}

/** Pods of one namespace, or of all namespaces; a DomainError in plain words when the cluster fails. */
export async function listClusterPods(cluster: Cluster, namespace?: string): Promise<ClusterPod[]> {
  try {
    const { core } = kubeClients(cluster);
    const list = await withTimeout(
      namespace ? core.listNamespacedPod({ namespace }) : core.listPodForAllNamespaces(),
      READ_TIMEOUT_MS,
    );
    return list.items
      .map((pod) => ({ ...podSummary(pod), run: pod.metadata?.labels?.[BERTH_LABELS.run] ?? null }))
      .sort(byNamespaceAndName);
  } catch (error) {
    throw kubeRefusal(error, "list the pods");
  }
}

/** Jobs of one namespace, or of all namespaces. */
export async function listClusterJobs(cluster: Cluster, namespace?: string): Promise<JobSummary[]> {
  try {
    const { batch } = kubeClients(cluster);
    const list = await withTimeout(
      namespace ? batch.listNamespacedJob({ namespace }) : batch.listJobForAllNamespaces(),
      READ_TIMEOUT_MS,
    );
    return list.items.map(jobSummary).sort(byNamespaceAndName);
  } catch (error) {
    throw kubeRefusal(error, "list the jobs");
  }
}

/** Recent events, newest first (at most `limit`). */
export async function listClusterEvents(
  cluster: Cluster,
  namespace?: string,
  limit = 200,
): Promise<(EventSummary & { namespace: string })[]> {
  try {
    const { core } = kubeClients(cluster);
    const list = await withTimeout(
      namespace ? core.listNamespacedEvent({ namespace }) : core.listEventForAllNamespaces(),
      READ_TIMEOUT_MS,
    );
    return list.items
      .map((event) => ({ ...eventSummary(event), namespace: event.metadata?.namespace ?? "" }))
      .sort(byLastSeenDescending)
      .slice(0, limit);
  } catch (error) {
    throw kubeRefusal(error, "list the events");
  }
}

/** The describe-like detail of one pod, with the events about it. */
export async function describeClusterPod(cluster: Cluster, namespace: string, name: string): Promise<PodDescription> {
  // Names go into a field selector: anything but a Kubernetes name cannot be a pod.
  if (!KUBERNETES_NAME.test(namespace) || !KUBERNETES_NAME.test(name))
    throw new DomainError(404, `Pod ${namespace}/${name} not found`);
  try {
    const { core } = kubeClients(cluster);
    const [pod, events] = await withTimeout(
      Promise.all([
        core.readNamespacedPod({ namespace, name }),
        core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${name}` }),
      ]),
      READ_TIMEOUT_MS,
    );
    return describePod(pod, events.items);
  } catch (error) {
    throw kubeRefusal(error, `read pod ${namespace}/${name}`);
  }
}

export { formatAllocation, type NodeAllocation };

/**
 * Per node, what its unfinished pods request against what it offers; when the cluster cannot be
 * read (unreachable, or Berth's account may not list pods everywhere), why not, in words.
 */
export async function clusterNodeAllocations(
  cluster: Cluster,
): Promise<{ allocations: Record<string, NodeAllocation> | null; problem: string | null }> {
  try {
    return { allocations: await readNodeAllocations(cluster), problem: null };
  } catch (error) {
    if (!isKubeCallError(error, "call")) throw error;
    return { allocations: null, problem: `Allocated amounts are not shown: ${error.message}` };
  }
}
