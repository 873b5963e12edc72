import type { V1Node, V1Pod } from "@kubernetes/client-node";

import { isQuantity, parseQuantity, toNumber } from "@berth/quantity";

import { podRequests } from "./capacity";

export interface NodeSummary {
  name: string;
  ready: boolean;
  allocatable: { cpu: string | null; memory: string | null; "nvidia.com/gpu": string | null };
  labels: Record<string, string>;
  taints: { key: string; value?: string; effect: string }[];
}

/** Readiness (the Ready condition), allocatable CPU/memory/GPU, labels and taints of a node. */
export function nodeSummary(node: V1Node): NodeSummary {
  const allocatable = node.status?.allocatable ?? {};
  return {
    name: node.metadata?.name ?? "",
    ready:
      node.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ?? false,
    allocatable: {
      cpu: allocatable.cpu ?? null,
      memory: allocatable.memory ?? null,
      "nvidia.com/gpu": allocatable["nvidia.com/gpu"] ?? null,
    },
    labels: node.metadata?.labels ?? {},
    taints: (node.spec?.taints ?? []).map((taint) => ({
      key: taint.key,
      ...(taint.value ? { value: taint.value } : {}),
      effect: taint.effect,
    })),
  };
}

/** One resource of a node: what non-terminated pods bound there request, and what it offers. */
export interface Allocation {
  allocated: number;
  allocatable: number;
}

/** Per node: CPU (cores), memory (bytes) and GPUs requested by its pods vs allocatable, and its pod count. */
export interface NodeAllocation {
  cpu: Allocation;
  memory: Allocation;
  gpu: Allocation;
  pods: number;
}

const GPU = "nvidia.com/gpu";
const amount = (value: string | undefined) =>
  value !== undefined && isQuantity(value) ? toNumber(parseQuantity(value)) : 0;

/**
 * Allocated vs allocatable per node, as `kubectl describe node` counts it: the requests (a
 * container without a request counts its limit, as Kubernetes defaults it) of pods bound to the
 * node that have not succeeded or failed.
 */
export function nodeAllocations(nodes: V1Node[], pods: V1Pod[]): Record<string, NodeAllocation> {
  const result: Record<string, NodeAllocation> = {};
  for (const node of nodes) {
    const allocatable = node.status?.allocatable ?? {};
    result[node.metadata?.name ?? ""] = {
      cpu: { allocated: 0, allocatable: amount(allocatable.cpu) },
      memory: { allocated: 0, allocatable: amount(allocatable.memory) },
      gpu: { allocated: 0, allocatable: amount(allocatable[GPU]) },
      pods: 0,
    };
  }
  for (const pod of pods) {
    const entry = result[pod.spec?.nodeName ?? ""];
    if (!entry || !pod.spec?.nodeName || pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
    const requests = podRequests(pod.spec);
    entry.cpu.allocated += Number(requests.get("cpu") ?? 0n) / 1e9;
    entry.memory.allocated += Number(requests.get("memory") ?? 0n) / 1e9;
    entry.gpu.allocated += Number(requests.get(GPU) ?? 0n) / 1e9;
    entry.pods += 1;
  }
  return result;
}

const round = (value: number) => String(Math.round(value * 100) / 100);

/** "2.25 / 64 (4%)", memory in Gi; "—" for a resource the node does not have. */
export function formatAllocation(resource: "cpu" | "memory" | "gpu", { allocated, allocatable }: Allocation): string {
  if (allocatable === 0 && allocated === 0) return "—";
  const percent = allocatable > 0 ? ` (${Math.round((allocated / allocatable) * 100)}%)` : "";
  if (resource === "memory") return `${round(allocated / 2 ** 30)} / ${round(allocatable / 2 ** 30)} Gi${percent}`;
  return `${round(allocated)} / ${round(allocatable)}${percent}`;
}
