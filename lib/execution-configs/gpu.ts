import type { V1Toleration } from "@kubernetes/client-node";

import { tolerates } from "@/lib/kube/capacity";

/** The extended resource NVIDIA's device plugin advertises. */
export const GPU_RESOURCE = "nvidia.com/gpu";
/** The node label NVIDIA GPU feature discovery sets to the GPU model, e.g. NVIDIA-A100-SXM4-40GB. */
export const GPU_TYPE_LABEL = "nvidia.com/gpu.product";

export interface GpuSpec {
  /** Whole GPUs per pod; 0 = none. */
  count: number;
  /** A GPU model (the nodes' GPU_TYPE_LABEL); "" = any. */
  type: string;
  /** The taint key GPU nodes carry, tolerated when the config asks for GPUs; "" = add no toleration. */
  tolerationKey: string;
}

export const NO_GPU: GpuSpec = { count: 0, type: "", tolerationKey: GPU_RESOURCE };

interface GpuConfig {
  gpu?: GpuSpec;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
}

const wholeGpus = (quantity: string | undefined) => (quantity && /^\d+$/.test(quantity) ? Number(quantity) : 0);

/**
 * GPUs one pod of a config asks for: the GPU field, else (configs written before it) an
 * nvidia.com/gpu limit or request in resources. Both are read; the schema refuses both at once.
 */
export function configGpuCount(config: GpuConfig): number {
  if (config.gpu?.count) return config.gpu.count;
  return Math.max(wholeGpus(config.resources.limits[GPU_RESOURCE]), wholeGpus(config.resources.requests[GPU_RESOURCE]));
}

/**
 * The toleration a GPU config gets for the GPU nodes' taint: `key` Exists, NoSchedule, as the
 * upstream ExtendedResourceToleration admission plugin adds for an extended resource
 * (kubernetes v1.37 plugin/pkg/admission/extendedresourcetoleration/admission.go), which is
 * off by default and absent on most clusters.
 */
export function gpuToleration(config: GpuConfig): V1Toleration | undefined {
  const key = config.gpu ? config.gpu.tolerationKey : NO_GPU.tolerationKey;
  if (!key || configGpuCount(config) === 0) return undefined;
  return { key, operator: "Exists", effect: "NoSchedule" };
}

/** A node as the GPU checks need it (NodeSummary fits). */
export interface GpuNodeInput {
  name: string;
  labels: Record<string, string>;
  allocatable: Record<string, string | null>;
  taints: { key: string; value?: string; effect: string }[];
}

export interface GpuNodeFacts {
  /** The GPU models the nodes carry, sorted. */
  types: string[];
  nodes: {
    name: string;
    gpus: number;
    type: string | null;
    taints: { key: string; value?: string; effect: string }[];
  }[];
}

/** The GPU nodes of a cluster: how many GPUs each has, its model and taints. Plain data for the form. */
export function gpuNodeFacts(nodes: GpuNodeInput[]): GpuNodeFacts {
  const gpuNodes = nodes
    .map((node) => ({
      name: node.name,
      gpus: wholeGpus(node.allocatable[GPU_RESOURCE] ?? undefined),
      type: node.labels[GPU_TYPE_LABEL] ?? null,
      taints: node.taints,
    }))
    .filter((node) => node.gpus > 0);
  return { types: [...new Set(gpuNodes.flatMap((node) => (node.type ? [node.type] : [])))].sort(), nodes: gpuNodes };
}

/** Taints Kubernetes puts on for a passing state (not ready, cordoned): no advice to give. */
const transient = (key: string) =>
  key.startsWith("node.kubernetes.io/") || key.startsWith("node.cloudprovider.kubernetes.io/");

/**
 * What keeps a GPU config off the GPU nodes it could use, in words: "8 GPUs on 2 nodes tainted
 * nvidia.com/gpu=present:NoSchedule: this config does not tolerate it (…)". Empty for a config
 * without GPUs or when every such node's taints are tolerated.
 */
export function gpuTaintWarnings(config: GpuConfig & { tolerations: V1Toleration[] }, facts: GpuNodeFacts): string[] {
  if (configGpuCount(config) === 0) return [];
  const auto = gpuToleration(config);
  const tolerations = [...config.tolerations, ...(auto ? [auto] : [])];
  const type = config.gpu?.type;
  const groups = new Map<string, { nodes: number; gpus: number; key: string; text: string }>();
  for (const node of facts.nodes) {
    if (type && node.type !== type) continue;
    const taint = node.taints.find(
      (candidate) =>
        (candidate.effect === "NoSchedule" || candidate.effect === "NoExecute") &&
        !transient(candidate.key) &&
        !tolerations.some((toleration) => tolerates(toleration, candidate)),
    );
    if (!taint) continue;
    const text = `${taint.key}${taint.value ? `=${taint.value}` : ""}:${taint.effect}`;
    const group = groups.get(text) ?? { nodes: 0, gpus: 0, key: taint.key, text };
    group.nodes += 1;
    group.gpus += node.gpus;
    groups.set(text, group);
  }
  return [...groups.values()].map((group) => {
    // A GPU taint is what the toleration key is for; any other taint needs a toleration of its own.
    const fix = /gpu/i.test(group.key)
      ? `set the GPU toleration key to ${group.key}`
      : `add a toleration ${group.text}`;
    return `${group.gpus} GPUs on ${group.nodes} ${group.nodes === 1 ? "node" : "nodes"} tainted ${group.text}: this config does not tolerate it (${fix})`;
  });
}
