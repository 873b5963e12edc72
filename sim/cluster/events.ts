/**
 * core/v1 Event recording as client-go's recorder does it: `<object>.<hex nanos>` names, repeats
 * of the same reason and message folded into `count`, writes batched off the caller's stack.
 */
import type { KubeObject, Store } from "../contract";
import { nowTimestamp } from "../server/objects";

export type EventType = "Normal" | "Warning";

interface Pending {
  involved: KubeObject;
  type: EventType;
  reason: string;
  message: string;
  component: string;
  host?: string;
}

interface Recent {
  namespace: string;
  name: string;
  count: number;
}

const RECENT_LIMIT = 4096;

export class EventRecorder {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly recent = new Map<string, Recent>();
  private sequence = 0n;

  constructor(private readonly store: Store) {}

  record(involved: KubeObject, type: EventType, reason: string, message: string, component: string, host?: string): void {
    this.queue.push({ involved, type, reason, message, component, host });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private uniqueSuffix(): string {
    // Nanosecond clock plus a sequence so two events in the same millisecond never collide.
    const nanos = BigInt(Date.now()) * 1_000_000n + (this.sequence++ % 1_000_000n);
    return nanos.toString(16);
  }

  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const e of batch) {
      try {
        this.write(e);
      } catch {
        // The namespace is going away: its events go with it.
      }
    }
  }

  private write(e: Pending): void {
    const meta = e.involved.metadata;
    const namespace = meta.namespace ?? "default";
    const key = `${meta.uid}\u0000${e.reason}\u0000${e.message}`;
    const now = nowTimestamp();
    const seen = this.recent.get(key);
    if (seen) {
      const existing = this.store.get("events", seen.namespace, seen.name);
      if (existing) {
        seen.count++;
        this.store.update("events", { ...existing, count: seen.count, lastTimestamp: now }, { internal: true });
        return;
      }
    }
    const name = `${meta.name}.${this.uniqueSuffix()}`;
    this.store.create(
      "events",
      {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace },
        involvedObject: {
          kind: e.involved.kind,
          namespace: meta.namespace,
          name: meta.name,
          uid: meta.uid,
          apiVersion: e.involved.apiVersion,
          resourceVersion: meta.resourceVersion,
        },
        reason: e.reason,
        message: e.message,
        source: e.host ? { component: e.component, host: e.host } : { component: e.component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type: e.type,
        eventTime: null,
        reportingComponent: e.component,
        reportingInstance: e.host ?? "",
      },
      { internal: true },
    );
    this.recent.set(key, { namespace, name, count: 1 });
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value!);
  }
}
