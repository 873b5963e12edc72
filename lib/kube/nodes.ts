import type { V1Node } from "@kubernetes/client-node";

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
    ready: node.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ?? false,
    allocatable: { cpu: allocatable.cpu ?? null, memory: allocatable.memory ?? null, "nvidia.com/gpu": allocatable["nvidia.com/gpu"] ?? null },
    labels: node.metadata?.labels ?? {},
    taints: (node.spec?.taints ?? []).map((taint) => ({ key: taint.key, ...(taint.value ? { value: taint.value } : {}), effect: taint.effect })),
  };
}
