import "server-only";
import * as k8s from "@kubernetes/client-node";
import { kubeClients, type ClusterConnection, type KubeClients } from "@/lib/kube/client";
import { describeKubeError, mayNotMessage, type KubeFailure } from "@/lib/kube/errors";
import { SPARK_APPLICATION, type SparkApplicationObject } from "@/lib/kube/spark-applications";

/**
 * Shared informers: one list+watch per (cluster, kind[, namespace]) in this server process, whatever
 * the number of pages, runs and dashboards reading it. Each is reference-counted, keeps objects without
 * managedFields, and restarts itself with backoff — client-node's ListWatch stops for good after a
 * failed list or a non-410 watch error, and a cluster that comes back must heal without a reload.
 */

export interface KindObject {
  pods: k8s.V1Pod;
  nodes: k8s.V1Node;
  resourcequotas: k8s.V1ResourceQuota;
  events: k8s.CoreV1Event;
  /** Warning events only: what explains a stuck pod, without every Normal event of a busy cluster. */
  "warning-events": k8s.CoreV1Event;
  namespaces: k8s.V1Namespace;
  /** The spark-operator's applications: acquire only on a cluster that serves the CRD. */
  sparkapplications: SparkApplicationObject;
}
export type WatchedKind = keyof KindObject;
/** Kinds that live in namespaces: their informer may be narrowed to one. */
export type NamespacedKind = Exclude<WatchedKind, "nodes" | "namespaces">;

export interface InformerStatus {
  /** The first list has arrived: list() is the cluster's state (as of the last event). */
  synced: boolean;
  /** The watch is down and being retried; list() may be out of date since staleSince. */
  stale: boolean;
  staleSince: string | null;
  error: string | null;
  /**
   * Berth's account may not list or watch this kind (403): `error` says what it lacks. Not an
   * outage, so never stale; retried with backoff, so a granted permission heals it.
   */
  forbidden: boolean;
}

export type InformerEvent<T> = { type: "add" | "update" | "delete"; object: T } | { type: "status"; status: InformerStatus };

export interface SharedInformer<T> {
  list(namespace?: string): readonly T[];
  get(namespace: string, name: string): T | undefined;
  status(): InformerStatus;
  /** Resolves once the first list has arrived; rejects after timeoutMs with the last error. */
  whenSynced(timeoutMs?: number): Promise<void>;
  /** Live events from now on (read list() for the current state); returns the unsubscribe function. */
  subscribe(listener: (event: InformerEvent<T>) => void): () => void;
}

type AnyObject = KindObject[WatchedKind];
type ListFn = () => Promise<k8s.KubernetesListObject<AnyObject>>;

const RESOURCES: Record<WatchedKind, { resource: string; fieldSelector?: string; group?: string; version?: string }> = {
  pods: { resource: "pods" },
  nodes: { resource: "nodes" },
  resourcequotas: { resource: "resourcequotas" },
  events: { resource: "events" },
  "warning-events": { resource: "events", fieldSelector: "type=Warning" },
  namespaces: { resource: "namespaces" },
  sparkapplications: { resource: SPARK_APPLICATION.plural, group: SPARK_APPLICATION.group, version: SPARK_APPLICATION.version },
};

function watchPath(kind: WatchedKind, namespace: string | undefined): string {
  const { resource, group, version } = RESOURCES[kind];
  const root = group ? `/apis/${group}/${version}` : "/api/v1";
  return namespace ? `${root}/namespaces/${namespace}/${resource}` : `${root}/${resource}`;
}

type Page = { limit: number; _continue?: string; fieldSelector?: string };
type PageFn = (page: Page) => Promise<k8s.KubernetesListObject<AnyObject>>;

