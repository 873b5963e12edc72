import "server-only";
import { PatchStrategy, type KubernetesObject, type V1LimitRange, type V1LimitRangeItem, type V1ResourceQuota } from "@kubernetes/client-node";
import { diffPolicy, matchesNamespace, matchingPolicy, podSecurityDrift, podSecurityLabels, type ObservedPolicyObjects } from "@/lib/namespace-policies/drift";
import { listPolicies } from "@/lib/namespace-policies/queries";
import type { DriftItem, LimitRangeItem, NamespaceDrift, NamespaceResult, PodSecurityLevel, PolicySpec } from "@/lib/namespace-policies/schema";
import { kubeClients, type ClusterConnection } from "./client";
import { describeKubeError, type KubeFailure } from "./errors";

/** The field manager of everything Berth applies, visible in the objects' managedFields. */
export const FIELD_MANAGER = "berth";
export const QUOTA_NAME = "berth-quota";
export const LIMIT_RANGE_NAME = "berth-limits";
export const POLICY_LABEL = "berth.dev/policy";
const MANAGED_BY = { "app.kubernetes.io/managed-by": "berth" };

/** The Pod Security Admission level of namespaces Berth creates when no policy says otherwise. */
export const DEFAULT_POD_SECURITY: PodSecurityLevel = "baseline";

/** A policy as lib/kube needs it: its name (for the label), its templates and its Pod Security level (default baseline). */
export interface PolicyTemplates {
  name: string;
  spec: PolicySpec;
  podSecurity?: PodSecurityLevel;
}

/** A Kubernetes call that failed, in plain words (see describeKubeError). */
export class NamespaceError extends Error {
  constructor(readonly failure: KubeFailure) {
    super(failure.message);
    this.name = "NamespaceError";
  }
}

const isNotFound = (error: unknown) => (error as { code?: unknown })?.code === 404;

/** Runs a call; a 404 becomes null, any other failure a NamespaceError. */
async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw new NamespaceError(describeKubeError(error));
  }
}

async function kubeCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw new NamespaceError(describeKubeError(error));
  }
}

// client-node's typed models call a limit's `default` `_default` (a reserved word in its generator)
// and drop an untyped `default` when serializing.
function toTypedLimitItem(item: LimitRangeItem): V1LimitRangeItem {
  const { default: defaults, ...rest } = item;
  return { ...rest, ...(defaults ? { _default: defaults } : {}) };
}

function fromTypedLimitItem(item: V1LimitRangeItem): LimitRangeItem {
  const { _default: defaults, ...rest } = item;
  return { ...rest, type: item.type as LimitRangeItem["type"], ...(defaults ? { default: defaults } : {}) };
}

/** The ResourceQuota and LimitRange objects a policy's templates become in one namespace. */
export function policyObjects(policy: PolicyTemplates, namespace: string): { resourceQuota: V1ResourceQuota | null; limitRange: V1LimitRange | null } {
  const metadata = (name: string) => ({ name, namespace, labels: { ...MANAGED_BY, [POLICY_LABEL]: policy.name } });
  return {
    resourceQuota: policy.spec.resourceQuota
      ? { apiVersion: "v1", kind: "ResourceQuota", metadata: metadata(QUOTA_NAME), spec: { hard: { ...policy.spec.resourceQuota.hard } } }
      : null,
    limitRange: policy.spec.limitRange
      ? { apiVersion: "v1", kind: "LimitRange", metadata: metadata(LIMIT_RANGE_NAME), spec: { limits: policy.spec.limitRange.limits.map(toTypedLimitItem) } }
      : null,
  };
}

async function observe(cluster: ClusterConnection, namespace: string): Promise<{ observed: ObservedPolicyObjects; quota: V1ResourceQuota | null; limits: V1LimitRange | null; labels: Record<string, string> }> {
  const { core } = kubeClients(cluster);
  const [quota, limits, object] = await Promise.all([
    orNull(core.readNamespacedResourceQuota({ name: QUOTA_NAME, namespace })),
    orNull(core.readNamespacedLimitRange({ name: LIMIT_RANGE_NAME, namespace })),
    kubeCall(core.readNamespace({ name: namespace })),
  ]);
  return {
    quota,
    limits,
    labels: object.metadata?.labels ?? {},
    observed: {
      resourceQuota: quota ? { hard: quota.spec?.hard ?? {} } : null,
      limitRange: limits ? { limits: (limits.spec?.limits ?? []).map(fromTypedLimitItem) } : null,
    },
  };
}

/** Namespace names of a cluster, sorted. */
export async function listNamespaceNames(cluster: ClusterConnection): Promise<string[]> {
  const list = await kubeCall(kubeClients(cluster).core.listNamespace());
  return list.items.map((item) => item.metadata?.name ?? "").filter(Boolean).sort();
}

/** The cluster's namespaces whose whole name the pattern matches. */
export async function matchingNamespaces(cluster: ClusterConnection, pattern: string): Promise<string[]> {
  return (await listNamespaceNames(cluster)).filter((name) => matchesNamespace(pattern, name));
}

/** Whether the namespace exists. */
export async function namespaceExists(cluster: ClusterConnection, namespace: string): Promise<boolean> {
  return (await orNull(kubeClients(cluster).core.readNamespace({ name: namespace }))) !== null;
}

