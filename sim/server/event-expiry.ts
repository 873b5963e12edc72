/**
 * Events expire an hour after they were last seen, as with kube-apiserver's default
 * `--event-ttl=1h`; without this a long-running demo would keep every event ever recorded.
 */
import type { KubeObject } from "../contract";
import type { MemoryStore } from "./store";

const EVENTS = "events";

function lastSeen(event: KubeObject): number {
  const series = event.series as { lastObservedTime?: string } | undefined;
  const stamp =
    series?.lastObservedTime ??
    (event.lastTimestamp as string | undefined) ??
    (event.eventTime as string | undefined) ??
    event.metadata.creationTimestamp;
  return stamp ? Date.parse(stamp) : 0;
}

/** Deletes expired events now; returns how many went. */
export function expireEvents(store: MemoryStore, ttlMs: number, now = Date.now()): number {
  let expired = 0;
  for (const event of store.list(EVENTS)) {
    if (now - lastSeen(event) < ttlMs) continue;
    try {
      store.delete(EVENTS, event.metadata.namespace, event.metadata.name!, { internal: true });
      expired++;
    } catch {
      // Deleted meanwhile.
    }
  }
  return expired;
}

/** Checks once a minute; returns the stop function. */
export function startEventExpiry(store: MemoryStore, ttlMs = 3600_000): () => void {
  const timer = setInterval(() => expireEvents(store, ttlMs), Math.min(60_000, ttlMs));
  timer.unref();
  return () => clearInterval(timer);
}
