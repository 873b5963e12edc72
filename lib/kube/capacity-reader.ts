import "server-only";
import type { V1PodSpec } from "@kubernetes/client-node";
import { computeFits, type FitResult } from "./capacity";
import { kubeClients, type ClusterConnection } from "./client";
import { describeKubeError } from "./errors";
import { withTimeout } from "./timeout";

/** A dead cluster costs at most this long: the detail page and the API answer anyway. */
const READ_TIMEOUT_MS = 8_000;

/** How many copies of a pod spec fit on one cluster now, read live; an unreachable cluster is a plain reason. */
export async function fitsOnCluster(cluster: ClusterConnection, namespace: string, spec: V1PodSpec): Promise<FitResult | { fits: 0; reason: string; error: true }> {
  const { core } = kubeClients(cluster);
  try {
    const [nodes, pods, quotas] = await withTimeout(Promise.all([
      core.listNode(),
      core.listPodForAllNamespaces(),
      core.listNamespacedResourceQuota({ namespace }).catch((error: unknown) => {
        // A missing namespace has no quota yet.
        if ((error as { code?: unknown }).code === 404) return { items: [] };
        throw error;
      }),
    ]), READ_TIMEOUT_MS);
    return computeFits(spec, nodes.items, pods.items, quotas.items);
  } catch (error) {
    return { fits: 0, reason: describeKubeError(error).message, error: true };
  }
}
