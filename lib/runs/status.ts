/**
 * Pure derivation of a run's live status from its pods, in words a data scientist can act on.
 * No I/O: the reconciler feeds it pods from the shared informer; tests feed it pod shapes.
 */
import type { CoreV1Event, V1ContainerStatus, V1Pod } from "@kubernetes/client-node";

import { addQuantities, formatQuantity, isQuantity, parseQuantity } from "@berth/quantity";
import type { RunStatus, RunTransition } from "@/db/schema";
import { eventLastSeen } from "@/lib/kube/pods";

/** The statuses a run's pods can show; queued, aborted and lost are decided by Berth itself. */
export type LiveRunStatus = "pending" | "running" | "succeeded" | "failed";

export interface DerivedRunStatus {
  status: LiveRunStatus;
  /** Plain-words why: pending or failed (and a running Spark job whose executors wait). */
  reason: string | null;
  exitCode: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const FINAL_RUN_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "aborted", "lost"];

/** Whether a run has ended for good: nothing the cluster says changes it any more. */
export function isFinalRunStatus(status: RunStatus): boolean {
  return FINAL_RUN_STATUSES.includes(status);
}

/** The label Spark puts on driver and executor pods. */
export const SPARK_ROLE_LABEL = "spark-role";

// Objects from a list carry Date, from a watch strings: read every time through Date.
const toDate = (value: Date | string | undefined | null): Date | null => (value ? new Date(value) : null);

function earliest(dates: (Date | null)[]): Date | null {
  const known = dates.filter((date): date is Date => date !== null);
  return known.length ? new Date(Math.min(...known.map((date) => date.getTime()))) : null;
}

function latest(dates: (Date | null)[]): Date | null {
  const known = dates.filter((date): date is Date => date !== null);
  return known.length ? new Date(Math.max(...known.map((date) => date.getTime()))) : null;
}

const created = (pod: V1Pod): number => toDate(pod.metadata?.creationTimestamp)?.getTime() ?? 0;

/** The Spark role of a pod ("driver", "executor"), or null for a plain pod. */
export function sparkRole(pod: V1Pod): string | null {
  return pod.metadata?.labels?.[SPARK_ROLE_LABEL] ?? null;
}

/**
 * The pod that decides a run's status: the Spark driver (by label; in client mode the one pod
 * that is not an executor), else the newest pod. Null when there is none.
 */
export function decidingPod(pods: readonly V1Pod[]): V1Pod | null {
  const candidates = pods.filter((pod) => sparkRole(pod) !== "executor");
  const drivers = candidates.filter((pod) => sparkRole(pod) === "driver");
  const pool = drivers.length ? drivers : candidates;
  return [...pool].sort((a, b) => created(b) - created(a))[0] ?? null;
}

/**
 * The node summary of the scheduler's message, without what PostFilter plugins append and without
 * the final period. kube-scheduler's FitError.Error (pkg/scheduler/framework/types.go, v1.37) writes
 * "0/N nodes are available: <PreFilter message>." or "…: <sorted histogram>." and then, after a
 * space, the PostFilter plugins' reasons joined by ", " (schedule_one.go): "preemption: …", and on
 * schedulers running DynamicResources first, "no new claims to deallocate, preemption: …". The
 * histogram's reasons hold no ". ", so the summary ends at the first one.
 */
export function schedulerMessage(message: string): string {
  const summary = /^(.*?\b\d+\/\d+ nodes are available:.*?)\.(?:\s|$)/s.exec(message.trim());
  if (summary) return summary[1].trim();
  return message
    .replace(/\s*preemption:.*$/s, "")
    .trim()
    .replace(/\.$/, "");
}

/**
 * Untolerated taints in every scheduler's words: "node(s) had taint {k: v}, that the pod didn't
 * tolerate" (up to 1.24), "node(s) had untolerated taint {k: v}" (1.25–1.36, naming one taint),
 * "node(s) had untolerated taint(s)" (1.37, naming none) and "node(s) had taints that the pod
 * didn't tolerate" (the plugin's generic reason).
 */
const UNTOLERATED_TAINT = /node\(s\) had (?:untolerated taint|taints? .*?that the pod didn't tolerate)/;
const NAMED_TAINT = /node\(s\) had (?:untolerated )?taint \{([^}]*)\}/;

