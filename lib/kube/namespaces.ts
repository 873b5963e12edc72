import "server-only";

import {
  PatchStrategy,
  type KubernetesObject,
  type V1LimitRange,
  type V1LimitRangeItem,
  type V1ResourceQuota,
} from "@kubernetes/client-node";

import { kubeClients, type ClusterConnection } from "./client";
import { describeKubeError, KubeCallError, type KubeFailure } from "./errors";
import { BERTH_LABELS, MANAGED_BY_BERTH, podSecurityLabels, type PodSecurityLevel } from "./labels";

/** The field manager of everything Berth applies, visible in the objects' managedFields. */
export const FIELD_MANAGER = "berth";
export const QUOTA_NAME = "berth-quota";
export const LIMIT_RANGE_NAME = "berth-limits";
export const POLICY_LABEL = BERTH_LABELS.policy;
const MANAGED_BY = MANAGED_BY_BERTH;

/** One entry of a LimitRange, with `default` spelled as in YAML (client-node's model says `_default`). */
export interface LimitRangeItem {
  type: "Container" | "Pod" | "PersistentVolumeClaim";
  default?: Record<string, string>;
  defaultRequest?: Record<string, string>;
  min?: Record<string, string>;
  max?: Record<string, string>;
}

/** The ResourceQuota and LimitRange templates of a policy (null: the policy has no such object). */
export interface PolicyObjectTemplates {
  resourceQuota: { hard: Record<string, string> } | null;
  limitRange: { limits: LimitRangeItem[] } | null;
}

/** The parts of the cluster's ResourceQuota and LimitRange a policy governs (null: absent). */
export interface ObservedPolicyObjects {
  resourceQuota: { hard?: Record<string, string> } | null;
  limitRange: { limits?: (Omit<LimitRangeItem, "type"> & { type: string })[] } | null;
}

/** The Pod Security Admission level of namespaces Berth creates when no policy says otherwise. */
export const DEFAULT_POD_SECURITY: PodSecurityLevel = "baseline";

/** A policy as lib/kube needs it: its name (for the label), its templates and its Pod Security level (default baseline). */
export interface PolicyTemplates {
  name: string;
  spec: PolicyObjectTemplates;
  podSecurity?: PodSecurityLevel;
}

/** A failed namespace step, in plain words (see describeKubeError). */
const namespaceError = (failure: KubeFailure) => new KubeCallError(failure, { kind: "namespace" });

const isNotFound = (error: unknown) => (error as { code?: unknown })?.code === 404;

/** Runs a call; a 404 becomes null, any other failure a KubeCallError of kind "namespace". */
async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw namespaceError(describeKubeError(error));
  }
}

async function kubeCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw namespaceError(describeKubeError(error));
  }
}

// client-node's typed models call a limit's `default` `_default` (a reserved word in its generator)
// and drop an untyped `default` when serializing.
function toTypedLimitItem(item: LimitRangeItem): V1LimitRangeItem {
  const { default: defaults, ...rest } = item;
  return { ...rest, ...(defaults ? { _default: defaults } : {}) };
}

function fromTypedLimitItem(item: V1LimitRangeItem): Omit<LimitRangeItem, "type"> & { type: string } {
  const { _default: defaults, ...rest } = item;
  return { ...rest, type: item.type, ...(defaults ? { default: defaults } : {}) };
}

/** The ResourceQuota and LimitRange objects a policy's templates become in one namespace. */
export function policyObjects(
  policy: PolicyTemplates,
  namespace: string,
): { resourceQuota: V1ResourceQuota | null; limitRange: V1LimitRange | null } {
  const metadata = (name: string) => ({ name, namespace, labels: { ...MANAGED_BY, [POLICY_LABEL]: policy.name } });
  return {
    resourceQuota: policy.spec.resourceQuota
      ? {
          apiVersion: "v1",
          kind: "ResourceQuota",
          metadata: metadata(QUOTA_NAME),
          spec: { hard: { ...policy.spec.resourceQuota.hard } },
        }
      : null,
    limitRange: policy.spec.limitRange
      ? {
          apiVersion: "v1",
          kind: "LimitRange",
          metadata: metadata(LIMIT_RANGE_NAME),
          spec: { limits: policy.spec.limitRange.limits.map(toTypedLimitItem) },
        }
      : null,
  };
}

