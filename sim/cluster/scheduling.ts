/**
 * The scheduler's filters and failure message, modelled on kube-scheduler 1.37's default profile
 * (NodeUnschedulable → TaintToleration → NodeAffinity → NodeResourcesFit) and its FitError text:
 * `0/6 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint(s), 3 node(s)
 * didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: 1 No preemption
 * victims found for incoming pod, 5 Preemption is not helpful for scheduling.`
 * Upstream (kubernetes v1.37.2): `pkg/scheduler/framework/types.go` FitError.Error writes the node
 * summary, then after a space the PostFilter plugins' reasons joined by ", " (`schedule_one.go`);
 * DynamicResources' PostFilter adds no reason for a pod without claims, so only DefaultPreemption's
 * "preemption: …" follows. The taint reason is `framework/plugins/tainttoleration/taint_toleration.go`'s
 * "node(s) had untolerated taint(s)" (older schedulers named one taint: "node(s) had untolerated
 * taint {k: v}", before that "node(s) had taint {k: v}, that the pod didn't tolerate").
 * Pure functions over plain numbers; the Scheduler keeps the per-node totals they read.
 */
import { matchesRequiredAffinity } from "@berth/node-selection";

import type { Node, PodSpec, Taint, Toleration } from "./model";
import { milliValue, parseQuantity, unitValue } from "./quantity";
import { podRequests } from "./resources";

/** Amounts as the scheduler counts them: cpu in millicores, everything else in whole units. */
export type Amounts = Map<string, number>;

export function toAmounts(list: Record<string, string | number> | undefined): Amounts {
  const out: Amounts = new Map();
  for (const [name, raw] of Object.entries(list ?? {})) {
    try {
      const q = parseQuantity(raw);
      out.set(name, Number(name === "cpu" ? milliValue(q) : unitValue(q)));
    } catch {
      // nodes with malformed capacity simply offer none of that resource
    }
  }
  return out;
}

/** A pod's requests in scheduler units (zero requests dropped: they never fail a fit). */
export function podRequestAmounts(spec: PodSpec): Amounts {
  const out: Amounts = new Map();
  for (const [name, q] of Object.entries(podRequests(spec))) {
    const amount = Number(name === "cpu" ? milliValue(q) : unitValue(q));
    if (amount > 0) out.set(name, amount);
  }
  return out;
}

/** What the scheduler knows of one node. */
export interface NodeState {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  allocatable: Amounts;
  requested: Amounts;
  /** cpu (milli) and memory requested with upstream's non-zero defaults, which scoring uses so request-less pods still spread. */
  scoreCpu: number;
  scoreMemory: number;
  podCount: number;
}

