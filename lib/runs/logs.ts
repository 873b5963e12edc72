import "server-only";

import type { V1Pod } from "@kubernetes/client-node";

import type { Cluster, RunRow } from "@/db/schema";
import { splitLines, tailBytes } from "@/lib/images/logs";
import { describeKubeError } from "@/lib/kube/errors";
import { followPodLog, readPodLog } from "@/lib/kube/run-pods";

import { dockerRunLogLines, isDockerRun } from "./docker";
import { sparkRole } from "./status";

/**
 * A run's log: read now, followed live, or the tail kept in the database after its pods were
 * cleaned up. Spark runs merge driver and executors, each line prefixed with `[pod-name] `.
 */

/** The annotation kubectl reads for its default container; Istio's injector sets it to the application's. */
const DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container";
/** The containers Spark names its driver and executor (spark-operator keeps them). */
const SPARK_CONTAINERS = ["spark-kubernetes-driver", "spark-kubernetes-executor"];
/** Proxies and agents that admission webhooks add as plain containers, sometimes ahead of the workload's. */
const INJECTED_SIDECARS = new Set([
  "istio-proxy",
  "linkerd-proxy",
  "vault-agent",
  "cloud-sql-proxy",
  "envoy",
  "datadog-agent",
]);

/**
 * The container whose log is the run's: the one the pod names as kubectl's default, else `main`
 * (Berth's pods), else Spark's, else the first that is not an injected sidecar. Only
 * `spec.containers` are candidates: native sidecars are init containers.
 */
export function logContainer(pod: V1Pod): string {
  const containers = (pod.spec?.containers ?? []).map((container) => container.name);
  const named = pod.metadata?.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const choice =
    (named && containers.includes(named) ? named : undefined) ??
    containers.find((name) => name === "main") ??
    containers.find((name) => SPARK_CONTAINERS.includes(name)) ??
    containers.find((name) => !INJECTED_SIDECARS.has(name)) ??
    containers[0];
  return choice ?? "main";
}

/** Whether a run's lines carry their pod's name: Spark runs, whose log is several pods'. */
export function prefixesLines(run: Pick<RunRow, "workload">): boolean {
  return run.workload !== "pod";
}

const TIMESTAMPED = /^(\d{4}-\d{2}-\d{2}T[0-9:.]+Z) (.*)$/;

/**
 * Pod logs read with timestamps, merged in time order (stable per pod) without the timestamps;
 * with `prefix`, each line starts with `[pod-name] `.
 */
export function mergePodLogs(logs: readonly { pod: string; text: string }[], prefix: boolean): string {
  const lines: { at: string; order: number; text: string }[] = [];
  let order = 0;
  for (const { pod, text } of logs) {
    for (const raw of text.split("\n")) {
      if (!raw) continue;
      const match = TIMESTAMPED.exec(raw);
      const body = match ? match[2] : raw;
      lines.push({ at: match?.[1] ?? "", order: order++, text: prefix ? `[${pod}] ${body}` : body });
    }
  }
  lines.sort((a, b) => (a.at && b.at && a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.order - b.order));
  return lines.map((line) => `${line.text}\n`).join("");
}

/** Driver first, then the rest by name: the order a person reads a Spark job's pods in. */
function byRole(a: V1Pod, b: V1Pod): number {
  const rank = (pod: V1Pod) => (sparkRole(pod) === "executor" ? 1 : 0);
  return rank(a) - rank(b) || (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "");
}

interface LogTarget {
  pod: string;
  container: string | undefined;
}

/** The pods whose logs make the run's: the ones Berth sees (driver first), else the names its row recorded. */
function logTargets(run: RunRow, pods: readonly V1Pod[], only?: string): LogTarget[] {
  const targets = pods.length
    ? [...pods].sort(byRole).map((pod) => ({ pod: pod.metadata?.name ?? "", container: logContainer(pod) }))
    : run.pods.map((pod) => ({ pod, container: undefined }));
  return targets.filter((target) => target.pod && (!only || target.pod === only));
}

/** A pod's log captured earlier (timestamped), for pods no longer there to read. */
export interface CapturedLog {
  pod: string;
  text: string;
}

async function readMerged(
  cluster: Cluster,
  run: RunRow,
  targets: readonly LogTarget[],
  captured: readonly CapturedLog[] = [],
): Promise<string> {
  const logs = await Promise.all(
    targets.map(async ({ pod, container }) => ({
      pod,
      text: await readPodLog(cluster, run.namespace, pod, container, { timestamps: true }),
    })),
  );
  // A pod read empty (gone by now) gives way to what was captured of it.
  const read = new Set(logs.filter((log) => log.text).map((log) => log.pod));
  return mergePodLogs([...logs, ...captured.filter((log) => !read.has(log.pod))], prefixesLines(run));
}

/**
 * The last `maxBytes` of the run's log, to keep in its row when it ends ("" when unreadable);
 * `captured` adds the logs of pods already gone (Spark executors end with their driver).
 */
export async function keptLogTail(
  cluster: Cluster,
  run: RunRow,
  pods: readonly V1Pod[],
  maxBytes: number,
  captured: readonly CapturedLog[] = [],
): Promise<string> {
  try {
    return tailBytes(await readMerged(cluster, run, logTargets(run, pods), captured), maxBytes);
  } catch (error) {
    console.warn(`berth: could not keep the log of run ${run.id}: ${describeKubeError(error).message}`);
    return "";
  }
}

