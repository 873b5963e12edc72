import type { CoreV1Event, V1Container, V1Pod } from "@kubernetes/client-node";

import { BERTH_PREFIX } from "./labels";

/** One line of a pod list: what `kubectl get pods -o wide` shows. */
export interface PodSummary {
  namespace: string;
  name: string;
  phase: string;
  /** The waiting/terminated reason of the first unhappy container, else the pod's reason. */
  reason: string | null;
  ready: string;
  restarts: number;
  node: string | null;
  createdAt: string | null;
}

export interface ContainerDescription {
  name: string;
  image: string;
  ready: boolean;
  restarts: number;
  state: "waiting" | "running" | "terminated" | "unknown";
  reason: string | null;
  message: string | null;
  exitCode: number | null;
  /** Set for init containers: `sidecar` for a native sidecar (restartPolicy Always), else `init`. */
  kind?: "init" | "sidecar";
}

export interface EventSummary {
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  lastSeen: string | null;
}

/** What `kubectl describe pod` shows that matters to a person: status, conditions, containers, events. */
export interface PodDescription extends PodSummary {
  podIP: string | null;
  labels: Record<string, string>;
  conditions: { type: string; status: string; reason: string | null; message: string | null }[];
  containers: ContainerDescription[];
  events: EventSummary[];
}

const time = (value: Date | string | undefined | null): string | null => (value ? new Date(value).toISOString() : null);

/** A pod's phase, counting a pod being deleted as "Terminating" as kubectl does. */
export function podPhase(pod: V1Pod): string {
  if (pod.metadata?.deletionTimestamp) return "Terminating";
  return pod.status?.phase ?? "Unknown";
}

