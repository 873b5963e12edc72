/**
 * Event recording as client-go's recorders do it: `<object>.<hex nanos>` names, writes batched off
 * the caller's stack. `record` is tools/record (core/v1: repeats of the same reason and message
 * folded into `count`); `recordAction` is tools/events, the events.k8s.io recorder kube-scheduler
 * uses (an `action` and a microsecond `eventTime`, no count or timestamps, repeats in `series`).
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
  /** events.k8s.io: what was done, and by which instance of the component. */
  action?: { action: string; instance: string };
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

  record(
    involved: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    component: string,
    host?: string,
  ): void {
    this.queue.push({ involved, type, reason, message, component, host });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** An events.k8s.io event (tools/events' Eventf), as kube-scheduler records Scheduled and FailedScheduling. */
  recordAction(
    involved: KubeObject,
    type: EventType,
    reason: string,
    action: string,
    message: string,
    component: string,
    instance: string,
  ): void {
    this.record(involved, type, reason, message, component);
    this.queue[this.queue.length - 1].action = { action, instance };
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
        const repeat = e.action
          ? { series: { count: seen.count, lastObservedTime: microTime() } }
          : { count: seen.count, lastTimestamp: now };
        this.store.update("events", { ...existing, ...repeat }, { internal: true });
        return;
      }
    }
    const name = `${meta.name}.${this.uniqueSuffix()}`;
    const involvedObject = {
      kind: e.involved.kind,
      namespace: meta.namespace,
      name: meta.name,
      uid: meta.uid,
      apiVersion: e.involved.apiVersion,
      resourceVersion: meta.resourceVersion,
    };
    // An events.k8s.io-style Event (the scheduler's) as its core/v1 view shows it: the deprecated
    // fields stay empty; a kubelet-style one counts and stamps them.
    const style = e.action
      ? {
          source: {},
          firstTimestamp: null,
          lastTimestamp: null,
          eventTime: microTime(),
          action: e.action.action,
          reportingInstance: e.action.instance,
        }
      : {
          source: e.host ? { component: e.component, host: e.host } : { component: e.component },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          eventTime: null,
          reportingInstance: e.host ?? "",
        };
    this.store.create(
      "events",
      {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace },
        involvedObject,
        reason: e.reason,
        message: e.message,
        type: e.type,
        reportingComponent: e.component,
        ...style,
      },
      { internal: true },
    );
    this.remember(key, namespace, name);
  }

  private remember(key: string, namespace: string, name: string): void {
    this.recent.set(key, { namespace, name, count: 1 });
    if (this.recent.size > RECENT_LIMIT) this.recent.delete(this.recent.keys().next().value!);
  }
}

/** metav1.MicroTime as serialised: six fractional digits. */
const microTime = (): string => new Date().toISOString().replace(/Z$/, "000Z");
