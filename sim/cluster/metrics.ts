/**
 * Resource usage derived from each pod's profile annotations: metrics.k8s.io/v1beta1 PodMetrics
 * and NodeMetrics (what `kubectl top` reads) and an NVIDIA dcgm-exporter style Prometheus text
 * endpoint. Values wander smoothly and deterministically inside each profile's range.
 */
import { createHash } from "node:crypto";

import type { ExtraRoute, ResourceType, RouteContext, Store } from "../contract";
import { notFound } from "../server/errors";
import { nowTimestamp } from "../server/objects";
import { sendJson, sendStatus } from "../server/respond";
import { matchesLabels, parseLabelSelector } from "../server/selectors";
import { podBehaviour, type Range } from "./annotations";
import type { Node, Pod } from "./model";
import { toNumber } from "./quantity";
import { podLimits, podRequests } from "./resources";

const GROUP_VERSION = "metrics.k8s.io/v1beta1";
const MIB = 1024 * 1024;
const GPU = "nvidia.com/gpu";
/** Framebuffer of the seeded A100-SXM4-40GB, in MiB. */
const GPU_MEMORY_MIB = 40_960;
const PERIOD_MS = 120_000;

export const METRICS_TYPES: ResourceType[] = [
  {
    key: "pods.metrics.k8s.io",
    group: "metrics.k8s.io",
    version: "v1beta1",
    kind: "PodMetrics",
    listKind: "PodMetricsList",
    plural: "pods",
    singular: "",
    namespaced: true,
    verbs: ["get", "list"],
  },
  {
    key: "nodes.metrics.k8s.io",
    group: "metrics.k8s.io",
    version: "v1beta1",
    kind: "NodeMetrics",
    listKind: "NodeMetricsList",
    plural: "nodes",
    singular: "",
    namespaced: false,
    verbs: ["get", "list"],
  },
];

const hashFraction = (text: string): number =>
  parseInt(createHash("sha1").update(text).digest("hex").slice(0, 8), 16) / 0xffffffff;

/** A value inside the range that drifts along a sine wave whose phase is fixed per object. */
export function sample(range: Range, seed: string, now: number): number {
  const phase = hashFraction(seed) * 2 * Math.PI;
  const wave = 0.5 + 0.5 * Math.sin((2 * Math.PI * now) / PERIOD_MS + phase);
  return range.min + (range.max - range.min) * wave;
}

export interface PodUsage {
  /** Cores per container. */
  cpu: number[];
  /** Bytes per container. */
  memory: number[];
}

const isRunning = (pod: Pod) => pod.status?.phase === "Running" && !pod.metadata.deletionTimestamp;

/** Usage of a running pod from its annotations, or defaults scaled to its requests. */
export function podUsage(pod: Pod, now: number): PodUsage {
  const behaviour = podBehaviour(pod);
  const requests = podRequests(pod.spec);
  const limits = podLimits(pod.spec);
  const cpuRequest = requests.cpu ? toNumber(requests.cpu) : 0;
  const memoryBase = requests.memory ? toNumber(requests.memory) : limits.memory ? toNumber(limits.memory) : 0;
  const cpuRange =
    behaviour.cpu ?? (cpuRequest > 0 ? { min: cpuRequest * 0.2, max: cpuRequest * 0.6 } : { min: 0.002, max: 0.01 });
  const memoryRange =
    behaviour.memory ??
    (memoryBase > 0 ? { min: memoryBase * 0.3, max: memoryBase * 0.6 } : { min: 8 * MIB, max: 24 * MIB });
  const containers = pod.spec.containers ?? [];
  const share = Math.max(1, containers.length);
  return {
    cpu: containers.map((c) => sample(cpuRange, `${pod.metadata.uid}/${c.name}/cpu`, now) / share),
    memory: containers.map((c) => sample(memoryRange, `${pod.metadata.uid}/${c.name}/memory`, now) / share),
  };
}