export function nodeStateOf(node: Node): NodeState {
  const taints = [...(node.spec?.taints ?? [])];
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  // The node lifecycle controller taints nodes that are not Ready; model that without a controller.
  if (ready && ready.status !== "True" && !taints.some((t) => t.key === "node.kubernetes.io/not-ready")) {
    taints.push({ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" });
  }
  return {
    name: node.metadata.name,
    labels: node.metadata.labels ?? {},
    taints,
    unschedulable: Boolean(node.spec?.unschedulable),
    allocatable: toAmounts(node.status?.allocatable ?? node.status?.capacity),
    requested: new Map(),
    scoreCpu: 0,
    scoreMemory: 0,
    podCount: 0,
  };
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (!toleration.key) return toleration.operator === "Exists";
  if (toleration.key !== taint.key) return false;
  if (toleration.operator === "Exists") return true;
  return (toleration.value ?? "") === (taint.value ?? "");
}

export interface FilterFailure {
  reasons: string[];
  /** UnschedulableAndUnresolvable: preemption cannot help on this node. */
  unresolvable: boolean;
}

export const UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";
const UNSCHEDULABLE: Taint = { key: UNSCHEDULABLE_TAINT, effect: "NoSchedule" };

/** A pod's scheduling constraints, prepared once per attempt so the per-node loop allocates nothing. */
export interface PodFit {
  spec: PodSpec;
  requests: [string, number][];
  selector: [string, string][];
  tolerations: Toleration[];
  toleratesUnschedulable: boolean;
}

export function compilePod(spec: PodSpec, requests: Amounts = podRequestAmounts(spec)): PodFit {
  const tolerations = spec.tolerations ?? [];
  return {
    spec,
    requests: [...requests],
    selector: Object.entries(spec.nodeSelector ?? {}),
    tolerations,
    toleratesUnschedulable: tolerations.some((t) => tolerates(t, UNSCHEDULABLE)),
  };
}

function toleratedByAny(tolerations: Toleration[], taint: Taint): boolean {
  for (let i = 0; i < tolerations.length; i++) if (tolerates(tolerations[i], taint)) return true;
  return false;
}

/** Runs the filters in profile order and stops at the first failing plugin, as the framework does. */
export function filterNode(fit: PodFit, node: NodeState): FilterFailure | undefined {
  if (node.unschedulable && !fit.toleratesUnschedulable)
    return { reasons: ["node(s) were unschedulable"], unresolvable: true };
  for (let i = 0; i < node.taints.length; i++) {
    const taint = node.taints[i];
    if (taint.effect !== "NoSchedule" && taint.effect !== "NoExecute") continue;
    if (!toleratedByAny(fit.tolerations, taint)) {
      // pkg/scheduler/framework/plugins/tainttoleration (1.37) no longer names the taint.
      return { reasons: ["node(s) had untolerated taint(s)"], unresolvable: true };
    }
  }
  let selected = true;
  for (let i = 0; i < fit.selector.length; i++)
    if (node.labels[fit.selector[i][0]] !== fit.selector[i][1]) selected = false;
  if (!selected || (fit.spec.affinity && !matchesRequiredAffinity(fit.spec, node))) {
    return { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
  }
  let reasons: string[] | undefined;
  let unresolvable = false;
  if (node.podCount + 1 > (node.allocatable.get("pods") ?? 0)) (reasons ??= []).push("Too many pods");
  for (let i = 0; i < fit.requests.length; i++) {
    const [name, amount] = fit.requests[i];
    const allocatable = node.allocatable.get(name) ?? 0;
    if ((node.requested.get(name) ?? 0) + amount > allocatable) (reasons ??= []).push(`Insufficient ${name}`);
    // noderesources/fit.go (1.37): a request larger than the whole node is UnschedulableAndUnresolvable.
    if (amount > allocatable) unresolvable = true;
  }
  return reasons ? { reasons, unresolvable } : undefined;
}

/**
 * How many feasible nodes to find before scoring (upstream percentageOfNodesToScore: adaptive
 * 50% − nodes/125, at least 5%, and never fewer than 100 nodes).
 */
export function feasibleNodesToFind(nodeCount: number): number {
  if (nodeCount < 100) return nodeCount;
  const percentage = Math.max(5, 50 - Math.floor(nodeCount / 125));
  return Math.max(100, Math.floor((nodeCount * percentage) / 100));
}

/** Sorted "<count> <reason>" histogram, upstream's sortReasonsHistogram. */
function histogram(counts: Map<string, number>): string {
  return [...counts]
    .map(([reason, n]) => `${n} ${reason}`)
    .sort()
    .join(", ");
}

/** The FitError message for a pod that fits nowhere, including the PostFilter (preemption) part. */
export function fitErrorMessage(nodeCount: number, failures: FilterFailure[]): string {
  if (nodeCount === 0) return "no nodes available to schedule pods";
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (const failure of failures) {
    for (const reason of failure.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    const why = failure.unresolvable
      ? "Preemption is not helpful for scheduling"
      : "No preemption victims found for incoming pod";
    preemption.set(why, (preemption.get(why) ?? 0) + 1);
  }
  return `0/${nodeCount} nodes are available: ${histogram(reasons)}. preemption: 0/${nodeCount} nodes are available: ${histogram(preemption)}.`;
}

const SCORE_DEFAULT_CPU = 100; // millicores: upstream's non-zero request for scoring
const SCORE_DEFAULT_MEMORY = 200 * 1024 * 1024;

/** The cpu/memory a pod counts for scoring: its requests, or upstream's defaults when it has none. */
export const scoreCpuOf = (requests: Amounts): number => requests.get("cpu") ?? SCORE_DEFAULT_CPU;
export const scoreMemoryOf = (requests: Amounts): number => requests.get("memory") ?? SCORE_DEFAULT_MEMORY;

/** NodeResourcesFit LeastAllocated score (0..100) over cpu and memory, on non-zero requests. */
export function leastAllocatedScore(requests: Amounts, node: NodeState): number {
  return (
    ((freeShare(node.allocatable.get("cpu") ?? 0, node.scoreCpu + scoreCpuOf(requests)) +
      freeShare(node.allocatable.get("memory") ?? 0, node.scoreMemory + scoreMemoryOf(requests))) /
      2) *
    100
  );
}

function freeShare(capacity: number, used: number): number {
  if (capacity <= 0) return 0;
  return Math.max(0, (capacity - used) / capacity);
}

/** Adds (sign 1) or removes (−1) a pod's requests from a node's totals. */
export function chargeNode(node: NodeState, requests: Amounts, sign: 1 | -1): void {
  node.podCount += sign;
  for (const [name, amount] of requests) node.requested.set(name, (node.requested.get(name) ?? 0) + sign * amount);
  node.scoreCpu += sign * scoreCpuOf(requests);
  node.scoreMemory += sign * scoreMemoryOf(requests);
}
