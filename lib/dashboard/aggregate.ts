import type { V1Container, V1Node, V1Pod, V1ResourceQuota } from "@kubernetes/client-node";

import { isQuantity, parseQuantity, unitValue } from "@berth/quantity";
import { BERTH_LABELS } from "@/lib/kube/labels";

/**
 * The dashboard's numbers for one cluster, kept up to date from watch events. Each pod is reduced
 * to a slim record; every event subtracts the pod's previous record from the running totals and
 * adds the new one, so neither an event nor a snapshot walks over all pods. Pure: no I/O, the
 * clock is passed in.
 */

export const GPU_RESOURCE = "nvidia.com/gpu";
/** The group of pods Berth did not start (no `berth.dev/run` or `berth.dev/project` label). */
export const NOT_FROM_BERTH = "not from Berth";
/** A Berth pod without the label a breakdown is by (e.g. a Spark executor has no exec-config). */
export const UNLABELLED = "(none)";
/** The label Berth puts on the quotas a namespace policy applies: the policy's name. */
export const POLICY_LABEL = BERTH_LABELS.policy;
export const QUOTA_WARNING_RATIO = 0.9;
export const PENDING_LIST_LIMIT = 50;
export const FAILED_LIST_LIMIT = 20;
const FAILED_WINDOW_MS = 3_600_000;
const REASON_MAX_LENGTH = 300;

export const DIMENSIONS = ["namespace", "project", "execConfig", "user", "activity"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type SlimPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

/** All the dashboard keeps of a pod. */
export interface SlimPod {
  uid: string;
  namespace: string;
  name: string;
  phase: SlimPhase;
  node: string | null;
  fromBerth: boolean;
  run: string | null;
  project: string | null;
  user: string | null;
  activity: string | null;
  execConfig: string | null;
  /** Whole nvidia.com/gpu the pod requests. */
  gpus: number;
  /** It asks for an NVIDIA device of any kind (nvidia.com/gpu, a MIG profile) or has resource claims (DRA). */
  mayHoldGpu: boolean;
  /** Why a Pending pod does not run yet, in the cluster's words. */
  pendingReason: string | null;
  /** Epoch ms: the pod's start (status.startTime), else its creation. */
  startedAt: number | null;
  /** Epoch ms a Failed pod ended. */
  finishedAt: number | null;
}

const ms = (value: Date | string | undefined | null): number | null => {
  if (!value) return null;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? null : time;
};

function wholeUnits(value: string | number | undefined): number {
  if (value === undefined || !isQuantity(value)) return 0;
  return Number(unitValue(parseQuantity(value)));
}

function containerGpus(container: V1Container): number {
  const resources = container.resources;
  // The scheduler reads the request, which defaults to the limit for extended resources.
  return wholeUnits(resources?.requests?.[GPU_RESOURCE] ?? resources?.limits?.[GPU_RESOURCE]);
}

/** Whole GPUs a pod requests: its containers' sum, or its largest init container if that is more. */
export function podGpus(pod: V1Pod): number {
  const regular = (pod.spec?.containers ?? []).reduce((sum, container) => sum + containerGpus(container), 0);
  const init = Math.max(0, ...(pod.spec?.initContainers ?? []).map(containerGpus));
  return Math.max(regular, init);
}

const NVIDIA_RESOURCE = /^nvidia\.com\//;

/** Whether a pod may be given an NVIDIA device: any nvidia.com/* request or limit, or a resource claim. */
export function podMayHoldGpu(pod: V1Pod): boolean {
  if ((pod.spec?.resourceClaims?.length ?? 0) > 0) return true;
  return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].some((container) =>
    [...Object.keys(container.resources?.requests ?? {}), ...Object.keys(container.resources?.limits ?? {})].some(
      (name) => NVIDIA_RESOURCE.test(name),
    ),
  );
}

const clip = (text: string) => (text.length > REASON_MAX_LENGTH ? `${text.slice(0, REASON_MAX_LENGTH - 1)}…` : text);

