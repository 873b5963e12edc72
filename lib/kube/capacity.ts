import { canonicalQuantity, formatQuantity, isQuantity, parseQuantity, type Quantity } from "@berth/quantity";
import type { V1Node, V1NodeSelectorRequirement, V1Pod, V1PodSpec, V1ResourceQuota, V1Taint, V1Toleration } from "@kubernetes/client-node";

/** How many copies of a pod fit on a cluster now, and why (the headline shown on a config). */
export interface FitResult {
  fits: number;
  reason: string;
  /** Copies the nodes' free capacity allows (ignoring the quota). */
  nodeFits: number;
  /** Copies the namespace quota allows; null when no quota limits it. */
  quotaAllows: number | null;
  /** The resource that limits the node fit, with its free and allocatable totals on eligible nodes. */
  bottleneck?: { resource: string; free: string; allocatable: string };
}

type Amounts = Map<string, bigint>;

function nano(value: string | number | undefined): bigint {
  if (value === undefined || !isQuantity(value)) return 0n;
  return parseQuantity(value).nano;
}

/** A pod's effective requests: its request, else its limit (Kubernetes defaults the request to the limit). */
export function podRequests(spec: V1PodSpec | undefined): Amounts {
  const total: Amounts = new Map();
  for (const container of spec?.containers ?? []) {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    for (const name of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
      total.set(name, (total.get(name) ?? 0n) + nano(requests[name] ?? limits[name]));
    }
  }
  return total;
}

function podLimits(spec: V1PodSpec | undefined): Amounts {
  const total: Amounts = new Map();
  for (const container of spec?.containers ?? []) {
    for (const [name, value] of Object.entries(container.resources?.limits ?? {})) total.set(name, (total.get(name) ?? 0n) + nano(value));
  }
  return total;
}