const cpuText = (cores: number) => `${Math.max(0, Math.round(cores * 1e9))}n`;
const memoryText = (bytes: number) => `${Math.max(0, Math.round(bytes / 1024))}Ki`;

function podMetrics(pod: Pod, now: number, timestamp: string) {
  const usage = podUsage(pod, now);
  return {
    kind: "PodMetrics",
    apiVersion: GROUP_VERSION,
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      creationTimestamp: timestamp,
      labels: pod.metadata.labels ?? {},
    },
    timestamp,
    window: "30s",
    containers: (pod.spec.containers ?? []).map((c, i) => ({
      name: c.name,
      usage: { cpu: cpuText(usage.cpu[i]), memory: memoryText(usage.memory[i]) },
    })),
  };
}

function nodeMetrics(node: Node, pods: Pod[], now: number, timestamp: string) {
  // The node's own daemons use a little too.
  let cpu = sample({ min: 0.08, max: 0.2 }, `${node.metadata.name}/cpu`, now);
  let memory = sample({ min: 600 * MIB, max: 900 * MIB }, `${node.metadata.name}/memory`, now);
  for (const pod of pods) {
    const usage = podUsage(pod, now);
    cpu += usage.cpu.reduce((a, b) => a + b, 0);
    memory += usage.memory.reduce((a, b) => a + b, 0);
  }
  return {
    kind: "NodeMetrics",
    apiVersion: GROUP_VERSION,
    metadata: { name: node.metadata.name, creationTimestamp: timestamp, labels: node.metadata.labels ?? {} },
    timestamp,
    window: "20s",
    usage: { cpu: cpuText(cpu), memory: memoryText(memory) },
  };
}

const list = (kind: string, items: unknown[]) => ({ kind, apiVersion: GROUP_VERSION, metadata: {}, items });

function runningPods(store: Store, ctx: RouteContext, namespace?: string): Pod[] {
  const selector = parseLabelSelector(ctx.url.searchParams.get("labelSelector"));
  return (store.list("pods", namespace) as Pod[]).filter(
    (p) => isRunning(p) && matchesLabels(selector, p.metadata.labels),
  );
}

function podsByNode(store: Store): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of store.list("pods") as Pod[]) {
    if (!isRunning(pod) || !pod.spec.nodeName) continue;
    let list = byNode.get(pod.spec.nodeName);
    if (!list) byNode.set(pod.spec.nodeName, (list = []));
    list.push(pod);
  }
  return byNode;
}

/** Which GPUs of a node a pod holds (the kubelet's device assignment). */
export type GpuAssignment = (podUid: string) => number[];
/** The assignment in force for a store (the routes are shared; the kubelet is per store). */
export type GpuLookup = (store: Store) => GpuAssignment;

/**
 * Time-slicing (k8s-device-plugin `sharing.timeSlicing.replicas`): the node advertises every
 * physical GPU `replicas` times as nvidia.com/gpu and GPU feature discovery labels it
 * `nvidia.com/gpu.replicas`. Device index i the kubelet hands out is replica i % replicas of
 * physical GPU floor(i / replicas).
 */
export const GPU_REPLICAS_LABEL = "nvidia.com/gpu.replicas";

/**
 * dcgm-exporter's exposition (NVIDIA/dcgm-exporter 4.x): one line per GPU per metric, labelled
 * `gpu`, `UUID`, `pci_bus_id`, `device`, `modelName`, `Hostname`, `DCGM_FI_DRIVER_VERSION`, plus
 * `container`, `namespace`, `pod` of the pod holding it (internal/pkg/transformation/kubernetes.go,
 * const.go: the pod mapper reads the kubelet's pod-resources API). A time-sliced GPU gets one line
 * per sharing pod with a `vgpu` label (the `--kubernetes-virtual-gpus` mode, toDeviceToSharingPods);
 * its values are the whole device's, the same on every line.
 */
