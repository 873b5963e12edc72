/**
 * The demo cluster: `sim-cpu-N` and `sim-gpu-N` nodes shaped like a KWOK node after its
 * node-initialize stage, and optionally N running demo pods placed across them. Everything
 * derives from `options.seed`, so the same options always give the same cluster.
 */
import { createHash } from "node:crypto";

import type { KubeObject, SeedOptions, Store } from "../contract";
import { nowTimestamp } from "../server/objects";
import { imageID } from "./kubelet";
import type { Node, Pod } from "./model";
import { GPU_RESOURCE, seededNodeShape } from "./node-shape";
import {
  chargeNode,
  compilePod,
  filterNode,
  leastAllocatedScore,
  nodeStateOf,
  podRequestAmounts,
  type NodeState,
} from "./scheduling";

export const KUBELET_VERSION = "v1.30.4";
const GPU = GPU_RESOURCE;

/** mulberry32: a tiny deterministic PRNG. */
export function randomFrom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuidFrom = (text: string) => {
  const h = createHash("sha1").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

function nodeObject(name: string, index: number, gpus: number): KubeObject {
  const { capacity, labels, podCIDR: cidr, taints } = seededNodeShape(name, index, gpus);
  const now = nowTimestamp();
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels,
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "kwok.x-k8s.io/node": "fake",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: {
      podCIDR: cidr,
      podCIDRs: [cidr],
      ...(taints.length ? { taints } : {}),
    },
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: [
        condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
      ],
      addresses: [
        { type: "InternalIP", address: `172.20.${Math.floor(index / 250)}.${2 + (index % 250)}` },
        { type: "Hostname", address: name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: uuidFrom(`${name}/machine`).replace(/-/g, ""),
        systemUUID: uuidFrom(`${name}/system`),
        bootID: uuidFrom(`${name}/boot`),
        kernelVersion: "6.1.0-18-amd64",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        containerRuntimeVersion: "containerd://1.7.13",
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: "linux",
        architecture: "amd64",
      },
      phase: "Running",
    },
  };
}

interface DemoApp {
  app: string;
  image: string;
  cpu: string[];
  memory: string[];
  gpu?: boolean;
}

const DEMO_APPS: DemoApp[] = [
  { app: "web", image: "nginx:1.27", cpu: ["100m", "250m"], memory: ["128Mi", "256Mi"] },
  { app: "api", image: "python:3.12-slim", cpu: ["250m", "500m"], memory: ["256Mi", "512Mi"] },
  { app: "notebook", image: "quay.io/jupyter/scipy-notebook:2024-05-27", cpu: ["500m", "1"], memory: ["1Gi", "2Gi"] },
  { app: "cache", image: "redis:7.2", cpu: ["100m"], memory: ["256Mi"] },
  { app: "worker", image: "busybox:1.36", cpu: ["200m", "500m"], memory: ["128Mi", "512Mi"] },
  { app: "trainer", image: "nvcr.io/nvidia/pytorch:24.05-py3", cpu: ["4"], memory: ["32Gi"], gpu: true },
];

const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

function demoPod(random: () => number, namespace: string, gpuAvailable: boolean): Pod {
  const choices = DEMO_APPS.filter((a) => gpuAvailable || !a.gpu);
  const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];
  // About one pod in ten is a GPU trainer when GPU nodes exist.
  const app = gpuAvailable && random() < 0.1 ? DEMO_APPS[DEMO_APPS.length - 1] : pick(choices.filter((a) => !a.gpu));
  const suffix = Array.from({ length: 5 }, () => SUFFIX_ALPHABET[Math.floor(random() * SUFFIX_ALPHABET.length)]).join(
    "",
  );
  const requests: Record<string, string> = { cpu: pick(app.cpu), memory: pick(app.memory) };
  const limits: Record<string, string> = { memory: requests.memory };
  if (app.gpu) limits[GPU] = requests[GPU] = "1";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `${app.app}-${suffix}`,
      namespace,
      uid: "",
      labels: { app: app.app, "app.kubernetes.io/part-of": "berth-demo" },
      annotations: app.gpu ? { "sim.berth.dev/gpu-util": "60-95", "sim.berth.dev/gpu-memory": "20Gi-32Gi" } : {},
    },
    spec: {
      containers: [{ name: app.app, image: app.image, resources: { requests, limits } }],
      ...(app.gpu
        ? {
            tolerations: [{ key: GPU, operator: "Exists", effect: "NoSchedule" }],
            nodeSelector: { "nvidia.com/gpu.present": "true" },
          }
        : {}),
    },
  };
}

/** Places a pod the way the scheduler would (least allocated fit), or undefined if nothing fits. */
function place(pod: Pod, nodes: NodeState[], start: number): NodeState | undefined {
  const requests = podRequestAmounts(pod.spec);
  const fit = compilePod(pod.spec, requests);
  let best: NodeState | undefined;
  let bestScore = -1;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[(start + i) % nodes.length];
    if (filterNode(fit, node)) continue;
    const score = leastAllocatedScore(requests, node);
    if (score > bestScore) {
      bestScore = score;
      best = node;
    }
  }
  if (best) chargeNode(best, requests, 1);
  return best;
}