function pageFunction({ core, custom }: Pick<KubeClients, "core" | "custom">, kind: WatchedKind, namespace: string | undefined): PageFn {
  switch (kind) {
    case "sparkapplications": {
      const { group, version, plural } = SPARK_APPLICATION;
      return (page) =>
        (namespace
          ? custom.listNamespacedCustomObject({ group, version, plural, namespace, ...page })
          : custom.listClusterCustomObject({ group, version, plural, ...page })) as Promise<k8s.KubernetesListObject<AnyObject>>;
    }
    case "pods":
      return (page) => (namespace ? core.listNamespacedPod({ namespace, ...page }) : core.listPodForAllNamespaces(page));
    case "resourcequotas":
      return (page) => (namespace ? core.listNamespacedResourceQuota({ namespace, ...page }) : core.listResourceQuotaForAllNamespaces(page));
    case "events":
    case "warning-events":
      return (page) => (namespace ? core.listNamespacedEvent({ namespace, ...page }) : core.listEventForAllNamespaces(page));
    case "nodes":
      return (page) => core.listNode(page);
    case "namespaces":
      return (page) => core.listNamespace(page);
  }
}

/** Objects per list page: a 10,000-pod list in one response would hold tens of MB twice while parsed. */
const PAGE_SIZE = 500;

/** The whole list, read page by page; the snapshot's resourceVersion is the first page's. */
function pagedList(clients: Pick<KubeClients, "core" | "custom">, kind: WatchedKind, namespace: string | undefined): ListFn {
  const page = pageFunction(clients, kind, namespace);
  const { fieldSelector } = RESOURCES[kind];
  return async () => {
    const first = await page({ limit: PAGE_SIZE, fieldSelector });
    const items = [...first.items];
    for (let next = first.metadata?._continue; next; ) {
      const more = await page({ limit: PAGE_SIZE, _continue: next, fieldSelector });
      items.push(...more.items);
      next = more.metadata?._continue;
    }
    for (const item of items) stripManagedFields(item);
    return { ...first, metadata: { ...first.metadata, _continue: undefined }, items };
  };
}

/** Backoff after consecutive failures: 250 ms doubling to 30 s. */
export function restartDelayMs(failures: number): number {
  return Math.min(30_000, 250 * 2 ** Math.max(0, failures - 1));
}

/** A short outage (a dropped watch that reconnects at once) is not shown as stale. */
const STALE_AFTER_MS = 2_000;
/** An informer nobody holds is kept this long, so a page reload does not relist. */
const IDLE_STOP_MS = 60_000;

function stripManagedFields(object: AnyObject | undefined): void {
  if (object?.metadata?.managedFields) delete object.metadata.managedFields;
}

class ClusterInformer implements SharedInformer<AnyObject> {
  private listWatch: k8s.ListWatch<AnyObject> | null = null;
  private readonly listeners = new Set<(event: InformerEvent<AnyObject>) => void>();
  private current: InformerStatus = { synced: false, stale: false, staleSince: null, error: null, forbidden: false };
  private failures = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private staleTimer: NodeJS.Timeout | null = null;
  private syncWaiters: (() => void)[] = [];
  private stopped = false;
  holders = 0;
  idleTimer: NodeJS.Timeout | null = null;

  constructor(
    public connection: ClusterConnection,
    readonly kind: WatchedKind,
    readonly namespace: string | undefined,
  ) {}