/** Why a Pending pod is not running: the scheduler's message, a waiting container's reason, or the step it is at. */
export function pendingReason(pod: V1Pod): string {
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === "PodScheduled");
  if (scheduled?.status === "False") return clip(scheduled.message || scheduled.reason || "Not scheduled yet");
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const waiting = statuses
    .map((status) => status.state?.waiting)
    .find((state) => state?.reason && state.reason !== "PodInitializing");
  if (waiting?.reason) return clip(waiting.message ? `${waiting.reason}: ${waiting.message}` : waiting.reason);
  if (!pod.spec?.nodeName) return "Waiting for the scheduler";
  return "ContainerCreating";
}

function failedAt(pod: V1Pod): number | null {
  const ends = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((status) => ms(status.state?.terminated?.finishedAt))
    .filter((time): time is number => time !== null);
  if (ends.length > 0) return Math.max(...ends);
  const ready = pod.status?.conditions?.find((condition) => condition.type === "Ready");
  return ms(ready?.lastTransitionTime);
}

const PHASES: readonly string[] = ["Pending", "Running", "Succeeded", "Failed"];

/** The slim record of a pod; null for an object without uid. `now` dates a failure the pod does not date. */
export function slimPod(pod: V1Pod, now: number): SlimPod | null {
  const uid = pod.metadata?.uid;
  if (!uid) return null;
  const labels = pod.metadata?.labels ?? {};
  const phaseText = pod.status?.phase ?? "Pending";
  const phase = (PHASES.includes(phaseText) ? phaseText : "Unknown") as SlimPhase;
  const fromBerth = Boolean(labels[BERTH_LABELS.run] || labels[BERTH_LABELS.project]);
  return {
    uid,
    namespace: pod.metadata?.namespace ?? "",
    name: pod.metadata?.name ?? "",
    phase,
    node: pod.spec?.nodeName ?? null,
    fromBerth,
    run: labels[BERTH_LABELS.run] || null,
    project: labels[BERTH_LABELS.project] || null,
    user: labels[BERTH_LABELS.user] || null,
    activity: labels[BERTH_LABELS.activity] || null,
    execConfig: labels[BERTH_LABELS.execConfig] || null,
    gpus: podGpus(pod),
    mayHoldGpu: podMayHoldGpu(pod),
    pendingReason: phase === "Pending" ? pendingReason(pod) : null,
    startedAt: ms(pod.status?.startTime) ?? ms(pod.metadata?.creationTimestamp),
    finishedAt: phase === "Failed" ? (failedAt(pod) ?? now) : null,
  };
}

const sameSlim = (a: SlimPod, b: SlimPod) => (Object.keys(a) as (keyof SlimPod)[]).every((key) => a[key] === b[key]);

/** The key a pod is counted under in a breakdown. */
export function dimensionKey(pod: SlimPod, dimension: Dimension): string {
  if (dimension === "namespace") return pod.namespace;
  if (!pod.fromBerth) return NOT_FROM_BERTH;
  return pod[dimension] ?? UNLABELLED;
}

/** One row of a breakdown: pods running and pending, GPUs held by the running ones. */
export interface Tally {
  running: number;
  pending: number;
  gpus: number;
}

export interface BreakdownRow extends Tally {
  key: string;
}

export interface PodRef {
  namespace: string;
  name: string;
  run: string | null;
  project: string | null;
  user: string | null;
}

export interface PendingPod extends PodRef {
  reason: string;
  /** ISO time the pod was created or started. */
  since: string | null;
  gpus: number;
}

export interface FailedPod extends PodRef {
  finishedAt: string;
}

export interface GpuHolder extends PodRef {
  gpus: number;
}

export interface GpuNode {
  node: string;
  allocatable: number;
  requested: number;
  /** Set when the node time-slices its GPUs: each physical GPU is advertised this many times. */
  replicas?: number;
  pods: GpuHolder[];
}

/**
 * The label NVIDIA GPU feature discovery puts on a node whose device plugin time-slices GPUs
 * (k8s-device-plugin `sharing.timeSlicing`): nvidia.com/gpu then counts replicas, not GPUs.
 */
export const GPU_REPLICAS_LABEL = "nvidia.com/gpu.replicas";