/** Whether a pod has run to its end (Succeeded or Failed): what "delete finished pods" removes. */
export function isFinishedPod(pod: V1Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

function containerDescriptions(pod: V1Pod, init = false): ContainerDescription[] {
  const statuses = new Map(
    ((init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses) ?? []).map((status) => [
      status.name,
      status,
    ]),
  );
  return ((init ? pod.spec?.initContainers : pod.spec?.containers) ?? []).map((container) => {
    const status = statuses.get(container.name);
    const state = status?.state;
    const detail = state?.terminated ?? state?.waiting;
    return {
      name: container.name,
      image: container.image ?? "",
      ready: status?.ready ?? false,
      restarts: status?.restartCount ?? 0,
      state: state?.terminated ? "terminated" : state?.running ? "running" : state?.waiting ? "waiting" : "unknown",
      reason: detail?.reason ?? null,
      message: detail?.message ?? null,
      exitCode: state?.terminated?.exitCode ?? null,
      ...(init ? { kind: container.restartPolicy === "Always" ? ("sidecar" as const) : ("init" as const) } : {}),
    };
  });
}

/**
 * kubectl's `Init:<reason>` for a pod held up by an init container: one that exited non-zero
 * (`Init:Error`) or waits for anything but its turn (`Init:CrashLoopBackOff`). Null otherwise.
 */
function initReason(pod: V1Pod): string | null {
  for (const status of pod.status?.initContainerStatuses ?? []) {
    const terminated = status.state?.terminated;
    if (terminated && terminated.exitCode !== 0)
      return `Init:${terminated.reason ?? `ExitCode:${terminated.exitCode}`}`;
    const waiting = status.state?.waiting?.reason;
    if (waiting && waiting !== "PodInitializing") return `Init:${waiting}`;
  }
  return null;
}

/** The summary line of a pod. */
export function podSummary(pod: V1Pod): PodSummary {
  const containers = containerDescriptions(pod);
  const unhappy = containers.find((container) => container.reason && container.reason !== "Completed");
  return {
    namespace: pod.metadata?.namespace ?? "",
    name: pod.metadata?.name ?? "",
    phase: podPhase(pod),
    reason: initReason(pod) ?? unhappy?.reason ?? pod.status?.reason ?? null,
    ready: `${containers.filter((container) => container.ready).length}/${containers.length}`,
    restarts: containers.reduce((sum, container) => sum + container.restarts, 0),
    node: pod.spec?.nodeName ?? null,
    createdAt: time(pod.metadata?.creationTimestamp),
  };
}

/**
 * When an event was last seen, in both styles: core/v1 recorders set `lastTimestamp`, events.k8s.io
 * recorders (kube-scheduler, and core/v1 events newer components write) set a microsecond
 * `eventTime` and keep repeats in `series.lastObservedTime`. The latest of them counts.
 */
export function eventLastSeen(event: CoreV1Event): Date | null {
  const times = [event.series?.lastObservedTime, event.lastTimestamp, event.eventTime, event.firstTimestamp]
    .map((value) => (value ? new Date(value).getTime() : Number.NaN))
    .filter((value) => Number.isFinite(value));
  if (times.length) return new Date(Math.max(...times));
  return event.metadata?.creationTimestamp ? new Date(event.metadata.creationTimestamp) : null;
}

/** How often an event happened: its series' count (events.k8s.io style), else `count`, at least once. */
export function eventCount(event: CoreV1Event): number {
  const count = event.series?.count ?? event.count;
  return count && count > 0 ? count : 1;
}

/** An event as one line: type, reason, message, the object it is about, how often and when last. */
export function eventSummary(event: CoreV1Event): EventSummary {
  const involved = event.involvedObject;
  return {
    type: event.type ?? "Normal",
    reason: event.reason ?? "",
    message: event.message ?? "",
    object: `${(involved.kind ?? "").toLowerCase()}/${involved.name ?? ""}`,
    count: eventCount(event),
    lastSeen: time(eventLastSeen(event)),
  };
}

/** Newest first, the order a person reads events in. */
export function byLastSeenDescending(a: EventSummary, b: EventSummary): number {
  return (b.lastSeen ?? "").localeCompare(a.lastSeen ?? "");
}

/** The describe-like view of a pod with the events about it. */
export function describePod(pod: V1Pod, events: CoreV1Event[]): PodDescription {
  return {
    ...podSummary(pod),
    podIP: pod.status?.podIP ?? null,
    labels: pod.metadata?.labels ?? {},
    conditions: (pod.status?.conditions ?? []).map((condition) => ({
      type: condition.type,
      status: condition.status,
      reason: condition.reason ?? null,
      message: condition.message ?? null,
    })),
    containers: [...containerDescriptions(pod, true), ...containerDescriptions(pod)],
    events: events.map(eventSummary).sort(byLastSeenDescending),
  };
}

const NVIDIA_RESOURCE_PREFIX = "nvidia.com/";
/** One shared empty list for every compact pod without NVIDIA containers (the field is required). */
const NO_CONTAINERS = Object.freeze([]) as unknown as V1Container[];

/** Whether Berth made this pod (a run's or a build's): the pods whose whole object somebody reads. */
export function isBerthPod(pod: V1Pod): boolean {
  for (const key in pod.metadata?.labels ?? {}) if (key.startsWith(BERTH_PREFIX)) return true;
  return false;
}

/** The containers that ask for an NVIDIA device, each reduced to its name and those requests and limits. */
function nvidiaContainers(containers: readonly V1Container[] | undefined): V1Container[] | undefined {
  let kept: V1Container[] | undefined;
  for (const container of containers ?? []) {
    const pick = (map: Record<string, string> | undefined) => {
      let out: Record<string, string> | undefined;
      for (const key in map ?? {}) if (key.startsWith(NVIDIA_RESOURCE_PREFIX)) (out ??= {})[key] = map![key];
      return out;
    };
    const requests = pick(container.resources?.requests);
    const limits = pick(container.resources?.limits);
    if (!requests && !limits) continue;
    (kept ??= []).push({
      name: container.name,
      resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
    });
  }
  return kept;
}

/**
 * What the shared pods cache keeps of a pod Berth did not make: a cluster of 100,000 such pods is
 * only counted (phase, node, GPUs, why it waits, when it failed), so a full object (4–5 kB in
 * memory) would be spent on fields nobody reads. Kept: identity and resourceVersion, creation and
 * deletion times, node, the containers that ask for NVIDIA devices (only those requests and
 * limits), resource claims, phase and start time; conditions and container statuses only while
 * the pod is not Running or Succeeded (why it waits, when it failed). Berth's own pods (any
 * `berth.dev/` label) are returned as they are: runs and builds read their whole objects.
 * `intern` shares repeated strings (namespaces, nodes, phases) between pods.
 */
export function compactPod(pod: V1Pod, intern: (text: string) => string = (text) => text): V1Pod {
  if (isBerthPod(pod)) return pod;
  const metadata = pod.metadata ?? {};
  const spec = pod.spec;
  const status = pod.status;
  const phase = status?.phase;
  const settled = phase === "Running" || phase === "Succeeded";
  const containers = nvidiaContainers(spec?.containers);
  const initContainers = nvidiaContainers(spec?.initContainers);
  return {
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace === undefined ? undefined : intern(metadata.namespace),
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
      creationTimestamp: metadata.creationTimestamp,
      ...(metadata.deletionTimestamp ? { deletionTimestamp: metadata.deletionTimestamp } : {}),
    },
    spec: {
      containers: containers ?? NO_CONTAINERS,
      ...(initContainers ? { initContainers } : {}),
      ...(spec?.resourceClaims?.length ? { resourceClaims: spec.resourceClaims } : {}),
      ...(spec?.nodeName ? { nodeName: intern(spec.nodeName) } : {}),
    },
    status: {
      ...(phase ? { phase: intern(phase) } : {}),
      ...(status?.startTime ? { startTime: status.startTime } : {}),
      ...(status?.reason ? { reason: intern(status.reason) } : {}),
      ...(!settled && status?.conditions ? { conditions: status.conditions } : {}),
      ...(!settled && status?.containerStatuses ? { containerStatuses: status.containerStatuses } : {}),
      ...(!settled && status?.initContainerStatuses ? { initContainerStatuses: status.initContainerStatuses } : {}),
    },
  };
}