export function dcgmText(store: Store, gpusOf: GpuAssignment, now = Date.now()): string {
  const util: string[] = [];
  const used: string[] = [];
  const free: string[] = [];
  const byNode = podsByNode(store);
  for (const node of store.list("nodes") as Node[]) {
    const count = Number(node.status?.capacity?.[GPU] ?? 0);
    if (!Number.isFinite(count) || count <= 0) continue;
    const replicas = Math.max(1, Math.floor(Number(node.metadata.labels?.[GPU_REPLICAS_LABEL] ?? 1)) || 1);
    const physical = Math.ceil(count / replicas);
    const hostname = node.metadata.name;
    const product = node.metadata.labels?.["nvidia.com/gpu.product"] ?? "NVIDIA-A100-SXM4-40GB";
    const modelName = product.replace(/^NVIDIA-/, "NVIDIA ");
    const owners = new Map<number, { pod: Pod; replica: number }[]>();
    for (const pod of byNode.get(hostname) ?? []) {
      for (const index of gpusOf(pod.metadata.uid)) {
        const gpu = Math.floor(index / replicas);
        const sharers = owners.get(gpu) ?? [];
        // A pod given two replicas of one GPU still sees one device.
        if (!sharers.some((sharer) => sharer.pod === pod)) sharers.push({ pod, replica: index % replicas });
        owners.set(gpu, sharers);
      }
    }
    for (let gpu = 0; gpu < physical; gpu++) {
      const uuidHex = createHash("sha1").update(`${hostname}/${gpu}`).digest("hex");
      const uuid = `GPU-${uuidHex.slice(0, 8)}-${uuidHex.slice(8, 12)}-${uuidHex.slice(12, 16)}-${uuidHex.slice(16, 20)}-${uuidHex.slice(20, 32)}`;
      const device = `gpu="${gpu}",UUID="${uuid}",pci_bus_id="00000000:${(0x07 + gpu * 8).toString(16).toUpperCase().padStart(2, "0")}:00.0",device="nvidia${gpu}",modelName="${modelName}",Hostname="${hostname}",DCGM_FI_DRIVER_VERSION="535.129.03"`;
      const sharers = owners.get(gpu) ?? [];
      // The device's figures: each sharer's own load, added up (time slices of one GPU).
      let utilValue = 0;
      let usedMiB = 0;
      for (const { pod } of sharers) {
        const behaviour = podBehaviour(pod);
        utilValue += sample(behaviour.gpuUtil ?? { min: 60, max: 95 }, `${pod.metadata.uid}/${gpu}/util`, now);
        const memoryRange = behaviour.gpuMemory
          ? { min: behaviour.gpuMemory.min / MIB, max: behaviour.gpuMemory.max / MIB }
          : { min: GPU_MEMORY_MIB * 0.4, max: GPU_MEMORY_MIB * 0.8 };
        usedMiB += sample(memoryRange, `${pod.metadata.uid}/${gpu}/fb`, now);
      }
      utilValue = Math.min(100, Math.round(utilValue));
      usedMiB = Math.min(GPU_MEMORY_MIB, Math.round(usedMiB));
      const lines =
        sharers.length === 0
          ? [device]
          : sharers.map(({ pod, replica }) => {
              const container = pod.spec.containers.find((c) => c.resources?.limits?.[GPU]) ?? pod.spec.containers[0];
              const vgpu = replicas > 1 ? `,vgpu="${replica}"` : "";
              return `${device},container="${container.name}",namespace="${pod.metadata.namespace}",pod="${pod.metadata.name}"${vgpu}`;
            });
      for (const labels of lines) {
        util.push(`DCGM_FI_DEV_GPU_UTIL{${labels}} ${utilValue}`);
        used.push(`DCGM_FI_DEV_FB_USED{${labels}} ${usedMiB}`);
        free.push(`DCGM_FI_DEV_FB_FREE{${labels}} ${GPU_MEMORY_MIB - usedMiB}`);
      }
    }
  }
  return [
    "# HELP DCGM_FI_DEV_GPU_UTIL GPU utilization (in %).",
    "# TYPE DCGM_FI_DEV_GPU_UTIL gauge",
    ...util,
    "# HELP DCGM_FI_DEV_FB_USED Framebuffer memory used (in MiB).",
    "# TYPE DCGM_FI_DEV_FB_USED gauge",
    ...used,
    "# HELP DCGM_FI_DEV_FB_FREE Framebuffer memory free (in MiB).",
    "# TYPE DCGM_FI_DEV_FB_FREE gauge",
    ...free,
    "",
  ].join("\n");
}

