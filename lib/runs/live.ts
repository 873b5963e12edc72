import "server-only";

import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { eq } from "drizzle-orm";

import { getDb } from "@/db";
import { clusters, type RunRow } from "@/db/schema";
import { acquireInformer } from "@/lib/kube/informers";
import { describePod, type EventSummary, type PodDescription } from "@/lib/kube/pods";
import type { Actor } from "@/lib/permissions";

import { maySeeRun } from "./access";
import {
  runChangeOf,
  subscribeClusterWatch,
  subscribeRunChanges,
  type ClusterWatchChange,
  type RunChange,
} from "./events";
import type { RunLogSource } from "./logs";
import { findRun } from "./queries";
import { clusterWatchStatus, clusterWatchStatuses, runPods, subscribeRunPods, watchRunsOn } from "./reconciler";
import type { RunView } from "./schema";
import { isFinalRunStatus } from "./status";
import { toRunView } from "./views";

/**
 * The read side of live runs: what a run page or the runs list renders first and what their
 * streams then send, built by the same functions here. The reconciler (reconciler.ts) is the
 * write side: it keeps the rows true and publishes what changed; this module only reads its
 * state and those changes.
 */

export type { ClusterWatchChange, EventSummary, PodDescription, RunChange };

/** Whether Berth's watch of a cluster is current, as pages and streams show it (null when it does not follow that cluster). */
export function clusterWatch(clusterId: number | null): ClusterWatchChange | null {
  const status = clusterId === null ? null : clusterWatchStatus(clusterId);
  return status && clusterId !== null
    ? { clusterId, stale: status.stale, staleSince: status.staleSince, error: status.error }
    : null;
}

/** Describe-like views of a run's pods, each with its own events out of `events`. */
export function describeRunPods(pods: readonly V1Pod[], events: readonly CoreV1Event[] = []): PodDescription[] {
  return pods.map((pod) =>
    describePod(
      pod,
      events.filter((event) => event.involvedObject.kind === "Pod" && event.involvedObject.name === pod.metadata?.name),
    ),
  );
}

/** What a run page renders first; its stream (followRun) then keeps each part current. */
export interface RunPageSnapshot {
  run: RunView;
  /** The pods as the informer holds them; their events come with the stream's first `pods` event. */
  pods: PodDescription[];
  /** The events kept in the row when the run ended (shown once its pods are gone). */
  keptEvents: EventSummary[];
  /** Null for a finished run: its page says nothing about the watch. */
  watch: ClusterWatchChange | null;
}

/** A run page's first render. */
export function runPageSnapshot(row: RunRow): RunPageSnapshot {
  return {
    run: toRunView(row),
    pods: describeRunPods(runPods(row.id)),
    keptEvents: (row.events ?? []) as unknown as EventSummary[],
    watch: isFinalRunStatus(row.status) ? null : clusterWatch(row.clusterId),
  };
}

/** The clusters among `clusterIds` whose runs Berth follows, with whether that watch is current (for "stale since"). */
export function clusterWatches(clusterIds: readonly number[]): ClusterWatchChange[] {
  return clusterIds.flatMap((id) => clusterWatch(id) ?? []);
}

/** The events of the runs list's stream, and of one run's. */
export interface RunStreamEvents {
  run: RunChange;
  cluster: ClusterWatchChange;
  pods: { pods: PodDescription[] };
}

/** Sends one event of a runs stream. */
export type RunStreamSend = <E extends keyof RunStreamEvents>(event: E, data: RunStreamEvents[E]) => void;

/**
 * Feeds the runs list's stream for `actor`: clusters already stale at once, then every change of a
 * run the actor may see and every watch going stale or recovering. Returns the unsubscribe function.
 */
export function followRuns(actor: Actor, send: RunStreamSend): () => void {
  for (const status of clusterWatchStatuses()) if (status.stale) send("cluster", status);
  const stopRuns = subscribeRunChanges((change) => {
    if (maySeeRun(actor, change)) send("run", change);
  });
  const stopClusters = subscribeClusterWatch((change) => send("cluster", change));
  return () => {
    stopRuns();
    stopClusters();
  };
}

