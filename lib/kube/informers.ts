import "server-only";

import http from "node:http";
import https from "node:https";
import * as k8s from "@kubernetes/client-node";

import { kubeClients, type ClusterConnection, type KubeClients } from "@/lib/kube/client";
import { describeKubeError, mayNotMessage, type KubeFailure } from "@/lib/kube/errors";
import { compactPod } from "@/lib/kube/pods";
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

export type InformerEvent<T> =
  { type: "add" | "update" | "delete"; object: T } | { type: "status"; status: InformerStatus };

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

/**
 * Shares repeated strings (namespaces, node names, phases) between the cached objects of every
 * cluster: JSON.parse makes a new copy of each for every object. Bounded, so a cluster with
 * endless distinct values cannot grow it without limit (past the bound strings are kept as they are).
 */
const INTERNED_MAX = 200_000;
const globalForIntern = globalThis as unknown as { berthInterned?: Map<string, string> };
const interned = (globalForIntern.berthInterned ??= new Map());
function intern(text: string): string {
  const known = interned.get(text);
  if (known !== undefined) return known;
  if (interned.size < INTERNED_MAX) interned.set(text, text);
  return text;
}

interface ResourceSpec {
  resource: string;
  fieldSelector?: string;
  group?: string;
  version?: string;
  /**
   * What the cache keeps of each object, applied as soon as it arrives (each list page, each watch
   * event). A kind with one is listed as plain JSON: client-node's model classes would first build
   * the whole object, which at 100,000 pods costs more time than the list itself.
   */
  compact?: (object: AnyObject) => AnyObject;
}

const RESOURCES: Record<WatchedKind, ResourceSpec> = {
  pods: { resource: "pods", compact: (object) => compactPod(object as k8s.V1Pod, intern) },
  nodes: { resource: "nodes" },
  resourcequotas: { resource: "resourcequotas" },
  events: { resource: "events" },
  "warning-events": { resource: "events", fieldSelector: "type=Warning" },
  namespaces: { resource: "namespaces" },
  sparkapplications: {
    resource: SPARK_APPLICATION.plural,
    group: SPARK_APPLICATION.group,
    version: SPARK_APPLICATION.version,
  },
};

function watchPath(kind: WatchedKind, namespace: string | undefined): string {
  const { resource, group, version } = RESOURCES[kind];
  const root = group ? `/apis/${group}/${version}` : "/api/v1";
  return namespace ? `${root}/namespaces/${namespace}/${resource}` : `${root}/${resource}`;
}

type Page = { limit: number; _continue?: string; fieldSelector?: string };
type PageFn = (page: Page) => Promise<k8s.KubernetesListObject<AnyObject>>;

function pageFunction(
  { core, custom }: Pick<KubeClients, "core" | "custom">,
  kind: WatchedKind,
  namespace: string | undefined,
): PageFn {
  switch (kind) {
    case "sparkapplications": {
      const { group, version, plural } = SPARK_APPLICATION;
      return (page) =>
        (namespace
          ? custom.listNamespacedCustomObject({ group, version, plural, namespace, ...page })
          : custom.listClusterCustomObject({ group, version, plural, ...page })) as Promise<
          k8s.KubernetesListObject<AnyObject>
        >;
    }
    case "pods":
      return (page) =>
        namespace ? core.listNamespacedPod({ namespace, ...page }) : core.listPodForAllNamespaces(page);
    case "resourcequotas":
      return (page) =>
        namespace
          ? core.listNamespacedResourceQuota({ namespace, ...page })
          : core.listResourceQuotaForAllNamespaces(page);
    case "events":
    case "warning-events":
      return (page) =>
        namespace ? core.listNamespacedEvent({ namespace, ...page }) : core.listEventForAllNamespaces(page);
    case "nodes":
      return (page) => core.listNode(page);
    case "namespaces":
      return (page) => core.listNamespace(page);
  }
}

/** Objects per list page: a 10,000-pod list in one response would hold tens of MB twice while parsed. */
const PAGE_SIZE = 500;

const PAGE_TIMEOUT_MS = 60_000;

/** GET of a JSON document with the kubeconfig's credentials; a refusal throws client-node's ApiException, as its clients do. */
function getJson(url: URL, options: https.RequestOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === "https:" ? https : http).request(
      url,
      { ...options, method: "GET", headers: { ...options.headers, Accept: "application/json" } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = response.statusCode ?? 0;
          if (status < 200 || status > 299) {
            reject(
              new k8s.ApiException(status, `HTTP-Code: ${status}`, text, response.headers as Record<string, string>),
            );
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    request.on("error", reject);
    // A cluster that stops answering mid-list fails the list (retried with backoff) instead of holding it forever.
    request.setTimeout(PAGE_TIMEOUT_MS, () =>
      request.destroy(new Error(`The cluster did not answer a list page within ${PAGE_TIMEOUT_MS / 1000} s`)),
    );
    request.end();
  });
}