const POD_METRICS = { plural: "pods", group: "metrics.k8s.io" };
const NODE_METRICS = { plural: "nodes", group: "metrics.k8s.io" };

/** Read-only metrics.k8s.io routes plus the unauthenticated dcgm scrape endpoint. */
export function metricsRoutes(gpuLookup: GpuLookup): ExtraRoute[] {
  const base = "/apis/metrics.k8s.io/v1beta1";
  return [
    {
      method: "GET",
      path: `${base}/pods`,
      handler: (_req, res, ctx) => {
        const now = Date.now();
        const ts = nowTimestamp();
        sendJson(
          res,
          200,
          list(
            "PodMetricsList",
            runningPods(ctx.store, ctx).map((p) => podMetrics(p, now, ts)),
          ),
        );
        return true;
      },
    },
    {
      method: "GET",
      path: `${base}/namespaces/:namespace/pods`,
      handler: (_req, res, ctx) => {
        const now = Date.now();
        const ts = nowTimestamp();
        sendJson(
          res,
          200,
          list(
            "PodMetricsList",
            runningPods(ctx.store, ctx, ctx.params.namespace).map((p) => podMetrics(p, now, ts)),
          ),
        );
        return true;
      },
    },
    {
      method: "GET",
      path: `${base}/namespaces/:namespace/pods/:name`,
      handler: (_req, res, ctx) => {
        const pod = ctx.store.get("pods", ctx.params.namespace, ctx.params.name) as Pod | undefined;
        if (!pod || !isRunning(pod)) sendStatus(res, notFound(POD_METRICS, ctx.params.name));
        else sendJson(res, 200, podMetrics(pod, Date.now(), nowTimestamp()));
        return true;
      },
    },
    {
      method: "GET",
      path: `${base}/nodes`,
      handler: (_req, res, ctx) => {
        const now = Date.now();
        const ts = nowTimestamp();
        const selector = parseLabelSelector(ctx.url.searchParams.get("labelSelector"));
        const byNode = podsByNode(ctx.store);
        const items = (ctx.store.list("nodes") as Node[])
          .filter((n) => matchesLabels(selector, n.metadata.labels))
          .map((n) => nodeMetrics(n, byNode.get(n.metadata.name) ?? [], now, ts));
        sendJson(res, 200, list("NodeMetricsList", items));
        return true;
      },
    },
    {
      method: "GET",
      path: `${base}/nodes/:name`,
      handler: (_req, res, ctx) => {
        const node = ctx.store.get("nodes", undefined, ctx.params.name) as Node | undefined;
        if (!node) sendStatus(res, notFound(NODE_METRICS, ctx.params.name));
        else
          sendJson(
            res,
            200,
            nodeMetrics(node, podsByNode(ctx.store).get(node.metadata.name) ?? [], Date.now(), nowTimestamp()),
          );
        return true;
      },
    },
    {
      method: "GET",
      path: "/metrics/dcgm",
      auth: false,
      handler: (_req, res, ctx) => {
        const text = dcgmText(ctx.store, gpuLookup(ctx.store));
        res.writeHead(200, {
          "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
          "Content-Length": Buffer.byteLength(text),
        });
        res.end(text);
        return true;
      },
    },
  ];
}