const terminal = (pod: V1Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

function tolerates(toleration: V1Toleration, taint: V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (!toleration.key) return toleration.operator === "Exists";
  if (toleration.key !== taint.key) return false;
  return toleration.operator === "Exists" || (toleration.value ?? "") === (taint.value ?? "");
}

function matchesRequirement(labels: Record<string, string>, requirement: V1NodeSelectorRequirement): boolean {
  const value = labels[requirement.key];
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
      return value !== undefined && Number(value) > Number(values[0]);
    case "Lt":
      return value !== undefined && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

/** Why the scheduler would never place the pod on this node (before resources), or undefined. */
export function nodeRefusal(node: V1Node, spec: V1PodSpec): string | undefined {
  const ready = node.status?.conditions?.find((condition) => condition.type === "Ready");
  if (ready && ready.status !== "True") return "not ready";
  if (node.spec?.unschedulable) return "unschedulable";
  const untolerated = (node.spec?.taints ?? []).find(
    (taint) => (taint.effect === "NoSchedule" || taint.effect === "NoExecute") && !(spec.tolerations ?? []).some((toleration) => tolerates(toleration, taint)),
  );
  if (untolerated) return `untolerated taint {${untolerated.key}${untolerated.value ? `: ${untolerated.value}` : ""}}`;
  const labels = node.metadata?.labels ?? {};
  const selectorMismatch = Object.entries(spec.nodeSelector ?? {}).some(([key, value]) => labels[key] !== value);
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const affinityMismatch = terms?.length ? !terms.some((term) => (term.matchExpressions ?? []).every((requirement) => matchesRequirement(labels, requirement))) : false;
  if (selectorMismatch || affinityMismatch) return "didn't match the node selector/affinity";
  return undefined;
}

function display(resource: string, value: bigint): string {
  const quantity: Quantity = { nano: value < 0n ? 0n : value, format: resource === "memory" || resource === "ephemeral-storage" ? "BinarySI" : "DecimalSI" };
  return canonicalQuantity(formatQuantity(quantity));
}

const floorDiv = (free: bigint, need: bigint) => (free <= 0n ? 0 : Number(free / need));

/** Which quota `hard` key counts what of a pod ("requests.nvidia.com/gpu" → the GPU request). */
function quotaUsePerPod(key: string, requests: Amounts, limits: Amounts): bigint | undefined {
  if (key === "pods" || key === "count/pods") return 1_000_000_000n;
  if (key.startsWith("requests.")) return requests.get(key.slice("requests.".length)) ?? 0n;
  if (key.startsWith("limits.")) return limits.get(key.slice("limits.".length)) ?? 0n;
  if (key === "cpu" || key === "memory" || key === "ephemeral-storage") return requests.get(key) ?? 0n;
  return undefined;
}

/** How many copies of the pod the namespace's quotas still admit, and on which key; null without quotas. */
export function quotaAllowance(spec: V1PodSpec, quotas: V1ResourceQuota[]): { allows: number; key: string } | null {
  const requests = podRequests(spec);
  const limits = podLimits(spec);
  let best: { allows: number; key: string } | null = null;
  for (const quota of quotas) {
    for (const [key, hard] of Object.entries(quota.status?.hard ?? quota.spec?.hard ?? {})) {
      const perPod = quotaUsePerPod(key, requests, limits);
      if (!perPod) continue;
      const remaining = nano(hard) - nano(quota.status?.used?.[key]);
      const allows = floorDiv(remaining, perPod);
      if (!best || allows < best.allows) best = { allows, key };
    }
  }
  return best;
}

/**
 * How many copies of a pod fit on the nodes' free capacity (allocatable minus the requests of
 * non-terminal pods bound there, on nodes whose taints and selectors admit it, roughly as the
 * scheduler filters) and under the namespace's quotas.
 */
export function computeFits(spec: V1PodSpec, nodes: V1Node[], pods: V1Pod[], quotas: V1ResourceQuota[]): FitResult {
  const requests = [...podRequests(spec)].filter(([, amount]) => amount > 0n);
  const podsByNode = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    if (!pod.spec?.nodeName || terminal(pod)) continue;
    podsByNode.set(pod.spec.nodeName, [...(podsByNode.get(pod.spec.nodeName) ?? []), pod]);
  }
  const refusals = new Map<string, number>();
  const free: Amounts = new Map();
  const mostFreeOnOneNode: Amounts = new Map();
  const allocatableTotal: Amounts = new Map();
  let nodeFits = 0;
  for (const node of nodes) {
    const refusal = nodeRefusal(node, spec);
    if (refusal) {
      refusals.set(refusal, (refusals.get(refusal) ?? 0) + 1);
      continue;
    }
    const bound = podsByNode.get(node.metadata?.name ?? "") ?? [];
    const used = new Map<string, bigint>();
    for (const pod of bound) for (const [name, amount] of podRequests(pod.spec)) used.set(name, (used.get(name) ?? 0n) + amount);
    const allocatable = node.status?.allocatable ?? {};
    let copies = allocatable.pods !== undefined ? Math.max(0, Number(nano(allocatable.pods) / 1_000_000_000n) - bound.length) : Number.MAX_SAFE_INTEGER;
    for (const [name, need] of requests) {
      const available = nano(allocatable[name]) - (used.get(name) ?? 0n);
      free.set(name, (free.get(name) ?? 0n) + (available > 0n ? available : 0n));
      if (available > (mostFreeOnOneNode.get(name) ?? 0n)) mostFreeOnOneNode.set(name, available);
      allocatableTotal.set(name, (allocatableTotal.get(name) ?? 0n) + nano(allocatable[name]));
      copies = Math.min(copies, floorDiv(available, need));
    }
    nodeFits += copies === Number.MAX_SAFE_INTEGER ? 0 : copies;
  }
  const eligible = nodes.length - [...refusals.values()].reduce((sum, count) => sum + count, 0);
  const quota = quotaAllowance(spec, quotas);
  const fits = quota ? Math.min(nodeFits, quota.allows) : nodeFits;
  // The headline resource: an extended one (GPUs) if requested, else the scarcest relative to the need.
  const [resource, need] =
    requests.find(([name]) => name.includes("/")) ??
    [...requests].sort(([a, needA], [b, needB]) => Number((free.get(a) ?? 0n) / needA) - Number((free.get(b) ?? 0n) / needB))[0] ??
    [];
  const bottleneck = resource && need ? { resource, free: display(resource, free.get(resource) ?? 0n), allocatable: display(resource, allocatableTotal.get(resource) ?? 0n) } : undefined;

  const parts: string[] = [];
  if (eligible === 0) {
    parts.push(`no node admits it: ${[...refusals].map(([why, count]) => `${count} node(s) ${why}`).join(", ") || "the cluster has no nodes"}`);
  } else if (bottleneck && need) {
    parts.push(`${bottleneck.free} of ${bottleneck.allocatable} ${bottleneck.resource} free`);
    const mostOnOne = mostFreeOnOneNode.get(bottleneck.resource) ?? 0n;
    // Free capacity split across nodes does not help a pod that needs more than any one node has.
    if (nodeFits === 0 && need > mostOnOne) parts.push(`needs ${display(bottleneck.resource, need)} per pod, at most ${display(bottleneck.resource, mostOnOne)} free on one node`);
  } else {
    parts.push(`${eligible} eligible node(s)`);
  }
  if (quota) parts.push(`quota allows ${quota.allows} (${quota.key})`);
  return { fits, nodeFits, quotaAllows: quota?.allows ?? null, bottleneck, reason: `fits ${fits}×: ${parts.join("; ")}` };
}