/** What the pod's containers ask for a resource (requests, else limits), summed; null when none asks or it is unreadable. */
function requestedAmount(pod: V1Pod, resource: string): string | null {
  const amounts = (pod.spec?.containers ?? [])
    .map((container) => container.resources?.requests?.[resource] ?? container.resources?.limits?.[resource])
    .filter((amount) => amount !== undefined && isQuantity(amount));
  if (!amounts.length) return null;
  return formatQuantity(amounts.map((amount) => parseQuantity(amount)).reduce(addQuantities));
}

/** "Why pending" from the scheduler's Unschedulable message: the first cause in words, then the message itself. */
export function unschedulableReason(pod: V1Pod, message: string): string {
  const text = schedulerMessage(message);
  const insufficient = /Insufficient ([A-Za-z0-9./_-]+)/.exec(text);
  if (insufficient) {
    const resource = insufficient[1];
    const amount = requestedAmount(pod, resource);
    return `No node has ${amount ? `${amount} free ${resource}` : `enough free ${resource}`}: ${text}`;
  }
  if (/didn't match Pod's node affinity\/selector/.test(text))
    return `No node matches the pod's node selector or affinity: ${text}`;
  if (UNTOLERATED_TAINT.test(text)) {
    const named = NAMED_TAINT.exec(text);
    return `Every node has a taint the pod does not tolerate${named ? ` (${named[1]})` : ""}: ${text}`;
  }
  if (/Too many pods/.test(text)) return `Every node is full (too many pods): ${text}`;
  if (/unschedulable/.test(text)) return `Every node is cordoned (unschedulable): ${text}`;
  return `The scheduler cannot place the pod: ${text}`;
}

const IMAGE_PULL_REASONS = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "RegistryUnavailable",
]);

function containerImage(pod: V1Pod, status: V1ContainerStatus): string {
  return pod.spec?.containers?.find((container) => container.name === status.name)?.image ?? status.image ?? "";
}

function allContainerStatuses(pod: V1Pod): V1ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

/** Events seen while a pod waits on its node that say why it cannot start (the kubelet's words). */
const BLOCKING_EVENTS = new Set([
  "FailedMount",
  "FailedAttachVolume",
  "FailedCreatePodSandBox",
  "FailedCreatePodContainer",
  "Failed",
  "FailedSync",
]);

/** The newest Warning event about the pod that says why it cannot start, if any. */
function blockingEvent(pod: V1Pod, events: readonly CoreV1Event[]): CoreV1Event | undefined {
  const name = pod.metadata?.name;
  const seen = (event: CoreV1Event) => eventLastSeen(event)?.getTime() ?? 0;
  return events
    .filter(
      (event) =>
        event.type === "Warning" && event.involvedObject?.name === name && BLOCKING_EVENTS.has(event.reason ?? ""),
    )
    .sort((a, b) => seen(b) - seen(a))[0];
}

/**
 * An init container that failed (Init:Error) or keeps failing (Init:CrashLoopBackOff), named with
 * its exit code: often one a webhook injected (istio-init), which the user never wrote. Native
 * sidecars (init containers with restartPolicy Always) count only when they fail too.
 */
export function failedInitContainer(pod: V1Pod): string | null {
  for (const status of pod.status?.initContainerStatuses ?? []) {
    const terminated = status.state?.terminated;
    const looping = status.state?.waiting?.reason === "CrashLoopBackOff";
    const exit = terminated ?? (looping ? status.lastState?.terminated : undefined);
    if (!exit || exit.exitCode === 0) continue;
    const kind = looping ? "Init:CrashLoopBackOff" : `Init:${exit.reason ?? "Error"}`;
    const restarting = looping ? " and is being restarted" : "";
    const detail = exit.message?.trim() ? `: ${exit.message.trim()}` : "";
    return `The init container "${status.name}" failed with exit code ${exit.exitCode}${restarting} (${kind})${detail}`;
  }
  return null;
}