/** The lines of a kept log that belong to one pod (Spark: by prefix; a single-pod run: all). */
export function keptLinesOf(logTail: string, pod: string | undefined, prefixed: boolean): string[] {
  const lines = logTail.split("\n").filter(Boolean);
  if (!pod || !prefixed) return lines;
  const prefix = `[${pod}] `;
  return lines.filter((line) => line.startsWith(prefix));
}

/** Where a run's live log comes from: its pods as the informer sees them, and their changes. */
export interface RunLogSource {
  cluster: Cluster | undefined;
  pods(): V1Pod[];
  subscribe(listener: () => void): () => void;
  isFinal(): boolean;
}

const started = (pod: V1Pod) =>
  (pod.status?.containerStatuses ?? []).some((status) => status.state?.running || status.state?.terminated) ||
  pod.status?.phase === "Succeeded" ||
  pod.status?.phase === "Failed";
const finished = (pod: V1Pod) => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/**
 * The run's log as lines. Without `follow`: what there is now (from the pods, else the kept tail).
 * With `follow`: every selected pod's log as it is written, pods that start later included, until
 * the run's pods have ended or `signal` aborts. `pod` narrows to one pod.
 */
export async function* runLogLines(
  run: RunRow,
  source: RunLogSource,
  options: { follow: boolean; pod?: string; signal: AbortSignal },
): AsyncGenerator<string> {
  if (isDockerRun(run)) {
    yield* dockerRunLogLines(run, options);
    return;
  }
  const { follow, signal } = options;
  const prefixed = prefixesLines(run);
  const selected = () => source.pods().filter((pod) => !options.pod || pod.metadata?.name === options.pod);
  const cluster = source.cluster;
  // A run that has ended has nothing more to say: its log is read whole — from its kept record
  // once some of its pods are gone (Spark executors go with their driver), else from the pods.
  if (!follow || !cluster || run.cleanedUpAt || source.isFinal()) {
    const present = new Set(source.pods().map((pod) => pod.metadata?.name));
    const someGone = source.isFinal() && Boolean(run.logTail) && run.pods.some((name) => !present.has(name));
    const targets = cluster && !run.cleanedUpAt && !someGone ? logTargets(run, source.pods(), options.pod) : [];
    let text = "";
    try {
      if (cluster && targets.length) text = await readMerged(cluster, run, targets);
    } catch {
      // The cluster cannot be reached: the kept tail is the best there is.
    }
    yield* text ? text.split("\n").filter(Boolean) : keptLinesOf(run.logTail ?? "", options.pod, prefixed);
    return;
  }

  const queue: string[] = [];
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const following = new Map<string, Promise<void>>();
  const done = new Set<string>();

  const followOne = (pod: V1Pod) => {
    const name = pod.metadata!.name!;
    let pending = "";
    const push = (text: string) => queue.push(prefixed ? `[${name}] ${text}` : text);
    const task = followPodLog(
      cluster,
      { namespace: run.namespace, podName: name, container: logContainer(pod) },
      (chunk) => {
        const { lines, rest } = splitLines(pending, chunk);
        pending = rest;
        lines.forEach(push);
        notify();
      },
      signal,
    )
      .catch(() => undefined)
      .finally(() => {
        if (pending) push(pending);
        done.add(name);
        following.delete(name);
        notify();
      });
    following.set(name, task);
  };

  const startReady = () => {
    for (const pod of selected()) {
      const name = pod.metadata?.name;
      if (name && !following.has(name) && !done.has(name) && started(pod)) followOne(pod);
    }
  };
  const unsubscribe = source.subscribe(() => {
    startReady();
    notify();
  });
  const onAbort = () => notify();
  signal.addEventListener("abort", onAbort);
  try {
    startReady();
    while (!signal.aborted) {
      while (queue.length) yield queue.shift()!;
      const pods = selected();
      const allEnded = following.size === 0 && pods.every((pod) => done.has(pod.metadata?.name ?? "") || finished(pod));
      if (allEnded && (pods.length > 0 || source.isFinal())) {
        // A pod that ended before it was followed still has its log to give.
        for (const pod of pods.filter((candidate) => !done.has(candidate.metadata?.name ?? ""))) {
          done.add(pod.metadata!.name!);
          const text = await readPodLog(cluster, run.namespace, pod.metadata!.name!, logContainer(pod));
          for (const line of text.split("\n").filter(Boolean))
            yield prefixed ? `[${pod.metadata!.name}] ${line}` : line;
        }
        if (
          !source
            .pods()
            .some((pod) => !done.has(pod.metadata?.name ?? "") && (!options.pod || pod.metadata?.name === options.pod))
        )
          break;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        // The pods' changes wake this; the timeout only guards against a change missed in between.
        setTimeout(resolve, 2_000).unref?.();
      });
    }
    while (queue.length) yield queue.shift()!;
  } finally {
    unsubscribe();
    signal.removeEventListener("abort", onAbort);
    await Promise.allSettled(following.values());
  }
}