/** What a namespace holds of a policy's objects: their governed parts, whether Berth made them, and the namespace's labels. */
export interface NamespacePolicyState {
  observed: ObservedPolicyObjects;
  /** Objects of Berth's names that carry a policy label: only those may be removed. */
  managed: { resourceQuota: boolean; limitRange: boolean };
  labels: Record<string, string>;
}

/** Reads a namespace's `berth-quota`, `berth-limits` and labels; a missing namespace is a KubeCallError of kind "namespace". */
export async function readPolicyState(cluster: ClusterConnection, namespace: string): Promise<NamespacePolicyState> {
  const { core } = kubeClients(cluster);
  const [quota, limits, object] = await Promise.all([
    orNull(core.readNamespacedResourceQuota({ name: QUOTA_NAME, namespace })),
    orNull(core.readNamespacedLimitRange({ name: LIMIT_RANGE_NAME, namespace })),
    kubeCall(core.readNamespace({ name: namespace })),
  ]);
  return {
    managed: {
      resourceQuota: Boolean(quota?.metadata?.labels?.[POLICY_LABEL]),
      limitRange: Boolean(limits?.metadata?.labels?.[POLICY_LABEL]),
    },
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
  return list.items
    .map((item) => item.metadata?.name ?? "")
    .filter(Boolean)
    .sort();
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
export async function createNamespace(
  cluster: ClusterConnection,
  namespace: string,
  podSecurity: PodSecurityLevel = DEFAULT_POD_SECURITY,
): Promise<boolean> {
  try {
    const labels = { ...MANAGED_BY, ...podSecurityLabels(podSecurity) };
    await kubeClients(cluster).core.createNamespace({
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels } },
    });
    return true;
  } catch (error) {
    const failure = describeKubeError(error);
    if (failure.reason === "AlreadyExists") return false;
    throw namespaceError(failure);
  }
}

async function serverSideApply(cluster: ClusterConnection, object: KubernetesObject, dryRun: boolean): Promise<void> {
  await kubeCall(
    kubeClients(cluster).objects.patch(
      object,
      undefined,
      dryRun ? "All" : undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    ),
  );
}

/**
 * Brings one namespace's objects in step with a policy's templates by server-side apply
 * (fieldManager `berth`): its Pod Security Admission labels, `berth-quota` and `berth-limits`,
 * and removes the latter two (only when Berth made them, see `state.managed`) when the policy no
 * longer has that template. With dryRun the cluster validates the objects (`dryRun=All`) and
 * nothing is stored. Throws a KubeCallError of kind "namespace" in the cluster's words.
 */
export async function applyPolicyObjects(
  cluster: ClusterConnection,
  policy: PolicyTemplates,
  namespace: string,
  state: NamespacePolicyState,
  options: { dryRun: boolean },
): Promise<void> {
  const level = policy.podSecurity ?? DEFAULT_POD_SECURITY;
  const wanted = policyObjects(policy, namespace);
  // Only the Pod Security labels are applied to the Namespace: its other labels stay their owners'.
  const namespaceLabels = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: namespace, labels: podSecurityLabels(level) },
  };
  for (const object of [namespaceLabels, wanted.resourceQuota, wanted.limitRange]) {
    if (object) await serverSideApply(cluster, object as KubernetesObject, options.dryRun);
  }
  // Only objects Berth made (labelled with a policy) are removed; a hand-made one of that name stays.
  const { core } = kubeClients(cluster);
  const dryRun = options.dryRun ? "All" : undefined;
  if (!wanted.resourceQuota && state.managed.resourceQuota) {
    await kubeCall(core.deleteNamespacedResourceQuota({ name: QUOTA_NAME, namespace, dryRun }));
  }
  if (!wanted.limitRange && state.managed.limitRange) {
    await kubeCall(core.deleteNamespacedLimitRange({ name: LIMIT_RANGE_NAME, namespace, dryRun }));
  }
}