/**
 * Feeds one run page's stream: the first `run`, `cluster` and `pods` events at once, then each
 * change of the run, of its cluster's watch and of its pods or their events. Returns the
 * unsubscribe function.
 */
export function followRun(run: RunRow, send: RunStreamSend): () => void {
  send("run", runChangeOf(run));
  const watch = clusterWatch(run.clusterId);
  if (watch) send("cluster", watch);
  const live = livePodDescriptions(run, (pods) => send("pods", { pods }));
  const sendPods = (pods: V1Pod[]) => live.update(pods);
  sendPods(runPods(run.id));
  const stopPods = subscribeRunPods(run.id, sendPods);
  const stopRun = subscribeRunChanges((change) => {
    if (change.id !== run.id) return;
    send("run", change);
    if (isFinalRunStatus(change.status) && change.cleanedUpAt) live.stop();
  });
  const stopCluster = subscribeClusterWatch((change) => {
    if (change.clusterId === run.clusterId) send("cluster", change);
  });
  return () => {
    stopPods();
    stopRun();
    stopCluster();
    live.stop();
  };
}

/** A run's live log source for lib/runs/logs.ts: its pods as the informer sees them, woken by their changes. */
export function liveRunSource(run: RunRow): RunLogSource {
  if (run.clusterId !== null && !isFinalRunStatus(run.status)) watchRunsOn(run.clusterId);
  const cluster =
    run.clusterId === null ? undefined : getDb().select().from(clusters).where(eq(clusters.id, run.clusterId)).get();
  return {
    cluster,
    pods: () => runPods(run.id),
    subscribe(listener) {
      const stopPods = subscribeRunPods(run.id, () => listener());
      const stopRun = subscribeRunChanges((change) => {
        if (change.id === run.id) listener();
      });
      return () => {
        stopPods();
        stopRun();
      };
    },
    isFinal() {
      const current = findRun(run.id);
      return !current || isFinalRunStatus(current.status);
    },
  };
}

/** Pod views are sent at most this often, so a burst of pod and event changes is one update. */
const POD_VIEW_DEBOUNCE_MS = 50;

/**
 * Describe-like views of a run's pods with their events (from the shared events informer, held
 * while the caller keeps this open), pushed to `send` whenever the pods or their events change.
 */
export function livePodDescriptions(
  run: RunRow,
  send: (pods: PodDescription[]) => void,
): { update(pods: V1Pod[]): void; stop(): void } {
  const cluster =
    run.clusterId === null || run.cleanedUpAt
      ? undefined
      : getDb().select().from(clusters).where(eq(clusters.id, run.clusterId)).get();
  // Only the run's namespace: a busy cluster's every event would be a large list for one page.
  const events = cluster ? acquireInformer(cluster, "events", run.namespace) : null;
  let pods: V1Pod[] = [];
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let sentFirst = false;
  const flush = () => {
    timer = null;
    if (stopped) return;
    send(describeRunPods(pods, events?.informer.list(run.namespace) ?? []));
  };
  const schedule = () => {
    if (!timer && !stopped) timer = setTimeout(flush, POD_VIEW_DEBOUNCE_MS);
  };
  const unsubscribe = events?.informer.subscribe((event) => {
    if (event.type === "status") return;
    if (
      event.object.metadata?.namespace === run.namespace &&
      pods.some((pod) => pod.metadata?.name === event.object.involvedObject.name)
    )
      schedule();
  });
  return {
    update(next) {
      pods = next;
      // The first description goes out at once: the stream promises it, and a run whose pods were
      // cleaned up may stop this view before a debounced one would fire.
      if (!sentFirst) {
        sentFirst = true;
        flush();
      } else schedule();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      unsubscribe?.();
      events?.release();
    },
  };
}
