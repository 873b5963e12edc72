import "server-only";

import { EventEmitter } from "node:events";

import type { ImageBuildStatus } from "@/db/schema";

export interface BuildStatusChange {
  id: number;
  status: ImageBuildStatus;
}

// One emitter per server process (kept on globalThis across module reloads); every open page
// listens through the stream route instead of polling.
const globalForEvents = globalThis as unknown as { berthBuildEvents?: EventEmitter };
const emitter = (globalForEvents.berthBuildEvents ??= new EventEmitter().setMaxListeners(0));

/** Tells every listener that a build changed status. */
export function publishBuildStatus(change: BuildStatusChange): void {
  emitter.emit("status", change);
}

/** Calls `listener` on every build status change until the returned function is called. */
export function subscribeBuildStatus(listener: (change: BuildStatusChange) => void): () => void {
  emitter.on("status", listener);
  return () => emitter.off("status", listener);
}