/**
 * The whole list as plain JSON, page by page, each page compacted as it arrives so that only the
 * compact objects add up (a page's text and parsed objects are dropped before the next is asked for).
 */
function compactPagedList(
  config: k8s.KubeConfig,
  kind: WatchedKind,
  namespace: string | undefined,
  compact: (object: AnyObject) => AnyObject,
): ListFn {
  const { fieldSelector } = RESOURCES[kind];
  return async () => {
    const server = config.getCurrentCluster()?.server;
    if (!server) throw new Error("No currently active cluster");
    const options: https.RequestOptions = {};
    await config.applyToHTTPSOptions(options);
    try {
      const items: AnyObject[] = [];
      let first: k8s.KubernetesListObject<AnyObject> | undefined;
      let next: string | undefined;
      do {
        const url = new URL(server.replace(/\/+$/, "") + watchPath(kind, namespace));
        url.searchParams.set("limit", String(PAGE_SIZE));
        if (next) url.searchParams.set("continue", next);
        if (fieldSelector) url.searchParams.set("fieldSelector", fieldSelector);
        const page = (await getJson(url, options)) as k8s.KubernetesListObject<AnyObject>;
        first ??= page;
        for (const item of page.items ?? []) items.push(compact(item));
        // Plain JSON says `continue`, which client-node's model calls `_continue`.
        next = (page.metadata as { continue?: string } | undefined)?.continue;
        page.items = [];
      } while (next);
      return { ...first, metadata: { resourceVersion: first.metadata?.resourceVersion }, items };
    } finally {
      (options.agent as http.Agent | undefined)?.destroy?.();
    }
  };
}

/** The whole list, read page by page; the snapshot's resourceVersion is the first page's. */
function pagedList(
  clients: Pick<KubeClients, "core" | "custom" | "config">,
  kind: WatchedKind,
  namespace: string | undefined,
): ListFn {
  const { compact } = RESOURCES[kind];
  if (compact) return compactPagedList(clients.config, kind, namespace, compact);
  const page = pageFunction(clients, kind, namespace);
  const { fieldSelector } = RESOURCES[kind];
  return async () => {
    const first = await page({ limit: PAGE_SIZE, fieldSelector });
    const items = [...first.items];
    for (let next = first.metadata?._continue; next;) {
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
    const { compact } = RESOURCES[this.kind];
    const realWatch = new k8s.Watch(clients.config);
    // ListWatch says nothing when a (re)started watch connects; wrapping the watch call tells us the
    // cluster answers again, and lets us drop managedFields before objects enter the cache.
    const watch = {
      watch: async (
        path: string,
        query: Record<string, string | number | boolean | undefined>,
        callback: (phase: string, object: AnyObject, raw?: unknown) => void,
        done: (error: unknown) => void,
      ) => {
        // Watch.watch reports a refused connection or an error status through done() before it
        // returns, so only a watch that did not end that way is a connected one.
        let endedAtOnce = false;
        let returned = false;
        const request = await realWatch.watch(
          path,
          query,
          (phase, object: AnyObject, raw) => {
            stripManagedFields(object);
            callback(
              phase,
              compact && (phase === "ADDED" || phase === "MODIFIED" || phase === "DELETED") ? compact(object) : object,
              raw,
            );
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
    const listWatch = new k8s.ListWatch<AnyObject>(
      watchPath(this.kind, this.namespace),
      watch,
      list,
      false,
      undefined,
      RESOURCES[this.kind].fieldSelector,
    );
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
        reject(
          new Error(
            this.current.error ?? `The ${this.kind} of the cluster did not arrive within ${timeoutMs / 1000} s`,
          ),
        );
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
    if (
      before.synced !== this.current.synced ||
      before.stale !== this.current.stale ||
      before.error !== this.current.error ||
      before.forbidden !== this.current.forbidden
    ) {
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
      const permission = {
        verb: "watch",
        resource: RESOURCES[this.kind].resource,
        group: RESOURCES[this.kind].group ?? "",
        ...(this.namespace ? { namespace: this.namespace } : {}),
      };
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

const keyOf = (clusterId: number, kind: WatchedKind, namespace: string | undefined) =>
  `${clusterId}/${kind}/${namespace ?? ""}`;

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

/** Stops every informer and closes its watch (the server is stopping). */
export function stopAllInformers(): void {
  for (const [key, entry] of registry) {
    entry.stop();
    registry.delete(key);
  }
}

/** The status of every running informer, by cluster id: what readiness is judged on. */
export function informerStatusesByCluster(): Map<number, InformerStatus[]> {
  const byCluster = new Map<number, InformerStatus[]>();
  for (const entry of registry.values())
    byCluster.set(entry.connection.id, [...(byCluster.get(entry.connection.id) ?? []), entry.status()]);
  return byCluster;
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
