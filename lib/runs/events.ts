import "server-only";

import { EventEmitter } from "node:events";

import type { RunRow, RunStatus } from "@/db/schema";

/** What changed about a run: enough for a list to patch its row and a run page to refetch. */
export interface RunChange {
  id: string;
  status: RunStatus;
  reason: string | null;
  exitCode: number | null;
  pods: string[];
  projectId: number | null;
  userId: number | null;
  clusterId: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  cleanedUpAt: string | null;
}

/** Whether Berth's watch of a cluster is current; `stale` while the cluster cannot be reached. */
export interface ClusterWatchChange {
  clusterId: number;
  stale: boolean;
  staleSince: string | null;
  error: string | null;
}

// One emitter per server process (kept on globalThis across module reloads): the reconciler and
// runs-core publish, every open page listens through the stream routes instead of polling.
const globalForEvents = globalThis as unknown as { berthRunEvents?: EventEmitter };
const emitter = (globalForEvents.berthRunEvents ??= new EventEmitter().setMaxListeners(0));

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** The change a saved run row announces. */
export function runChangeOf(row: RunRow): RunChange {
  return {
    id: row.id,
    status: row.status,
    reason: row.reason,
    exitCode: row.exitCode,
    pods: row.pods,
    projectId: row.projectId,
    userId: row.userId,
    clusterId: row.clusterId,
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    cleanedUpAt: iso(row.cleanedUpAt),
  };
}

/** Tells every listener that a run changed (status, reason, pods, times). */
export function publishRunChange(change: RunChange): void {
  emitter.emit("run", change);
}

/** Calls `listener` on every run change until the returned function is called. */
export function subscribeRunChanges(listener: (change: RunChange) => void): () => void {
  emitter.on("run", listener);
  return () => emitter.off("run", listener);
}

/** Tells every listener that the watch of a cluster went stale or recovered. */
export function publishClusterWatch(change: ClusterWatchChange): void {
  emitter.emit("cluster", change);
}

/** Calls `listener` when a cluster's watch goes stale or recovers, until the returned function is called. */
export function subscribeClusterWatch(listener: (change: ClusterWatchChange) => void): () => void {
  emitter.on("cluster", listener);
  return () => emitter.off("cluster", listener);
}