/** Why a pod that has not finished is still pending, in plain words; `events` about it explain a stuck start. */
export function pendingReason(pod: V1Pod, events: readonly CoreV1Event[] = []): string {
  const scheduled = pod.status?.conditions?.find((condition) => condition.type === "PodScheduled");
  if (scheduled?.status === "False") {
    if (scheduled.reason === "Unschedulable" && scheduled.message) return unschedulableReason(pod, scheduled.message);
    if (scheduled.reason === "SchedulingGated") return "The pod waits for its scheduling gates to be removed";
    return scheduled.message
      ? `The pod is not scheduled yet: ${scheduled.message}`
      : "Waiting for the scheduler to place the pod";
  }
  for (const status of allContainerStatuses(pod)) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason) continue;
    if (IMAGE_PULL_REASONS.has(waiting.reason)) {
      return `The image ${containerImage(pod, status)} cannot be pulled (${waiting.reason})${waiting.message ? `: ${waiting.message}` : ""}`;
    }
    if (waiting.reason === "CreateContainerConfigError" || waiting.reason === "CreateContainerError") {
      return `The container "${status.name}" cannot be created (${waiting.reason})${waiting.message ? `: ${waiting.message}` : ""}`;
    }
  }
  const initFailure = failedInitContainer(pod);
  if (initFailure) return initFailure;
  const node = pod.spec?.nodeName;
  if (!node) return "Waiting for the scheduler to place the pod";
  const blocked = blockingEvent(pod, events);
  if (blocked)
    return `The container cannot start on node ${node} (${blocked.reason}): ${blocked.message ?? "no message"}`;
  const waitingReason = allContainerStatuses(pod).find((status) => status.state?.waiting?.reason)?.state?.waiting
    ?.reason;
  // A started native sidecar keeps running beside the app: it is not what the pod waits for.
  const sidecars = new Set(
    (pod.spec?.initContainers ?? [])
      .filter((container) => container.restartPolicy === "Always")
      .map((container) => container.name),
  );
  const initializing = (pod.status?.initContainerStatuses ?? []).some(
    (status) => (status.state?.running && !sidecars.has(status.name)) || status.state?.waiting,
  );
  if (waitingReason === "PodInitializing" || initializing) return `Running init containers on node ${node}`;
  return `Scheduled on node ${node}; pulling the image and creating the container`;
}

/** The main container's termination: the first non-zero one, else the first one. */
function terminatedState(pod: V1Pod) {
  const terminated = (pod.status?.containerStatuses ?? [])
    .map((status) => ({ status, state: status.state?.terminated ?? status.lastState?.terminated }))
    .filter((entry) => entry.state);
  return terminated.find((entry) => entry.state!.exitCode !== 0) ?? terminated[0] ?? null;
}

function memoryLimit(pod: V1Pod, containerName: string): string | null {
  const container = pod.spec?.containers?.find((candidate) => candidate.name === containerName);
  const limit = container?.resources?.limits?.memory ?? container?.resources?.requests?.memory;
  return limit === undefined ? null : String(limit);
}

/** Why a pod failed: eviction, deadline, OOM (explained), or the exit code and reason. */
export function failureReason(pod: V1Pod): { reason: string; exitCode: number | null } {
  const podReason = pod.status?.reason;
  const podMessage = pod.status?.message;
  const terminated = terminatedState(pod);
  const exitCode = terminated?.state?.exitCode ?? null;
  if (podReason === "Evicted") {
    const node = pod.spec?.nodeName ? ` from node ${pod.spec.nodeName}` : "";
    return { reason: `The pod was evicted${node}${podMessage ? `: ${podMessage}` : ""}`, exitCode };
  }
  if (podReason === "DeadlineExceeded") {
    const seconds = pod.spec?.activeDeadlineSeconds;
    return {
      reason: `The run took longer than its time limit${seconds ? ` of ${seconds} s` : ""} and was stopped${podMessage ? `: ${podMessage}` : ""}`,
      exitCode,
    };
  }
  const initFailure = terminated ? null : failedInitContainer(pod);
  if (initFailure) {
    const initExit = (pod.status?.initContainerStatuses ?? [])
      .map((status) => status.state?.terminated ?? status.lastState?.terminated)
      .find((state) => state && state.exitCode !== 0);
    return { reason: initFailure, exitCode: initExit?.exitCode ?? null };
  }
  if (terminated) {
    const { status, state } = terminated;
    if (state!.reason === "OOMKilled") {
      const limit = memoryLimit(pod, status.name);
      const what = limit ? `its limit ${limit}` : "its limit";
      return {
        reason: `Out of memory (OOMKilled, exit code ${state!.exitCode}): the container used more memory than ${what} and was killed; raise the memory limit or use a larger config`,
        exitCode,
      };
    }
    if (state!.exitCode !== 0) {
      const detail = state!.message?.trim() ? `: ${state!.message.trim()}` : "";
      const signal = state!.signal ? `, signal ${state!.signal}` : "";
      return {
        reason: `The container "${status.name}" exited with code ${state!.exitCode} (${state!.reason ?? "Error"}${signal})${detail}`,
        exitCode,
      };
    }
  }
  if (podReason || podMessage) return { reason: [podReason, podMessage].filter(Boolean).join(": "), exitCode };
  return { reason: "The pod failed without saying why", exitCode };
}