  start(): void {
    let clients: KubeClients;
    try {
      clients = kubeClients(this.connection);
    } catch (error) {
      // An unusable kubeconfig is reported like an unreachable cluster, and retried with backoff.
      this.failed(error);
      return;
    }
    const list = pagedList(clients, this.kind, this.namespace);
    const realWatch = new k8s.Watch(clients.config);
    // ListWatch says nothing when a (re)started watch connects; wrapping the watch call tells us the
    // cluster answers again, and lets us drop managedFields before objects enter the cache.
    const watch = {
      watch: async (path: string, query: Record<string, string | number | boolean | undefined>, callback: (phase: string, object: AnyObject, raw?: unknown) => void, done: (error: unknown) => void) => {
        // Watch.watch reports a refused connection or an error status through done() before it
        // returns, so only a watch that did not end that way is a connected one.
        let endedAtOnce = false;
        let returned = false;
        const request = await realWatch.watch(
          path,
          query,
          (phase, object: AnyObject, raw) => {
            stripManagedFields(object);
            callback(phase, object, raw);
          },
          (error: unknown) => {
            if (!returned && error) endedAtOnce = true;
            done(error);
          },
        );
        returned = true;
        if (!endedAtOnce && current()) this.connected();
        return request;
      },
    } as unknown as k8s.Watch;
    const listWatch = new k8s.ListWatch<AnyObject>(watchPath(this.kind, this.namespace), watch, list, false, undefined, RESOURCES[this.kind].fieldSelector);
    // A list or watch of a connection replaced by reconnect() may still answer: ignore it.
    const current = () => this.listWatch === listWatch;
    listWatch.on(k8s.ADD, (object) => current() && this.emit({ type: "add", object }));
    listWatch.on(k8s.UPDATE, (object) => current() && this.emit({ type: "update", object }));
    listWatch.on(k8s.DELETE, (object) => current() && this.emit({ type: "delete", object }));
    listWatch.on(k8s.ERROR, (error) => current() && this.failed(error));
    this.listWatch = listWatch;
    void listWatch.start().catch((error: unknown) => current() && this.failed(error));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of [this.restartTimer, this.staleTimer, this.idleTimer]) if (timer) clearTimeout(timer);
    void this.listWatch?.stop();
    this.listeners.clear();
  }

  /**
   * Follows a changed kubeconfig: the old watch may point at another server, so it is dropped and
   * subscribers see every old object leave before the new list arrives. Holders and subscribers
   * stay attached to this same informer, so their release and unsubscribe keep working.
   */
  reconnect(connection: ClusterConnection): void {
    const leaving = this.list();
    for (const timer of [this.restartTimer, this.staleTimer]) if (timer) clearTimeout(timer);
    this.restartTimer = this.staleTimer = null;
    this.failures = 0;
    const previous = this.listWatch;
    this.listWatch = null;
    void previous?.stop();
    for (const object of leaving) this.emit({ type: "delete", object });
    this.connection = connection;
    this.setStatus({ synced: false, stale: false, staleSince: null, error: null, forbidden: false });
    this.start();
  }

  list(namespace?: string): readonly AnyObject[] {
    return this.listWatch?.list(namespace) ?? [];
  }

  get(namespace: string, name: string): AnyObject | undefined {
    return this.listWatch?.get(name, namespace);
  }

  status(): InformerStatus {
    return { ...this.current };
  }

  whenSynced(timeoutMs = 30_000): Promise<void> {
    if (this.current.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.syncWaiters = this.syncWaiters.filter((waiter) => waiter !== done);
        reject(new Error(this.current.error ?? `The ${this.kind} of the cluster did not arrive within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.syncWaiters.push(done);
    });
  }

  subscribe(listener: (event: InformerEvent<AnyObject>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: InformerEvent<AnyObject>): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // One broken subscriber must not starve the others or stop the informer.
        console.error(`berth: informer listener for ${this.kind} failed`, error);
      }
    }
  }

  private setStatus(next: Partial<InformerStatus>): void {
    const before = this.current;
    this.current = { ...before, ...next };
    if (before.synced !== this.current.synced || before.stale !== this.current.stale || before.error !== this.current.error || before.forbidden !== this.current.forbidden) {
      this.emit({ type: "status", status: this.status() });
    }
  }

  /** The watch is up again: the list (if one was needed) has been applied before this point. */
  private connected(): void {
    this.failures = 0;
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = null;
    this.setStatus({ synced: true, stale: false, staleSince: null, error: null, forbidden: false });
    for (const waiter of this.syncWaiters.splice(0)) waiter();
  }

  /** What went wrong, in words; a refused watch carries no Status body, so its permission is named here. */
  private describe(error: unknown): KubeFailure {
    if ((error as { statusCode?: unknown } | null)?.statusCode === 403) {
      const permission = { verb: "watch", resource: RESOURCES[this.kind].resource, group: RESOURCES[this.kind].group ?? "", ...(this.namespace ? { namespace: this.namespace } : {}) };
      return { status: 403, reason: "Forbidden", message: mayNotMessage(permission), permission };
    }
    return describeKubeError(error);
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    this.failures += 1;
    const failure = this.describe(error);
    const message = failure.message;
    if (failure.permission) {
      // A missing permission is not an outage: say what is missing, and keep retrying in case it is granted.
      if (this.staleTimer) clearTimeout(this.staleTimer);
      this.staleTimer = null;
      this.setStatus({ stale: false, staleSince: null, error: message, forbidden: true });
    } else if (!this.staleTimer && !this.current.stale) {
      const since = new Date().toISOString();
      this.staleTimer = setTimeout(() => {
        this.staleTimer = null;
        this.setStatus({ stale: true, staleSince: since, error: this.current.error ?? message });
      }, STALE_AFTER_MS);
    }
    this.current = { ...this.current, error: message, forbidden: Boolean(failure.permission) };
    if (this.restartTimer) return;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      if (!this.listWatch) return this.start();
      // start() resumes from the last resourceVersion; a 410 there makes ListWatch relist, and the
      // relist reports deletions of objects that vanished meanwhile, so no final state is lost.
      void this.listWatch.start().catch((next: unknown) => this.failed(next));
    }, restartDelayMs(this.failures));
  }
}

// One registry per server process, kept across module reloads in development.
const globalForInformers = globalThis as unknown as { berthInformers?: Map<string, ClusterInformer> };
const registry = (globalForInformers.berthInformers ??= new Map());

const keyOf = (clusterId: number, kind: WatchedKind, namespace: string | undefined) => `${clusterId}/${kind}/${namespace ?? ""}`;

/**
 * The shared informer of a cluster's kind — in all namespaces, or in one for a namespaced kind —
 * started on first use; release() when done.
 */
export function acquireInformer<K extends WatchedKind>(
  cluster: ClusterConnection,
  kind: K,
  namespace?: K extends NamespacedKind ? string : never,
): { informer: SharedInformer<KindObject[K]>; release(): void } {
  const key = keyOf(cluster.id, kind, namespace);
  let entry = registry.get(key);
  if (entry && entry.connection.version !== cluster.version) entry.reconnect(cluster);
  if (!entry) {
    entry = new ClusterInformer(cluster, kind, namespace);
    registry.set(key, entry);
    entry.start();
  }
  const held = entry;
  held.holders += 1;
  if (held.idleTimer) {
    clearTimeout(held.idleTimer);
    held.idleTimer = null;
  }
  let released = false;
  return {
    informer: held as unknown as SharedInformer<KindObject[K]>,
    release() {
      if (released) return;
      released = true;
      held.holders -= 1;
      if (held.holders > 0) return;
      held.idleTimer = setTimeout(() => {
        if (held.holders > 0 || registry.get(key) !== held) return;
        held.stop();
        registry.delete(key);
      }, IDLE_STOP_MS);
      held.idleTimer.unref?.();
    },
  };
}

/** Stops every informer of a cluster at once (it was removed). */
export function stopClusterInformers(clusterId: number): void {
  for (const [key, entry] of registry) {
    if (entry.connection.id !== clusterId) continue;
    entry.stop();
    registry.delete(key);
  }
}

/**
 * Restarts every informer on a freshly built client (after the kubeconfig policy changed), so a
 * kubeconfig the new policy refuses stops being used now, not at the watch's next reconnect.
 */
export function reconnectAllInformers(): void {
  for (const entry of registry.values()) entry.reconnect(entry.connection);
}

/** How many informers run, per kind: what "50 pages, one watch" is checked against. */
export function informerCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of registry.values()) counts[entry.kind] = (counts[entry.kind] ?? 0) + 1;
  return counts;
}