/** How many times the node advertises each physical GPU (1 unless time-sliced). */
export function nodeGpuReplicas(node: V1Node): number {
  const replicas = Math.floor(Number(node.metadata?.labels?.[GPU_REPLICAS_LABEL] ?? 1));
  return Number.isFinite(replicas) && replicas > 1 ? replicas : 1;
}

export interface QuotaResource {
  resource: string;
  hard: string;
  used: string;
  /** used / hard (1 when hard is 0 and something is used). */
  ratio: number;
}

export interface QuotaView {
  namespace: string;
  name: string;
  /** As in the ResourceQuota's status (its spec before the quota controller has filled the status). */
  hard: Record<string, string>;
  used: Record<string, string>;
  /** The highest used/hard ratio of its resources. */
  pressure: number;
  pressureResource: string | null;
  warning: boolean;
  /** The namespace policy that applied it (its `berth.dev/policy` label), null when made by hand. */
  policy: string | null;
  /** Projects of the pods running or pending in its namespace. */
  projects: string[];
  resources: QuotaResource[];
}

/** What the dashboard shows of a cluster, computed from the aggregated state. */
export interface ClusterAggregates {
  totalPods: number;
  runningPods: number;
  pendingPods: number;
  failedLastHour: number;
  /** The oldest pending pods (at most PENDING_LIST_LIMIT), with why they wait. */
  pending: PendingPod[];
  /** The latest failures of the last hour (at most FAILED_LIST_LIMIT). */
  failed: FailedPod[];
  breakdown: Record<Dimension, BreakdownRow[]>;
  gpu: {
    /** Sum of the nodes' allocatable nvidia.com/gpu. */
    allocatable: number;
    /** The physical GPUs behind it: allocatable ÷ replicas on time-sliced nodes, each GPU once. */
    physical: number;
    /** Whole GPUs requested by running pods. */
    requested: number;
    nodes: GpuNode[];
    projects: { project: string; gpus: number }[];
  };
  quotas: QuotaView[];
}

interface QuotaRecord {
  namespace: string;
  name: string;
  hard: Record<string, string>;
  used: Record<string, string>;
  policy: string | null;
  resources: QuotaResource[];
  pressure: number;
  pressureResource: string | null;
}

function ratioOf(used: string | undefined, hard: string): number {
  if (!isQuantity(hard)) return 0;
  const hardNano = parseQuantity(hard).nano;
  const usedNano = used !== undefined && isQuantity(used) ? parseQuantity(used).nano : 0n;
  if (hardNano <= 0n) return usedNano > 0n ? 1 : 0;
  return Number(usedNano) / Number(hardNano);
}

const stringMap = (map: Record<string, unknown> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(map ?? {}).map(([key, value]) => [key, String(value)]));

/** A quota's maps and its pressure (the most used resource, relative to its hard limit). */
export function quotaRecord(quota: V1ResourceQuota): QuotaRecord {
  const hard = stringMap(quota.status?.hard ?? quota.spec?.hard);
  const used = stringMap(quota.status?.used);
  const resources = Object.keys(hard)
    .sort()
    .map((resource) => ({
      resource,
      hard: hard[resource],
      used: used[resource] ?? "0",
      ratio: ratioOf(used[resource], hard[resource]),
    }));
  let pressure = 0;
  let pressureResource: string | null = null;
  for (const resource of resources) {
    if (pressureResource === null || resource.ratio > pressure) {
      pressure = resource.ratio;
      pressureResource = resource.resource;
    }
  }
  return {
    namespace: quota.metadata?.namespace ?? "",
    name: quota.metadata?.name ?? "",
    hard,
    used,
    policy: quota.metadata?.labels?.[POLICY_LABEL] ?? null,
    resources,
    pressure,
    pressureResource,
  };
}

const podRef = (pod: SlimPod): PodRef => ({
  namespace: pod.namespace,
  name: pod.name,
  run: pod.run,
  project: pod.project,
  user: pod.user,
});
const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString());
/** Alphabetical, with the pods Berth did not start last. */
const byKey = (a: { key: string }, b: { key: string }) =>
  Number(a.key === NOT_FROM_BERTH) - Number(b.key === NOT_FROM_BERTH) || a.key.localeCompare(b.key);

