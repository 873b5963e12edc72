import "server-only";

import type { ClusterConnection } from "@/lib/kube/client";
import { describeKubeError, KubeCallError } from "@/lib/kube/errors";
import {
  applyPolicyObjects,
  createNamespace,
  DEFAULT_POD_SECURITY,
  listNamespaceNames,
  namespaceExists,
  readPolicyState,
  type PolicyTemplates,
} from "@/lib/kube/namespaces";

import { diffPolicy, matchesNamespace, matchingPolicy, podSecurityDrift } from "./drift";
import { listPolicies } from "./queries";
import type { DriftItem, NamespaceDrift, NamespaceResult } from "./schema";

const plainWords = (error: unknown) => describeKubeError(error).message;

/** The cluster's namespaces whose whole name the pattern matches. */
export async function matchingNamespaces(cluster: ClusterConnection, pattern: string): Promise<string[]> {
  return (await listNamespaceNames(cluster)).filter((name) => matchesNamespace(pattern, name));
}

/** Drift between a policy's templates and one namespace's objects. */
export async function policyDrift(
  cluster: ClusterConnection,
  policy: PolicyTemplates,
  namespace: string,
): Promise<NamespaceDrift> {
  try {
    const { observed, labels } = await readPolicyState(cluster, namespace);
    const drift = [
      ...podSecurityDrift(policy.podSecurity ?? DEFAULT_POD_SECURITY, labels),
      ...diffPolicy(policy.spec, observed),
    ];
    return { namespace, inSync: drift.length === 0, drift };
  } catch (error) {
    return { namespace, inSync: false, drift: [], error: plainWords(error) };
  }
}

/**
 * Brings one namespace in step with a policy (see applyPolicyObjects) and says what changed.
 * With dryRun the result lists what would change. Never throws: a refusal is a "failed" result
 * with the cluster's words.
 */
export async function applyPolicy(
  cluster: ClusterConnection,
  policy: PolicyTemplates,
  namespace: string,
  options: { dryRun: boolean },
): Promise<NamespaceResult> {
  let changes: DriftItem[] = [];
  try {
    const state = await readPolicyState(cluster, namespace);
    changes = [
      ...podSecurityDrift(policy.podSecurity ?? DEFAULT_POD_SECURITY, state.labels),
      ...diffPolicy(policy.spec, state.observed),
    ];
    await applyPolicyObjects(cluster, policy, namespace, state, options);
    const status = changes.length === 0 ? "unchanged" : options.dryRun ? "would-change" : "applied";
    return { namespace, status, changes };
  } catch (error) {
    return { namespace, status: "failed", changes, error: plainWords(error) };
  }
}

export interface EnsuredNamespace {
  namespace: string;
  created: boolean;
  /** The policy applied because the namespace was created (null: none matched or it existed). */
  policy: string | null;
}

/**
 * Makes sure a namespace exists before work runs in it: creates it when missing and allowed, and
 * then applies the namespace policy that matches it (lowest priority wins). Throws a
 * KubeCallError of kind "namespace" in plain words when it is missing and may not be created, or the cluster refuses.
 */
export async function ensureNamespace(
  cluster: ClusterConnection,
  namespace: string,
  options: { create: boolean },
): Promise<EnsuredNamespace> {
  if (await namespaceExists(cluster, namespace)) return { namespace, created: false, policy: null };
  if (!options.create) {
    throw new KubeCallError(
      {
        status: 404,
        reason: "NotFound",
        message: `Namespace "${namespace}" does not exist on the cluster, and this config does not create it`,
      },
      { kind: "namespace" },
    );
  }
  const policy = matchingPolicy(listPolicies(), namespace);
  const created = await createNamespace(cluster, namespace, policy?.podSecurity);
  if (!policy || !created) return { namespace, created, policy: null };
  const templates = {
    name: policy.name,
    spec: { resourceQuota: policy.resourceQuota, limitRange: policy.limitRange },
    podSecurity: policy.podSecurity,
  };
  const result = await applyPolicy(cluster, templates, namespace, { dryRun: false });
  if (result.status === "failed") {
    throw new KubeCallError(
      {
        status: 502,
        reason: "Error",
        message: `Namespace "${namespace}" was created, but policy "${policy.name}" could not be applied: ${result.error}`,
      },
      { kind: "namespace" },
    );
  }
  return { namespace, created, policy: policy.name };
}