function runningSince(pod: V1Pod): Date | null {
  const starts = (pod.status?.containerStatuses ?? []).map((status) =>
    toDate(
      status.state?.running?.startedAt ??
        status.state?.terminated?.startedAt ??
        status.lastState?.terminated?.startedAt,
    ),
  );
  return earliest(starts) ?? toDate(pod.status?.startTime);
}

function finishedAt(pod: V1Pod): Date | null {
  const ends = (pod.status?.containerStatuses ?? []).map((status) => toDate(status.state?.terminated?.finishedAt));
  return (
    latest(ends) ?? latest((pod.status?.conditions ?? []).map((condition) => toDate(condition.lastTransitionTime)))
  );
}

/** The status one pod shows (with the events about it, for why it is pending). */
export function podRunStatus(pod: V1Pod, events: readonly CoreV1Event[] = []): DerivedRunStatus {
  const phase = pod.status?.phase;
  if (phase === "Succeeded") {
    const terminated = terminatedState(pod);
    return {
      status: "succeeded",
      reason: null,
      exitCode: terminated?.state?.exitCode ?? 0,
      startedAt: runningSince(pod),
      finishedAt: finishedAt(pod),
    };
  }
  if (phase === "Failed") {
    const { reason, exitCode } = failureReason(pod);
    return { status: "failed", reason, exitCode, startedAt: runningSince(pod), finishedAt: finishedAt(pod) };
  }
  if (phase === "Running") {
    const crashing = (pod.status?.containerStatuses ?? []).find(
      (status) => status.state?.waiting?.reason === "CrashLoopBackOff",
    );
    const reason = crashing
      ? `The container "${crashing.name}" keeps crashing and is being restarted (CrashLoopBackOff)`
      : null;
    return { status: "running", reason, exitCode: null, startedAt: runningSince(pod), finishedAt: null };
  }
  if (phase === "Pending")
    return { status: "pending", reason: pendingReason(pod, events), exitCode: null, startedAt: null, finishedAt: null };
  return {
    status: "pending",
    reason: "The node stopped reporting the pod's status (phase Unknown)",
    exitCode: null,
    startedAt: null,
    finishedAt: null,
  };
}

/**
 * A run's status from its pods (and the events about them): the deciding pod (Spark driver, else
 * the newest) sets it. A running Spark job whose executors cannot start says why. Null without pods.
 */
export function deriveRunStatus(pods: readonly V1Pod[], events: readonly CoreV1Event[] = []): DerivedRunStatus | null {
  const deciding = decidingPod(pods);
  if (!deciding) return null;
  const derived = podRunStatus(deciding, events);
  if (derived.status !== "running" || derived.reason) return derived;
  const waiting = pods.filter(
    (pod) => sparkRole(pod) === "executor" && pod.status?.phase === "Pending" && !pod.metadata?.deletionTimestamp,
  );
  if (!waiting.length) return derived;
  const executors = waiting.length === 1 ? "1 executor is" : `${waiting.length} executors are`;
  return { ...derived, reason: `The driver runs; ${executors} waiting: ${pendingReason(waiting[0], events)}` };
}

/**
 * The timeline with `status` appended when it differs from the last step (else the same array).
 * A run seen going from before-running straight to an end it reached by running (a watch gap or a
 * relist) gets its `running` step too, at the time the containers started.
 */
export function appendTransition(
  timeline: readonly RunTransition[],
  next: { status: RunStatus; at: Date; reason?: string | null; startedAt?: Date | null },
): RunTransition[] {
  const last = timeline.at(-1);
  if (last?.status === next.status) return timeline as RunTransition[];
  const steps: RunTransition[] = [...timeline];
  const ranBefore = timeline.some((step) => step.status === "running");
  if (!ranBefore && next.startedAt && (next.status === "succeeded" || next.status === "failed")) {
    steps.push({ status: "running", at: next.startedAt.toISOString() });
  }
  steps.push({ status: next.status, at: next.at.toISOString(), ...(next.reason ? { reason: next.reason } : {}) });
  return steps;
}