function increment<K>(map: Map<K, number>, key: K, delta: number): void {
  const next = (map.get(key) ?? 0) + delta;
  if (next === 0) map.delete(key);
  else map.set(key, next);
}

export type WatchEvent<T> = { type: "add" | "update" | "delete"; object: T };

/**
 * The incremental aggregator of one cluster. `applyPod/applyNode/applyQuota` take watch events
 * (add and update are both upserts, so replayed or duplicated events change nothing);
 * `replace*` reconciles with a full list (after a relist). `version` grows with every change that
 * moves a number, so callers can cache what they derive from a snapshot.
 */
export class ClusterAggregator {
  private readonly pods = new Map<string, SlimPod>();
  /** uid by `namespace/name`, to join metrics that name pods. */
  private readonly uidByName = new Map<string, string>();
  private readonly pendingPods = new Map<string, SlimPod>();
  private readonly failedPods = new Map<string, SlimPod>();
  private readonly tallies = new Map<Dimension, Map<string, Tally>>(
    DIMENSIONS.map((dimension) => [dimension, new Map()]),
  );
  /** Running GPU pods per node, by uid. */
  private readonly gpuHolders = new Map<string, Map<string, SlimPod>>();
  /** Running or pending Berth pods per namespace and project: who uses a namespace's quota. */
  private readonly namespaceProjects = new Map<string, Map<string, number>>();
  private readonly nodeGpus = new Map<string, number>();
  /** Time-sliced nodes only: replicas per physical GPU. */
  private readonly nodeReplicas = new Map<string, number>();
  private readonly quotas = new Map<string, QuotaRecord>();
  private running = 0;
  private requestedGpus = 0;
  private allocatableGpus = 0;
  /**
   * Bumped when a quota or the projects using a namespace change: the sorted quota views are kept
   * until then, as a cluster of 1,000 quotas would otherwise sort them again for every pod change.
   */
  private quotaVersion = 0;
  private quotaViews: { version: number; value: QuotaView[] } | null = null;
  version = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** Applies one pod event; returns whether anything the dashboard shows changed. */
  applyPod(event: WatchEvent<V1Pod>): boolean {
    const uid = event.object.metadata?.uid;
    if (!uid) return false;
    const previous = this.pods.get(uid);
    const next = event.type === "delete" ? null : slimPod(event.object, this.clock());
    // A failure keeps the time first seen, so an object without end times does not look newer on every update.
    if (next?.phase === "Failed" && previous?.phase === "Failed") next.finishedAt = previous.finishedAt;
    if (previous && next && sameSlim(previous, next)) return false;
    if (!previous && !next) return false;
    if (previous) this.count(previous, -1);
    if (previous && this.uidByName.get(`${previous.namespace}/${previous.name}`) === uid)
      this.uidByName.delete(`${previous.namespace}/${previous.name}`);
    if (next) {
      this.pods.set(uid, next);
      this.uidByName.set(`${next.namespace}/${next.name}`, uid);
      this.count(next, 1);
    } else {
      this.pods.delete(uid);
    }
    // Map.set on a present key keeps its place: pending pods stay in the order they arrived.
    for (const [phase, members] of [
      ["Pending", this.pendingPods],
      ["Failed", this.failedPods],
    ] as const) {
      if (next?.phase === phase) members.set(uid, next);
      else members.delete(uid);
    }
    this.version += 1;
    return true;
  }

  applyNode(event: WatchEvent<V1Node>): boolean {
    const name = event.object.metadata?.name;
    if (!name) return false;
    const previous = this.nodeGpus.get(name);
    const next = event.type === "delete" ? undefined : wholeUnits(event.object.status?.allocatable?.[GPU_RESOURCE]);
    const replicas = event.type === "delete" ? 1 : nodeGpuReplicas(event.object);
    if (previous === next && (this.nodeReplicas.get(name) ?? 1) === replicas) return false;
    if (replicas > 1) this.nodeReplicas.set(name, replicas);
    else this.nodeReplicas.delete(name);
    this.allocatableGpus += (next ?? 0) - (previous ?? 0);
    if (next === undefined) this.nodeGpus.delete(name);
    else this.nodeGpus.set(name, next);
    this.version += 1;
    return true;
  }

