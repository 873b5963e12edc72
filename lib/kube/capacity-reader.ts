import "server-only";

import type { V1Node, V1PodSpec, V1ResourceQuota } from "@kubernetes/client-node";

import { computeFits, type FitResult } from "./capacity";
import { kubeClients, type ClusterConnection } from "./client";
import { describeKubeError } from "./errors";
import { nodeAllocations, type NodeAllocation } from "./nodes";
import { callCluster, withTimeout } from "./timeout";

/** A dead cluster costs at most this long: the detail page and the API answer anyway. */
const READ_TIMEOUT_MS = 8_000;

/** How many copies of a pod spec fit on one cluster now, read live; an unreachable cluster is a plain reason. */
export async function fitsOnCluster(
  cluster: ClusterConnection,
  namespace: string,
  spec: V1PodSpec,
): Promise<FitResult | { fits: 0; reason: string; error: true }> {
  const { core } = kubeClients(cluster);
  try {
    const [nodes, pods, quotas] = await withTimeout(
      Promise.all([
        core.listNode(),
        core.listPodForAllNamespaces(),
        core.listNamespacedResourceQuota({ namespace }).catch((error: unknown) => {
          // A missing namespace has no quota yet.
          if ((error as { code?: unknown }).code === 404) return { items: [] };
          throw error;
        }),
      ]),
      READ_TIMEOUT_MS,
    );
    return computeFits(spec, nodes.items, pods.items, quotas.items);
  } catch (error) {
    return { fits: 0, reason: describeKubeError(error).message, error: true };
  }
}

/** What a never-fits judgement needs, each part read on its own: a part the cluster would not give is null. */
export interface PlacementFacts {
  nodes: V1Node[] | null;
  /** The namespace's quotas; null when unreadable; `namespaceMissing` when it does not exist yet. */
  quotas: V1ResourceQuota[] | null;
  namespaceMissing: boolean;
}

/**
 * Nodes and the namespace's quotas, read live. A service account may be allowed one and not the
 * other (nodes are cluster-scoped): each failure leaves only its part unknown. Never throws.
 */
export async function readPlacementFacts(cluster: ClusterConnection, namespace: string): Promise<PlacementFacts> {
  const { core } = kubeClients(cluster);
  const [nodes, quotas, object] = await Promise.allSettled([
    withTimeout(core.listNode(), READ_TIMEOUT_MS),
    withTimeout(core.listNamespacedResourceQuota({ namespace }), READ_TIMEOUT_MS),
    // Listing in a missing namespace answers an empty list on a real API server: ask for the namespace itself.
    withTimeout(core.readNamespace({ name: namespace }), READ_TIMEOUT_MS),
  ]);
  const notFound = (result: PromiseSettledResult<unknown>) =>
    result.status === "rejected" && (result.reason as { code?: unknown }).code === 404;
  const namespaceMissing = notFound(object) || notFound(quotas);
  return {
    nodes: nodes.status === "fulfilled" ? nodes.value.items : null,
    quotas: quotas.status === "fulfilled" ? quotas.value.items : namespaceMissing ? [] : null,
    namespaceMissing,
  };
}

/** Allocated vs allocatable CPU, memory and GPUs of every node, read live; throws a KubeCallError in plain words. */
export async function readNodeAllocations(cluster: ClusterConnection): Promise<Record<string, NodeAllocation>> {
  const { core } = kubeClients(cluster);
  const [nodes, pods] = await callCluster(
    Promise.all([core.listNode(), core.listPodForAllNamespaces()]),
    READ_TIMEOUT_MS,
  );
  return nodeAllocations(nodes.items, pods.items);
}
