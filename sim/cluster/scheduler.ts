/**
 * The default-scheduler: binds pending pods to nodes. Per-node requested totals are kept
 * incrementally from store events (never rescanned), pending pods are worked off in time slices so
 * HTTP stays responsive, and unschedulable pods are retried when capacity frees or nodes change.
 */
import os from "node:os";

import type { Store, StoreEvent } from "../contract";
import { nowTimestamp } from "../server/objects";
import type { EventRecorder } from "./events";
import { isTerminal, podKey, type Node, type Pod } from "./model";
import {
  chargeNode,
  compilePod,
  feasibleNodesToFind,
  filterNode,
  fitErrorMessage,
  leastAllocatedScore,
  nodeStateOf,
  podRequestAmounts,
  type Amounts,
  type FilterFailure,
  type NodeState,
} from "./scheduling";

const SCHEDULER_NAME = "default-scheduler";
// The reporting instance kube-scheduler gives its events.k8s.io recorder: `<scheduler name>-<hostname>`.
const SCHEDULER_INSTANCE = `${SCHEDULER_NAME}-${os.hostname()}`;
const SLICE_MS = 40;
const RETRY_MS = 1000;

interface Placement {
  node: string;
  requests: Amounts;
}

function needsScheduling(pod: Pod): boolean {
  return (
    !pod.spec.nodeName &&
    (pod.spec.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME &&
    !pod.metadata.deletionTimestamp &&
    !isTerminal(pod) &&
    !(Array.isArray(pod.spec.schedulingGates) && pod.spec.schedulingGates.length > 0)
  );
}

export class Scheduler {
  private readonly nodes = new Map<string, NodeState>();
  private nodeList: NodeState[] = [];
  /** Pods counted on a node, by uid. */
  private readonly placed = new Map<string, Placement>();
  private readonly queue = new Set<string>();
  /** Pods that fit nowhere, with the message they were given. */
  private readonly unschedulable = new Map<string, string>();
  private scheduled = false;
  private retryArmed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private rotation = 0;
  private readonly unsubscribe: () => void;
  /** Pods bound since start (the bench reads it). */
  bound = 0;

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
  ) {
    for (const node of store.list("nodes")) this.upsertNode(node as Node);
    for (const pod of store.list("pods")) this.account(pod as Pod);
    this.unsubscribe = store.subscribe((event) => this.observe(event));
    for (const pod of store.list("pods")) if (needsScheduling(pod as Pod)) this.enqueue(pod as Pod);
  }

  stop(): void {
    this.unsubscribe();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private observe(event: StoreEvent): void {
    if (event.resource === "nodes") {
      if (event.type === "DELETED") this.removeNode(event.object.metadata.name!);
      else this.upsertNode(event.object as Node);
      this.retryUnschedulable();
      return;
    }
    if (event.resource !== "pods") return;
    const pod = event.object as Pod;
    const freed = this.placed.has(pod.metadata.uid) && (event.type === "DELETED" || isTerminal(pod));
    if (event.type === "DELETED") this.unplace(pod.metadata.uid);
    else this.account(pod);
    const key = podKey(pod.metadata.namespace, pod.metadata.name);
    if (event.type !== "DELETED" && needsScheduling(pod)) {
      if (!this.unschedulable.has(key)) this.enqueue(pod);
    } else {
      this.queue.delete(key);
      this.unschedulable.delete(key);
    }
    if (freed) this.retryUnschedulable();
  }

  private upsertNode(node: Node): void {
    const fresh = nodeStateOf(node);
    const existing = this.nodes.get(fresh.name);
    if (existing) {
      fresh.requested = existing.requested;
      fresh.scoreCpu = existing.scoreCpu;
      fresh.scoreMemory = existing.scoreMemory;
      fresh.podCount = existing.podCount;
    } else {
      // Pods may already be bound to a node that (re)appears: count them.
      for (const placement of this.placed.values())
        if (placement.node === fresh.name) chargeNode(fresh, placement.requests, 1);
    }
    this.nodes.set(fresh.name, fresh);
    this.nodeList = [...this.nodes.values()];
  }

  private removeNode(name: string): void {
    this.nodes.delete(name);
    this.nodeList = [...this.nodes.values()];
  }

  /** Keeps node totals in step with a pod's binding and phase. */
  private account(pod: Pod): void {
    const uid = pod.metadata.uid;
    const counts = Boolean(pod.spec.nodeName) && !isTerminal(pod);
    const current = this.placed.get(uid);
    if (current && (!counts || current.node !== pod.spec.nodeName)) this.unplace(uid);
    if (counts && !this.placed.has(uid)) {
      const placement = { node: pod.spec.nodeName!, requests: podRequestAmounts(pod.spec) };
      this.placed.set(uid, placement);
      this.adjust(placement, 1);
    }
  }

  private unplace(uid: string): void {
    const placement = this.placed.get(uid);
    if (!placement) return;
    this.placed.delete(uid);
    this.adjust(placement, -1);
  }

  private adjust(placement: Placement, sign: 1 | -1): void {
    const node = this.nodes.get(placement.node);
    if (node) chargeNode(node, placement.requests, sign);
  }

  private enqueue(pod: Pod): void {
    this.queue.add(podKey(pod.metadata.namespace, pod.metadata.name));
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.drain());
  }

  /** Capacity changed: give unschedulable pods another try, at most once a second. */
  private retryUnschedulable(): void {
    if (this.unschedulable.size === 0 || this.retryArmed) return;
    this.retryArmed = true;
    this.retryTimer = setTimeout(() => {
      this.retryArmed = false;
      for (const key of this.unschedulable.keys()) this.queue.add(key);
      if (!this.scheduled && this.queue.size) {
        this.scheduled = true;
        setImmediate(() => this.drain());
      }
    }, RETRY_MS);
    this.retryTimer.unref?.();
  }

  private drain(): void {
    this.scheduled = false;
    const started = performance.now();
    for (const key of this.queue) {
      this.queue.delete(key);
      const slash = key.indexOf("/");
      const pod = this.store.get("pods", key.slice(0, slash), key.slice(slash + 1)) as Pod | undefined;
      if (pod && needsScheduling(pod)) this.scheduleOne(pod, key);
      if (performance.now() - started > SLICE_MS) break;
    }
    if (this.queue.size && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private scheduleOne(pod: Pod, key: string): void {
    const requests = podRequestAmounts(pod.spec);
    const fit = compilePod(pod.spec, requests);
    const nodes = this.nodeList;
    const n = nodes.length;
    const enough = feasibleNodesToFind(n);
    const failures: FilterFailure[] = [];
    let best: NodeState | undefined;
    let bestScore = -1;
    let feasible = 0;
    // Start where the last search stopped, as upstream does, so load spreads over all nodes.
    const offset = n ? this.rotation % n : 0;
    let visited = 0;
    for (; visited < n && feasible < enough; visited++) {
      const node = nodes[(offset + visited) % n];
      const failure = filterNode(fit, node);
      if (failure) {
        failures.push(failure);
        continue;
      }
      feasible++;
      const score = leastAllocatedScore(requests, node);
      if (score > bestScore) {
        bestScore = score;
        best = node;
      }
    }
    this.rotation = offset + visited;
    if (best) this.bind(pod, best, key);
    else this.markUnschedulable(pod, key, fitErrorMessage(n, failures));
  }

  private bind(pod: Pod, node: NodeState, key: string): void {
    try {
      const bound = this.store.update(
        "pods",
        { ...pod, spec: { ...pod.spec, nodeName: node.name } },
        { internal: true },
      ) as Pod;
      this.unschedulable.delete(key);
      this.bound++;
      // The kubelet's first status write (within ~100 ms) reports PodScheduled=True; only a pod that
      // shows PodScheduled=False needs correcting now, which keeps a bind to one write.
      if (bound.status?.conditions?.some((c) => c.type === "PodScheduled" && c.status !== "True")) {
        const conditions = bound.status.conditions.filter((c) => c.type !== "PodScheduled");
        conditions.push({
          type: "PodScheduled",
          status: "True",
          lastProbeTime: null,
          lastTransitionTime: nowTimestamp(),
        });
        this.store.updateStatus("pods", { ...bound, status: { ...bound.status, conditions } }, { internal: true });
      }
      this.events.recordAction(
        bound,
        "Normal",
        "Scheduled",
        "Binding",
        `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node.name}`,
        SCHEDULER_NAME,
        SCHEDULER_INSTANCE,
      );
    } catch {
      // Changed or deleted while queued; its event re-queues it if it still needs a node.
    }
  }

  private markUnschedulable(pod: Pod, key: string, message: string): void {
    const previous = this.unschedulable.get(key);
    this.unschedulable.set(key, message);
    if (previous === message) return;
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== "PodScheduled");
    // pkg/scheduler/schedule_one.go stamps the pod generation it tried to schedule.
    const observedGeneration = pod.metadata.generation ?? 1;
    conditions.push({
      type: "PodScheduled",
      status: "False",
      reason: "Unschedulable",
      message,
      lastProbeTime: null,
      lastTransitionTime: nowTimestamp(),
      observedGeneration,
    });
    try {
      this.store.updateStatus(
        "pods",
        { ...pod, status: { ...(pod.status ?? {}), phase: "Pending", conditions } },
        { internal: true },
      );
    } catch {
      return;
    }
    this.events.recordAction(
      pod,
      "Warning",
      "FailedScheduling",
      "Scheduling",
      message,
      SCHEDULER_NAME,
      SCHEDULER_INSTANCE,
    );
  }
}