  applyQuota(event: WatchEvent<V1ResourceQuota>): boolean {
    const uid = event.object.metadata?.uid;
    if (!uid) return false;
    if (event.type === "delete") {
      if (!this.quotas.delete(uid)) return false;
    } else {
      const next = quotaRecord(event.object);
      const previous = this.quotas.get(uid);
      if (previous && JSON.stringify(previous) === JSON.stringify(next)) return false;
      this.quotas.set(uid, next);
    }
    this.quotaVersion += 1;
    this.version += 1;
    return true;
  }

  /** Reconciles pods with a full list: removes the ones not in it, upserts the rest. */
  replacePods(pods: readonly V1Pod[]): boolean {
    return this.replace(
      pods,
      new Set(this.pods.keys()),
      (pod) => pod.metadata?.uid,
      (event) => this.applyPod(event),
      (uid) => this.podObject(uid),
    );
  }

  replaceNodes(nodes: readonly V1Node[]): boolean {
    return this.replace(
      nodes,
      new Set(this.nodeGpus.keys()),
      (node) => node.metadata?.name,
      (event) => this.applyNode(event),
      (name) => ({ metadata: { name } }),
    );
  }

  replaceQuotas(quotas: readonly V1ResourceQuota[]): boolean {
    return this.replace(
      quotas,
      new Set(this.quotas.keys()),
      (quota) => quota.metadata?.uid,
      (event) => this.applyQuota(event),
      (uid) => ({ metadata: { uid } }),
    );
  }

  private podObject(uid: string): V1Pod {
    const pod = this.pods.get(uid);
    return { metadata: { uid, namespace: pod?.namespace, name: pod?.name } };
  }

  private replace<T>(
    items: readonly T[],
    known: Set<string>,
    keyOf: (item: T) => string | undefined,
    apply: (event: WatchEvent<T>) => boolean,
    stub: (key: string) => T,
  ): boolean {
    let changed = false;
    for (const item of items) {
      const key = keyOf(item);
      if (key) known.delete(key);
      changed = apply({ type: "update", object: item }) || changed;
    }
    for (const key of known) changed = apply({ type: "delete", object: stub(key) }) || changed;
    return changed;
  }

  private tally(dimension: Dimension, key: string, delta: Tally): void {
    const map = this.tallies.get(dimension)!;
    const current = map.get(key) ?? { running: 0, pending: 0, gpus: 0 };
    const next = {
      running: current.running + delta.running,
      pending: current.pending + delta.pending,
      gpus: current.gpus + delta.gpus,
    };
    if (next.running === 0 && next.pending === 0 && next.gpus === 0) map.delete(key);
    else map.set(key, next);
  }

  /** Adds (sign 1) or removes (sign -1) a pod's contribution to every total. */
  private count(pod: SlimPod, sign: 1 | -1): void {
    const running = pod.phase === "Running";
    const pending = pod.phase === "Pending";
    if (running || pending) {
      const delta = { running: running ? sign : 0, pending: pending ? sign : 0, gpus: running ? sign * pod.gpus : 0 };
      for (const dimension of DIMENSIONS) this.tally(dimension, dimensionKey(pod, dimension), delta);
      if (pod.fromBerth) {
        this.quotaVersion += 1;
        let projects = this.namespaceProjects.get(pod.namespace);
        if (!projects) this.namespaceProjects.set(pod.namespace, (projects = new Map()));
        increment(projects, pod.project ?? UNLABELLED, sign);
        if (projects.size === 0) this.namespaceProjects.delete(pod.namespace);
      }
    }
    if (running) {
      this.running += sign;
      this.requestedGpus += sign * pod.gpus;
      if (pod.gpus > 0 && pod.node) {
        let holders = this.gpuHolders.get(pod.node);
        if (!holders) this.gpuHolders.set(pod.node, (holders = new Map()));
        if (sign > 0) holders.set(pod.uid, pod);
        else holders.delete(pod.uid);
        if (holders.size === 0) this.gpuHolders.delete(pod.node);
      }
    }
  }