function runningStatus(pod: Pod, node: Node, ip: string, startedAt: string) {
  const hostIP = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
  const condition = (type: string) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: startedAt });
  return {
    phase: "Running",
    conditions: ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].map(condition),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime: startedAt,
    containerStatuses: pod.spec.containers.map((c) => ({
      name: c.name,
      image: c.image,
      imageID: imageID(c.image ?? ""),
      containerID: `containerd://${createHash("sha256").update(`${pod.metadata.namespace}/${pod.metadata.name}/${c.name}`).digest("hex")}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt } },
      lastState: {},
    })),
  };
}

interface NamespaceUsage {
  cpuMillis: number;
  memoryBytes: number;
  gpus: number;
  pods: number;
}

function addUsage(usage: Map<string, NamespaceUsage>, namespace: string, pod: Pod): void {
  const requests = podRequestAmounts(pod.spec);
  const total = usage.get(namespace) ?? { cpuMillis: 0, memoryBytes: 0, gpus: 0, pods: 0 };
  total.cpuMillis += requests.get("cpu") ?? 0;
  total.memoryBytes += requests.get("memory") ?? 0;
  total.gpus += requests.get(GPU) ?? 0;
  total.pods += 1;
  usage.set(namespace, total);
}

/**
 * One quota per demo namespace whose hard limits are 1.05–2.5× what the seeded pods use, so
 * quota pressure spreads from "nearly full" to "plenty left" (its own PRNG stream: seeding with
 * or without quotas places the same pods).
 */
function seedQuotas(store: Store, namespaces: string[], usage: Map<string, NamespaceUsage>, seed: number): void {
  const random = randomFrom(seed ^ 0x5eed);
  for (const namespace of namespaces) {
    const used = usage.get(namespace) ?? { cpuMillis: 0, memoryBytes: 0, gpus: 0, pods: 0 };
    const factor = 1.05 + random() * 1.45;
    const above = (amount: number, minimum: number) => Math.max(minimum, Math.ceil(amount * factor));
    store.create(
      "resourcequotas",
      {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: "demo-quota", namespace, labels: { "app.kubernetes.io/part-of": "berth-demo" } },
        spec: {
          hard: {
            "requests.cpu": `${above(used.cpuMillis, 1000)}m`,
            "requests.memory": `${above(used.memoryBytes / 2 ** 20, 1024)}Mi`,
            [`requests.${GPU}`]: String(above(used.gpus, 1)),
            pods: String(above(used.pods, 10)),
            "count/jobs.batch": "20",
          },
        },
      },
      { internal: true },
    );
  }
}

/** Seeds nodes, demo namespaces, running demo pods and (with `quotas`) a quota per namespace. */
export function seedCluster(store: Store, options: SeedOptions): void {
  const nodes: Node[] = [];
  for (let i = 0; i < options.nodes; i++)
    nodes.push(store.create("nodes", nodeObject(`sim-cpu-${i + 1}`, i, 0), { internal: true }) as Node);
  for (let i = 0; i < options.gpuNodes; i++) {
    nodes.push(
      store.create("nodes", nodeObject(`sim-gpu-${i + 1}`, options.nodes + i, options.gpusPerNode), {
        internal: true,
      }) as Node,
    );
  }
  if (options.pods <= 0) return;

  const random = randomFrom(options.seed);
  const namespaces = Array.from({ length: Math.max(1, options.namespaces) }, (_, i) => `demo-${i + 1}`);
  for (const name of namespaces) {
    if (!store.get("namespaces", undefined, name)) {
      store.create(
        "namespaces",
        { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name } } },
        { internal: true },
      );
    }
  }
  const states = nodes.map(nodeStateOf);
  const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const nextIP = new Map<string, number>();
  const gpuAvailable = options.gpuNodes > 0 && options.gpusPerNode > 0;
  const startedAt = nowTimestamp();
  const usage = new Map<string, NamespaceUsage>();
  for (let i = 0; i < options.pods; i++) {
    let pod = demoPod(random, namespaces[i % namespaces.length], gpuAvailable);
    let target = place(pod, states, i);
    // GPUs run out first: fall back to a CPU-only pod so the requested count still seeds.
    if (!target && pod.metadata.labels?.app === "trainer") {
      pod = demoPod(random, namespaces[i % namespaces.length], false);
      target = place(pod, states, i);
    }
    if (!target) continue; // the cluster is full: seed only what fits
    const node = byName.get(target.name)!;
    const host = nextIP.get(target.name) ?? 2;
    nextIP.set(target.name, host + 1);
    const prefix = (node.spec?.podCIDR ?? "10.244.0.0/24").split(".").slice(0, 3).join(".");
    const seeded = {
      ...pod,
      spec: { ...pod.spec, nodeName: target.name },
      status: runningStatus(pod, node, `${prefix}.${host}`, startedAt),
    };
    delete (seeded.metadata as { uid?: string }).uid;
    try {
      store.create("pods", seeded, { internal: true });
      addUsage(usage, pod.metadata.namespace!, pod);
    } catch {
      // A generated name collided: skip this one, the rest still seed.
    }
  }
  if (options.quotas) seedQuotas(store, namespaces, usage, options.seed);
}
