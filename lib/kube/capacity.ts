import type { V1Node, V1Pod, V1PodSpec, V1ResourceQuota, V1Taint, V1Toleration } from "@kubernetes/client-node";

import { matchesNodeSelection } from "@berth/node-selection";
import { canonicalQuantity, formatQuantity, isQuantity, parseQuantity, type Quantity } from "@berth/quantity";

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
    for (const [name, value] of Object.entries(container.resources?.limits ?? {}))
      total.set(name, (total.get(name) ?? 0n) + nano(value));
  }
  return total;
}

const terminal = (pod: V1Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/** Whether a toleration tolerates a taint, as the scheduler matches them (an empty key with Exists tolerates all). */
export function tolerates(toleration: V1Toleration, taint: V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (!toleration.key) return toleration.operator === "Exists";
  if (toleration.key !== taint.key) return false;
  return toleration.operator === "Exists" || (toleration.value ?? "") === (taint.value ?? "");
}

/** Taints the scheduler honours (NoSchedule, NoExecute) that the pod does not tolerate. */
function untoleratedTaints(node: V1Node, spec: V1PodSpec): V1Taint[] {
  return (node.spec?.taints ?? []).filter(
    (taint) =>
      (taint.effect === "NoSchedule" || taint.effect === "NoExecute") &&
      !(spec.tolerations ?? []).some((toleration) => tolerates(toleration, taint)),
  );
}

const taintText = (taint: V1Taint) => `${taint.key}${taint.value ? `=${taint.value}` : ""}:${taint.effect}`;

/**
 * Taints Kubernetes itself puts on a node for a passing state (not ready, cordoned, still
 * starting): they say nothing about whether the pod could ever run there.
 */
const transientTaint = (taint: V1Taint) =>
  taint.key.startsWith("node.kubernetes.io/") || taint.key.startsWith("node.cloudprovider.kubernetes.io/");

const matchesSelector = (node: V1Node, spec: V1PodSpec) =>
  matchesNodeSelection(spec, { name: node.metadata?.name ?? "", labels: node.metadata?.labels ?? {} });

const SELECTOR_REFUSAL = "not matching the node selector/affinity";

/** Why the scheduler would never place the pod on this node (before resources), or undefined. */
export function nodeRefusal(node: V1Node, spec: V1PodSpec): string | undefined {
  const ready = node.status?.conditions?.find((condition) => condition.type === "Ready");
  if (ready && ready.status !== "True") return "not ready";
  if (node.spec?.unschedulable) return "unschedulable";
  const [untolerated] = untoleratedTaints(node, spec);
  if (untolerated) return `tainted ${taintText(untolerated)}`;
  if (!matchesSelector(node, spec)) return SELECTOR_REFUSAL;
  return undefined;
}

/** Like nodeRefusal, but only for what lasts: taints the pod does not tolerate and selectors it does not match. */
function permanentRefusal(node: V1Node, spec: V1PodSpec): string | undefined {
  const untolerated = untoleratedTaints(node, spec).find((taint) => !transientTaint(taint));
  if (untolerated) return `tainted ${taintText(untolerated)}`;
  if (!matchesSelector(node, spec)) return SELECTOR_REFUSAL;
  return undefined;
}

const nodesWord = (count: number) => `${count} ${count === 1 ? "node" : "nodes"}`;

/**
 * Nodes left out, grouped by why, in words: "8 nvidia.com/gpu on 2 nodes tainted
 * nvidia.com/gpu=present:NoSchedule: this config does not tolerate it". With `onlyHolding`, only
 * groups that hold some of `resource` are told (CPU nodes a GPU pod skips are no news).
 */
function excludedWords(
  excluded: { node: V1Node; why: string }[],
  resource: string | undefined,
  onlyHolding: boolean,
): string[] {
  const groups = new Map<string, { count: number; amount: bigint }>();
  for (const { node, why } of excluded) {
    const group = groups.get(why) ?? { count: 0, amount: 0n };
    group.count += 1;
    group.amount += resource ? nano(node.status?.allocatable?.[resource]) : 0n;
    groups.set(why, group);
  }
  const words: string[] = [];
  for (const [why, { count, amount }] of [...groups].sort(([, a], [, b]) =>
    b.amount > a.amount ? 1 : b.amount < a.amount ? -1 : 0,
  )) {
    if (onlyHolding && amount === 0n) continue;
    const what =
      resource && amount > 0n ? `${display(resource, amount)} ${resource} on ${nodesWord(count)}` : nodesWord(count);
    words.push(why.startsWith("tainted ") ? `${what} ${why}: this config does not tolerate it` : `${what} ${why}`);
  }
  return words;
}

/** The resource a headline speaks of: an extended one (GPUs) if requested, else the first requested. */
function headlineResource(requests: [string, bigint][]): string | undefined {
  return (requests.find(([name]) => name.includes("/")) ?? requests[0])?.[0];
}

const quotaName = (quota: V1ResourceQuota) =>
  `quota ${quota.metadata?.name ?? "(unnamed)"}${quota.metadata?.namespace ? ` of namespace ${quota.metadata.namespace}` : ""}`;

/**
 * Why a pod could never start, whatever other work finishes: it asks more than a namespace
 * quota's hard limit, or no node it may use (taints it does not tolerate and selectors it does
 * not match rule a node out; readiness and cordons pass) has that much allocatable. Empty when
 * it may start some day. Without nodes nothing is judged: an autoscaler may still add them.
 * Quotas with scopes are skipped: whether they apply depends on the pod's priority or QoS class.
 */
export function neverFitsProblems(spec: V1PodSpec, nodes: V1Node[], quotas: V1ResourceQuota[]): string[] {
  const problems: string[] = [];
  const requests = podRequests(spec);
  const limits = podLimits(spec);
  for (const quota of quotas) {
    if (quota.spec?.scopes?.length || quota.spec?.scopeSelector) continue;
    for (const [key, hard] of Object.entries(quota.status?.hard ?? quota.spec?.hard ?? {})) {
      const perPod = quotaUsePerPod(key, requests, limits);
      if (!perPod || perPod <= nano(hard)) continue;
      const resource = key === "pods" || key === "count/pods" ? "pod" : key.replace(/^(requests|limits)\./, "");
      const asked = resource === "pod" ? "1 pod" : `${display(resource, perPod)} ${resource}`;
      problems.push(
        `the pod asks ${asked}, but ${quotaName(quota)} allows at most ${display(resource, nano(hard))} (${key})`,
      );
    }
  }
  if (nodes.length === 0) return problems;
  const asked = [...requests].filter(([, amount]) => amount > 0n);
  const excluded: { node: V1Node; why: string }[] = [];
  const usable: V1Node[] = [];
  for (const node of nodes) {
    const why = permanentRefusal(node, spec);
    if (why) excluded.push({ node, why });
    else usable.push(node);
  }
  const resource = headlineResource(asked);
  if (usable.length === 0) {
    problems.push(`no node admits it: ${excludedWords(excluded, resource, false).join("; ")}`);
    return problems;
  }
  const holds = (node: V1Node, name: string, need: bigint) => nano(node.status?.allocatable?.[name]) >= need;
  const roomForPod = (node: V1Node) =>
    node.status?.allocatable?.pods === undefined || nano(node.status.allocatable.pods) >= 1_000_000_000n;
  if (usable.some((node) => roomForPod(node) && asked.every(([name, need]) => holds(node, name, need))))
    return problems;
  const beyondEveryNode = asked.filter(([name, need]) => !usable.some((node) => holds(node, name, need)));
  if (beyondEveryNode.length) {
    const [name, need] = beyondEveryNode.find(([candidate]) => candidate === resource) ?? beyondEveryNode[0];
    const largest = usable.reduce((best, node) =>
      nano(node.status?.allocatable?.[name]) > nano(best.status?.allocatable?.[name]) ? node : best,
    );
    const most = nano(largest.status?.allocatable?.[name]);
    const words =
      most === 0n
        ? `no node it may use has ${name}`
        : `no node has ${display(name, need)} ${name} allocatable (largest: ${display(name, most)} on ${largest.metadata?.name})`;
    // Where that resource is instead (e.g. GPUs on tainted nodes) is the useful half of the answer.
    problems.push([words, ...excludedWords(excluded, name, true)].join("; "));
  } else if (asked.length) {
    problems.push(
      `no node has ${asked.map(([name, need]) => `${display(name, need)} ${name}`).join(" and ")} allocatable together`,
    );
  } else {
    problems.push("no node has room for another pod");
  }
  return problems;
}

function display(resource: string, value: bigint): string {
  const quantity: Quantity = {
    nano: value < 0n ? 0n : value,
    format: resource === "memory" || resource === "ephemeral-storage" ? "BinarySI" : "DecimalSI",
  };
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
  const excluded: { node: V1Node; why: string }[] = [];
  const free: Amounts = new Map();
  const mostFreeOnOneNode: Amounts = new Map();
  const allocatableTotal: Amounts = new Map();
  let nodeFits = 0;
  for (const node of nodes) {
    const refusal = nodeRefusal(node, spec);
    if (refusal) {
      excluded.push({ node, why: refusal });
      continue;
    }
    const bound = podsByNode.get(node.metadata?.name ?? "") ?? [];
    const used = new Map<string, bigint>();
    for (const pod of bound)
      for (const [name, amount] of podRequests(pod.spec)) used.set(name, (used.get(name) ?? 0n) + amount);
    const allocatable = node.status?.allocatable ?? {};
    let copies =
      allocatable.pods !== undefined
        ? Math.max(0, Number(nano(allocatable.pods) / 1_000_000_000n) - bound.length)
        : Number.MAX_SAFE_INTEGER;
    for (const [name, need] of requests) {
      const available = nano(allocatable[name]) - (used.get(name) ?? 0n);
      free.set(name, (free.get(name) ?? 0n) + (available > 0n ? available : 0n));
      if (available > (mostFreeOnOneNode.get(name) ?? 0n)) mostFreeOnOneNode.set(name, available);
      allocatableTotal.set(name, (allocatableTotal.get(name) ?? 0n) + nano(allocatable[name]));
      copies = Math.min(copies, floorDiv(available, need));
    }
    nodeFits += copies === Number.MAX_SAFE_INTEGER ? 0 : copies;
  }
  const eligible = nodes.length - excluded.length;
  const quota = quotaAllowance(spec, quotas);
  const fits = quota ? Math.min(nodeFits, quota.allows) : nodeFits;
  // The headline resource: an extended one (GPUs) if requested, else the scarcest relative to the need.
  const [resource, need] =
    requests.find(([name]) => name.includes("/")) ??
    [...requests].sort(
      ([a, needA], [b, needB]) => Number((free.get(a) ?? 0n) / needA) - Number((free.get(b) ?? 0n) / needB),
    )[0] ??
    [];
  const bottleneck =
    resource && need
      ? {
          resource,
          free: display(resource, free.get(resource) ?? 0n),
          allocatable: display(resource, allocatableTotal.get(resource) ?? 0n),
        }
      : undefined;

  // Taints, selectors and quota are told apart: each needs a different fix.
  const parts: string[] = [];
  if (eligible === 0) {
    parts.push(nodes.length ? excludedWords(excluded, resource, false).join("; ") : "the cluster has no nodes");
  } else if (bottleneck && need) {
    const elsewhere = excludedWords(excluded, bottleneck.resource, true);
    // "0 of 0 free" says nothing when the resource sits on nodes the pod may not use.
    if ((allocatableTotal.get(bottleneck.resource) ?? 0n) > 0n || !elsewhere.length) {
      parts.push(`${bottleneck.free} of ${bottleneck.allocatable} ${bottleneck.resource} free`);
      const mostOnOne = mostFreeOnOneNode.get(bottleneck.resource) ?? 0n;
      // Free capacity split across nodes does not help a pod that needs more than any one node has.
      if (nodeFits === 0 && need > mostOnOne)
        parts.push(
          `needs ${display(bottleneck.resource, need)} per pod, at most ${display(bottleneck.resource, mostOnOne)} free on one node`,
        );
    }
    parts.push(...elsewhere);
  } else {
    parts.push(`${eligible} eligible node(s)`);
  }
  if (quota) parts.push(`quota allows ${quota.allows} (${quota.key})`);
  return {
    fits,
    nodeFits,
    quotaAllows: quota?.allows ?? null,
    bottleneck,
    reason: `fits ${fits}×: ${parts.join("; ")}`,
  };
}