  private physicalGpus(): number {
    let physical = 0;
    for (const [name, gpus] of this.nodeGpus) physical += Math.ceil(gpus / (this.nodeReplicas.get(name) ?? 1));
    return physical;
  }

  /** The record of the pod with this name, in any phase. */
  podNamed(namespace: string, name: string): SlimPod | undefined {
    const uid = this.uidByName.get(`${namespace}/${name}`);
    return uid === undefined ? undefined : this.pods.get(uid);
  }

  /** The pod records of running GPU holders (few): for joining metrics and live GPU-hours. */
  gpuPods(): SlimPod[] {
    return [...this.gpuHolders.values()].flatMap((holders) => [...holders.values()]);
  }

  /** The dashboard's numbers now. Costs the number of groups, quotas, GPU nodes and failures, not of pods. */
  snapshot(): ClusterAggregates {
    const now = this.clock();
    const pending: PendingPod[] = [];
    for (const pod of this.pendingPods.values()) {
      // Insertion order is roughly creation order: the first ones waited longest.
      if (pending.length >= PENDING_LIST_LIMIT) break;
      pending.push({ ...podRef(pod), reason: pod.pendingReason ?? "", since: iso(pod.startedAt), gpus: pod.gpus });
    }
    const recentFailures = [...this.failedPods.values()].filter(
      (pod) => pod.finishedAt !== null && now - pod.finishedAt <= FAILED_WINDOW_MS,
    );
    recentFailures.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
    const breakdown = Object.fromEntries(
      DIMENSIONS.map((dimension) => [
        dimension,
        [...this.tallies.get(dimension)!].map(([key, tally]) => ({ key, ...tally })).sort(byKey),
      ]),
    ) as Record<Dimension, BreakdownRow[]>;
    const gpuNodeNames = new Set([
      ...[...this.nodeGpus].filter(([, gpus]) => gpus > 0).map(([name]) => name),
      ...this.gpuHolders.keys(),
    ]);
    const nodes = [...gpuNodeNames].sort().map((node) => {
      const holders = [...(this.gpuHolders.get(node)?.values() ?? [])].map((pod) => ({
        ...podRef(pod),
        gpus: pod.gpus,
      }));
      holders.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      const replicas = this.nodeReplicas.get(node);
      return {
        node,
        allocatable: this.nodeGpus.get(node) ?? 0,
        requested: holders.reduce((sum, pod) => sum + pod.gpus, 0),
        ...(replicas ? { replicas } : {}),
        pods: holders,
      };
    });
    const projects = breakdown.project
      .filter((row) => row.gpus > 0)
      .map((row) => ({ project: row.key, gpus: row.gpus }));
    return {
      totalPods: this.pods.size,
      runningPods: this.running,
      pendingPods: this.pendingPods.size,
      failedLastHour: recentFailures.length,
      pending,
      failed: recentFailures
        .slice(0, FAILED_LIST_LIMIT)
        .map((pod) => ({ ...podRef(pod), finishedAt: new Date(pod.finishedAt ?? now).toISOString() })),
      breakdown,
      gpu: {
        allocatable: this.allocatableGpus,
        physical: this.physicalGpus(),
        requested: this.requestedGpus,
        nodes,
        projects,
      },
      quotas: this.sortedQuotaViews(),
    };
  }

  /** Every quota's view, most pressed first; rebuilt only after a quota or a namespace's projects changed. */
  private sortedQuotaViews(): QuotaView[] {
    if (this.quotaViews?.version === this.quotaVersion) return this.quotaViews.value;
    const quotas = [...this.quotas.values()]
      .map(({ namespace, name, hard, used, policy, resources, pressure, pressureResource }) => ({
        namespace,
        name,
        hard,
        used,
        pressure,
        pressureResource,
        warning: pressure >= QUOTA_WARNING_RATIO,
        policy,
        projects: [...(this.namespaceProjects.get(namespace)?.keys() ?? [])].sort(),
        resources,
      }))
      .sort(
        (a, b) => b.pressure - a.pressure || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
      );
    this.quotaViews = { version: this.quotaVersion, value: quotas };
    return quotas;
  }
}