/**
 * Creates a namespace labelled as made by Berth, with Pod Security Admission enforcing `podSecurity`
 * (baseline unless a policy says otherwise), so pods that Berth's users or their Spark drivers
 * create there cannot be privileged or mount the node; one that already exists is fine. Returns
 * whether it was created.
 */
export async function createNamespace(cluster: ClusterConnection, namespace: string, podSecurity: PodSecurityLevel = DEFAULT_POD_SECURITY): Promise<boolean> {
  try {
    const labels = { ...MANAGED_BY, ...podSecurityLabels(podSecurity) };
    await kubeClients(cluster).core.createNamespace({ body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } } });
    return true;
  } catch (error) {
    const failure = describeKubeError(error);
    if (failure.reason === "AlreadyExists") return false;
    throw new NamespaceError(failure);
  }
}

/** Drift between a policy's templates and one namespace's objects. */
export async function policyDrift(cluster: ClusterConnection, policy: PolicyTemplates, namespace: string): Promise<NamespaceDrift> {
  try {
    const { observed, labels } = await observe(cluster, namespace);
    const drift = [...podSecurityDrift(policy.podSecurity ?? DEFAULT_POD_SECURITY, labels), ...diffPolicy(policy.spec, observed)];
    return { namespace, inSync: drift.length === 0, drift };
  } catch (error) {
    const message = error instanceof NamespaceError ? error.message : describeKubeError(error).message;
    return { namespace, inSync: false, drift: [], error: message };
  }
}

async function serverSideApply(cluster: ClusterConnection, object: KubernetesObject, dryRun: boolean): Promise<void> {
  await kubeCall(kubeClients(cluster).objects.patch(object, undefined, dryRun ? "All" : undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply));
}

/**
 * Brings one namespace in step with a policy by server-side apply (fieldManager `berth`): its
 * Pod Security Admission labels, `berth-quota` and `berth-limits`, and removes the latter two
 * when the policy no longer has that template.
 * With dryRun the cluster validates the objects (`dryRun=All`) and nothing is stored; the result
 * lists what would change. Never throws: a refusal is a "failed" result with the cluster's words.
 */
export async function applyPolicy(cluster: ClusterConnection, policy: PolicyTemplates, namespace: string, options: { dryRun: boolean }): Promise<NamespaceResult> {
  let changes: DriftItem[] = [];
  try {
    const { observed, quota, limits, labels } = await observe(cluster, namespace);
    const level = policy.podSecurity ?? DEFAULT_POD_SECURITY;
    changes = [...podSecurityDrift(level, labels), ...diffPolicy(policy.spec, observed)];
    const wanted = policyObjects(policy, namespace);
    // Only the Pod Security labels are applied to the Namespace: its other labels stay their owners'.
    const namespaceLabels = { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: podSecurityLabels(level) } };
    for (const object of [namespaceLabels, wanted.resourceQuota, wanted.limitRange]) {
      if (object) await serverSideApply(cluster, object as KubernetesObject, options.dryRun);
    }
    // Only objects Berth made (labelled with a policy) are removed; a hand-made one of that name stays.
    const { core } = kubeClients(cluster);
    const dryRun = options.dryRun ? "All" : undefined;
    if (!wanted.resourceQuota && quota?.metadata?.labels?.[POLICY_LABEL]) {
      await kubeCall(core.deleteNamespacedResourceQuota({ name: QUOTA_NAME, namespace, dryRun }));
    }
    if (!wanted.limitRange && limits?.metadata?.labels?.[POLICY_LABEL]) {
      await kubeCall(core.deleteNamespacedLimitRange({ name: LIMIT_RANGE_NAME, namespace, dryRun }));
    }
    const status = changes.length === 0 ? "unchanged" : options.dryRun ? "would-change" : "applied";
    return { namespace, status, changes };
  } catch (error) {
    const message = error instanceof NamespaceError ? error.message : describeKubeError(error).message;
    return { namespace, status: "failed", changes, error: message };
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
 * NamespaceError in plain words when it is missing and may not be created, or the cluster refuses.
 */
export async function ensureNamespace(cluster: ClusterConnection, namespace: string, options: { create: boolean }): Promise<EnsuredNamespace> {
  if (await namespaceExists(cluster, namespace)) return { namespace, created: false, policy: null };
  if (!options.create) {
    throw new NamespaceError({ status: 404, reason: "NotFound", message: `Namespace "${namespace}" does not exist on the cluster, and this config does not create it` });
  }
  const policy = matchingPolicy(listPolicies(), namespace);
  const created = await createNamespace(cluster, namespace, policy?.podSecurity);
  if (!policy || !created) return { namespace, created, policy: null };
  const templates = { name: policy.name, spec: { resourceQuota: policy.resourceQuota, limitRange: policy.limitRange }, podSecurity: policy.podSecurity };
  const result = await applyPolicy(cluster, templates, namespace, { dryRun: false });
  if (result.status === "failed") {
    throw new NamespaceError({ status: 502, reason: "Error", message: `Namespace "${namespace}" was created, but policy "${policy.name}" could not be applied: ${result.error}` });
  }
  return { namespace, created, policy: policy.name };
}
