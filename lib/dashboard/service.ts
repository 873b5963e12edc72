import "server-only";

import type { V1Node, V1Pod, V1ResourceQuota } from "@kubernetes/client-node";
import { asc } from "drizzle-orm";
import jsonPatch from "fast-json-patch";

import { getDb } from "@/db";
import { clusters, type Cluster } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { mayReadCluster } from "@/lib/clusters/access";
import { findCluster } from "@/lib/clusters/queries";
import { acquireInformer, type InformerEvent, type InformerStatus, type SharedInformer } from "@/lib/kube/informers";
import type { Actor } from "@/lib/permissions";

import { ClusterAggregator, type ClusterAggregates, type QuotaView, type WatchEvent } from "./aggregate";
import { dockerHostsDashboard, type DockerHostDashboard } from "./docker-service";
import { keptFeed, type FeedTiming, type KeptFeeds } from "./kept-feeds";
import { readUtilization, type UtilizationView } from "./prometheus";
import { capQuotas, quotaPage } from "./quota-page";

/**
 * One aggregator per cluster, fed by the shared informers (the same watches the runs use), kept
 * while somebody looks at the dashboard. A request reads a cached view, rebuilt only after a change
 * (or every few seconds, for "failed in the last hour"); a stream is told of changes at most every
 * CHANGE_DELAY_MS.
 */

const FEED_KINDS = ["pods", "nodes", "resourcequotas"] as const;
type FeedKind = (typeof FEED_KINDS)[number];

/**
 * How long the first request waits for a cluster's first lists (10k pods take about a second)
 * before answering "not synced"; a cluster known to be unreachable is not waited for.
 */
const FIRST_SYNC_WAIT_MS = 5_000;
/**
 * Changes are gathered this long before streams hear of them: a burst costs one rebuild, while a
 * pod change still shows on an open dashboard within 300 ms (docs/benchmarks.md).
 */
const CHANGE_DELAY_MS = 100;
/** A view is rebuilt at least this often, so time-based figures (failed in the last hour) move on. */
const VIEW_MAX_AGE_MS = 5_000;
/** A cluster nobody has looked at for this long stops being aggregated (its informers are released). */
const FEED_TIMING: FeedTiming = { idleMs: 10 * 60_000, everyMs: 60_000 };
const STREAM_REFRESH_MS = 60_000;
/** Prometheus is asked at most this often per cluster, whatever the number of open dashboards. */
const UTILIZATION_CACHE_MS = 10_000;

/** One cluster's section of `GET /api/v1/dashboard`. */
export interface ClusterDashboard extends ClusterAggregates {
  id: number;
  name: string;
  /** The first lists have arrived. */
  synced: boolean;
  /** The cluster cannot be watched now: the figures are as of staleSince. */
  stale: boolean;
  staleSince: string | null;
  error: string | null;
  /** A Prometheus URL is set on the cluster (GPU utilization: GET /api/v1/dashboard/gpu-utilization). */
  prometheus: boolean;
  /** Every ResourceQuota of the cluster; `quotas` holds the most pressed of them. */
  quotaCount: number;
  /** Quotas at QUOTA_WARNING_RATIO or more of a limit, among all of them. */
  quotaWarnings: number;
  generatedAt: string;
}

export interface DashboardSnapshot {
  clusters: ClusterDashboard[];
  /** The Docker hosts the caller may read (none when `?cluster=` names one cluster). */
  dockerHosts: DockerHostDashboard[];
  generatedAt: string;
}

export type { DockerHostDashboard } from "./docker-service";

/** The Docker hosts' sections, unless the request is narrowed to one cluster. */
function dockerSections(actor: Actor, options: DashboardOptions): Promise<DockerHostDashboard[]> {
  return options.cluster ? Promise.resolve([]) : dockerHostsDashboard(actor);
}

interface Feed {
  clusterId: number;
  rowVersion: number;
  name: string;
  prometheusConfigured: boolean;
  aggregator: ClusterAggregator;
  statuses: Record<FeedKind, InformerStatus>;
  /** Settles when all three informers have synced or the first wait timed out. */
  firstSync: Promise<void>;
  firstSyncSettled: boolean;
  /**
   * Started at server start: requests answer at once, marking it not synced until its lists are
   * in, so that a restart with ten 100,000-pod clusters shows the dashboard within a second or two.
   */
  startedAtBoot: boolean;
  /** Bumped by status changes, which the aggregator's version does not see. */
  statusVersion: number;
  lastUsed: number;
  /** `json`: the value serialised, once, for GET requests (ten clusters of 1,000 namespaces make megabytes). */
  view: {
    key: string;
    at: number;
    value: ClusterDashboard;
    json?: string;
    quotas: QuotaView[];
    patches?: WeakMap<ClusterDashboard, string>;
  } | null;
  dispose(): void;
}

type ChangeListener = (clusterIds: number[]) => void;

interface DashboardState extends KeptFeeds<Feed> {
  listeners: Set<ChangeListener>;
  changed: Set<number>;
  changeTimer: NodeJS.Timeout | null;
  /** While streams are open: re-sends views now and then, as "failed in the last hour" moves with time alone. */
  refreshTimer: NodeJS.Timeout | null;
  /** `source`: the Prometheus URL and GPU label names the view was read with. */
  utilization: Map<number, { source: string; at: number; view: Promise<UtilizationView> }>;
}

// One state per server process, kept across module reloads in development.
const globalForDashboard = globalThis as unknown as { berthDashboard?: DashboardState };
const state: DashboardState = (globalForDashboard.berthDashboard ??= {
  feeds: new Map(),
  listeners: new Set(),
  changed: new Set(),
  changeTimer: null,
  refreshTimer: null,
  sweepTimer: null,
  utilization: new Map(),
  streams: new Map(),
});

function signalChange(clusterId: number): void {
  state.changed.add(clusterId);
  if (state.changeTimer || state.listeners.size === 0) {
    if (state.listeners.size === 0) state.changed.clear();
    return;
  }
  state.changeTimer = setTimeout(() => {
    state.changeTimer = null;
    const ids = [...state.changed];
    state.changed.clear();
    for (const listener of state.listeners) {
      try {
        listener(ids);
      } catch (error) {
        console.error("berth: dashboard change listener failed", error);
      }
    }
  }, CHANGE_DELAY_MS);
}

function applyTo(aggregator: ClusterAggregator, kind: FeedKind, event: WatchEvent<unknown>): boolean {
  if (kind === "pods") return aggregator.applyPod(event as WatchEvent<V1Pod>);
  if (kind === "nodes") return aggregator.applyNode(event as WatchEvent<V1Node>);
  return aggregator.applyQuota(event as WatchEvent<V1ResourceQuota>);
}

function replaceIn(aggregator: ClusterAggregator, kind: FeedKind, items: readonly unknown[]): boolean {
  if (kind === "pods") return aggregator.replacePods(items as V1Pod[]);
  if (kind === "nodes") return aggregator.replaceNodes(items as V1Node[]);
  return aggregator.replaceQuotas(items as V1ResourceQuota[]);
}

function startFeed(cluster: Cluster): Feed {
  const aggregator = new ClusterAggregator();
  const cleanups: (() => void)[] = [];
  const informers: SharedInformer<unknown>[] = [];
  // An informer handed over to a new connection keeps its subscribers: a disposed feed ignores them.
  let disposed = false;
  const feed: Feed = {
    clusterId: cluster.id,
    rowVersion: cluster.version,
    name: cluster.name,
    prometheusConfigured: Boolean(cluster.prometheusUrl),
    aggregator,
    statuses: {} as Record<FeedKind, InformerStatus>,
    firstSync: Promise.resolve(),
    firstSyncSettled: false,
    startedAtBoot: false,
    statusVersion: 0,
    lastUsed: Date.now(),
    view: null,
    dispose: () => {
      disposed = true;
      cleanups.forEach((cleanup) => cleanup());
    },
  };
  for (const kind of FEED_KINDS) {
    const { informer, release } = acquireInformer(cluster, kind);
    informers.push(informer as SharedInformer<unknown>);
    feed.statuses[kind] = informer.status();
    // list() then subscribe() in one turn: no event can fall between the two.
    replaceIn(aggregator, kind, informer.list());
    const unsubscribe = (informer as SharedInformer<unknown>).subscribe((event: InformerEvent<unknown>) => {
      if (disposed) return;
      if (event.type === "status") {
        const wasSynced = feed.statuses[kind].synced;
        feed.statuses[kind] = event.status;
        feed.statusVersion += 1;
        // Reconcile with the cache whenever it (re)synchronises: cheap insurance against a missed event.
        if (event.status.synced && !wasSynced) replaceIn(aggregator, kind, informer.list());
        signalChange(cluster.id);
      } else if (applyTo(aggregator, kind, event)) {
        signalChange(cluster.id);
      }
    });
    cleanups.push(unsubscribe, release);
  }
  const synced = Promise.all(informers.map((informer) => informer.whenSynced(FIRST_SYNC_WAIT_MS)));
  feed.firstSync = synced.then(
    () => {
      feed.firstSyncSettled = true;
    },
    () => {
      feed.firstSyncSettled = true;
    },
  );
  return feed;
}

/** The cluster's feed, started on first use and restarted when its connection changed. */
function feedFor(cluster: Cluster): Feed {
  const feed = keptFeed(state, cluster, startFeed, (old) => old.dispose(), FEED_TIMING);
  feed.name = cluster.name;
  feed.prometheusConfigured = Boolean(cluster.prometheusUrl);
  return feed;
}

/** Drops the feeds of clusters that no longer exist. */
function forgetRemoved(existing: Set<number>): void {
  for (const [id, feed] of state.feeds) {
    if (existing.has(id)) continue;
    feed.dispose();
    state.feeds.delete(id);
  }
}

function clusterView(feed: Feed): ClusterDashboard {
  const now = Date.now();
  const key = `${feed.aggregator.version}/${feed.statusVersion}/${feed.name}/${feed.prometheusConfigured}`;
  if (feed.view && feed.view.key === key && now - feed.view.at < VIEW_MAX_AGE_MS) return feed.view.value;
  const statuses = FEED_KINDS.map((kind) => feed.statuses[kind]);
  const staleSince =
    statuses
      .map((status) => status.staleSince)
      .filter((since): since is string => since !== null)
      .sort()[0] ?? null;
  const aggregates = feed.aggregator.snapshot();
  const value: ClusterDashboard = {
    id: feed.clusterId,
    name: feed.name,
    synced: statuses.every((status) => status.synced),
    stale: statuses.some((status) => status.stale),
    staleSince,
    error: statuses.find((status) => status.error)?.error ?? null,
    prometheus: feed.prometheusConfigured,
    ...aggregates,
    ...capQuotas(aggregates.quotas),
    generatedAt: new Date(now).toISOString(),
  };
  feed.view = { key, at: now, value, quotas: aggregates.quotas };
  return value;
}

/** The cluster's section as JSON text, serialised once per view. */
function clusterViewJson(feed: Feed): string {
  clusterView(feed);
  const view = feed.view!;
  return (view.json ??= JSON.stringify(view.value));
}

/** The clusters the actor may see on the dashboard (one, when `cluster` names it). */
function visibleClusters(actor: Actor, cluster?: string): Cluster[] {
  if (cluster) {
    const row = findCluster(cluster);
    // A cluster the actor may not read is not told to exist: 404, as for the cluster's own pages.
    if (!row || !mayReadCluster(actor, row.id)) throw new DomainError(404, `Cluster "${cluster}" not found`);
    return [row];
  }
  // Natural order (fleet-2 before fleet-10), as people number their clusters.
  const rows = getDb()
    .select()
    .from(clusters)
    .orderBy(asc(clusters.name))
    .all()
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  forgetRemoved(new Set(rows.map((row) => row.id)));
  return rows.filter((row) => mayReadCluster(actor, row.id));
}

/**
 * `GET /api/v1/dashboard`: every cluster the actor may read (or the one named), from the
 * aggregators. Only the first request for a cluster waits for its lists (at most a few seconds).
 */
export async function dashboardSnapshot(actor: Actor, options: DashboardOptions = {}): Promise<DashboardSnapshot> {
  const [feeds, dockerHosts] = await Promise.all([
    visibleFeeds(actor, options.cluster),
    dockerSections(actor, options),
  ]);
  return {
    clusters: feeds.map(options.quotas === "all" ? withAllQuotas : clusterView),
    dockerHosts,
    generatedAt: new Date().toISOString(),
  };
}

/** `?cluster=` names one cluster; `?quotas=all` sends every quota of a section instead of the most pressed. */
export interface DashboardOptions {
  cluster?: string;
  quotas?: "all";
}

/** A section with every quota, for callers that asked for all of them (not cached: the rare, large answer). */
function withAllQuotas(feed: Feed): ClusterDashboard {
  const value = clusterView(feed);
  return { ...value, quotas: feed.view!.quotas };
}

/**
 * `GET /api/v1/dashboard/clusters/{cluster}/quotas`: the cluster's quotas past those its section
 * carries, most pressed first, a page at a time.
 */
export async function dashboardQuotas(
  actor: Actor,
  cluster: string,
  page: { cursor?: string; limit: number },
): Promise<{ items: QuotaView[]; nextCursor: string | null; count: number }> {
  const [feed] = await visibleFeeds(actor, cluster);
  clusterView(feed);
  try {
    return quotaPage(feed.view!.quotas, page.cursor, page.limit);
  } catch (error) {
    throw new DomainError(400, error instanceof Error ? error.message : String(error), {
      cursor: ["The cursor is not valid"],
    });
  }
}

/** The feeds of the clusters the actor may see; a feed this request started waits for its first lists. */
async function visibleFeeds(actor: Actor, cluster: string | undefined): Promise<Feed[]> {
  const rows = visibleClusters(actor, cluster);
  const feeds = rows.map(feedFor);
  await Promise.all(
    feeds
      .filter((feed, index) => !feed.firstSyncSettled && !feed.startedAtBoot && rows[index].reachable !== false)
      .map((feed) => feed.firstSync),
  );
  return feeds;
}

/**
 * A `GET /api/v1/dashboard` body is shared by the requests that come while none of its clusters'
 * sections changed, for at most this long: ten clusters of 1,000 namespaces make a body of about
 * 10 MB, which costs more to assemble than to send.
 */
const BODY_REUSE_MS = 1_000;
const bodies = new Map<string, { at: number; text: string }>();

/** `dashboardSnapshot` as JSON text, from each cluster's section serialised once per change: what `GET /api/v1/dashboard` sends. */
export async function dashboardSnapshotText(actor: Actor, options: DashboardOptions = {}): Promise<string> {
  if (options.quotas === "all") return JSON.stringify(await dashboardSnapshot(actor, options));
  const [feeds, dockerHosts] = await Promise.all([
    visibleFeeds(actor, options.cluster),
    dockerSections(actor, options),
  ]);
  const sections = feeds.map(clusterViewJson);
  const dockerText = JSON.stringify(dockerHosts);
  const key = `${feeds.map((feed) => `${feed.clusterId}/${feed.view!.key}/${feed.view!.at}`).join(",")}|${dockerText}`;
  const now = Date.now();
  const kept = bodies.get(key);
  if (kept && now - kept.at <= BODY_REUSE_MS) return kept.text;
  for (const [old, body] of bodies) if (now - body.at > BODY_REUSE_MS) bodies.delete(old);
  const text = `{"clusters":[${sections.join(",")}],"dockerHosts":${dockerText},"generatedAt":${JSON.stringify(new Date(now).toISOString())}}`;
  bodies.set(key, { at: now, text });
  return text;
}

/** One cluster's section, if the actor may see it and it is being aggregated. */
export function clusterDashboard(actor: Actor, clusterId: number): ClusterDashboard | null {
  const feed = state.feeds.get(clusterId);
  if (!feed || !mayReadCluster(actor, clusterId)) return null;
  feed.lastUsed = Date.now();
  return clusterView(feed);
}

/** `clusterDashboard` serialised, once per change of the section, whatever the number of streams sending it. */
export function clusterDashboardJson(actor: Actor, clusterId: number): string | null {
  const feed = state.feeds.get(clusterId);
  if (!feed || !mayReadCluster(actor, clusterId)) return null;
  feed.lastUsed = Date.now();
  return clusterViewJson(feed);
}

/**
 * What a stream sends of a cluster after a change, given the section it sent last (`sent`):
 * `patch`, the JSON text of `{id, ops}` turning `sent` into the current section (RFC 6902),
 * computed once for all the streams that sent the same section; `full` when there is nothing
 * to patch from. `view` is the section the stream then holds. Null when the cluster is not
 * aggregated or hidden from the actor, or when nothing changed since `sent`.
 */
export function clusterDashboardChange(
  actor: Actor,
  clusterId: number,
  sent: ClusterDashboard | undefined,
): { view: ClusterDashboard; patch: string } | { view: ClusterDashboard; full: string } | null {
  const feed = state.feeds.get(clusterId);
  if (!feed || !mayReadCluster(actor, clusterId)) return null;
  feed.lastUsed = Date.now();
  const value = clusterView(feed);
  if (value === sent) return null;
  const view = feed.view!;
  if (!sent) return { view: value, full: clusterViewJson(feed) };
  view.patches ??= new WeakMap();
  let patch = view.patches.get(sent);
  if (patch === undefined) {
    patch = JSON.stringify({ id: clusterId, ops: jsonPatch.compare(sent, value) });
    view.patches.set(sent, patch);
  }
  return { view: value, patch };
}

/** The aggregator of a cluster that is being aggregated (for metrics joins and live GPU-hours). */
export function clusterAggregator(clusterId: number): ClusterAggregator | null {
  return state.feeds.get(clusterId)?.aggregator ?? null;
}

/**
 * Starts aggregating every cluster (at server start): the dashboard is the first page an admin
 * opens, and its first request should not wait for a 10,000-pod list (it answers with the clusters
 * not synced yet marked so). Feeds nobody reads are released when idle (FEED_TIMING) as usual.
 */
export function startDashboardFeeds(): void {
  for (const cluster of getDb().select().from(clusters).all()) {
    try {
      const feed = feedFor(cluster);
      if (!feed.firstSyncSettled) feed.startedAtBoot = true;
    } catch (error) {
      // An unusable kubeconfig shows as an error on the dashboard; it must not stop the server.
      console.error(
        `berth: cannot aggregate cluster ${cluster.name}: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
}

/** Makes sure a cluster is aggregated and returns its aggregator once its first lists are in. */
export async function ensureClusterAggregator(cluster: Cluster): Promise<ClusterAggregator> {
  const feed = feedFor(cluster);
  if (!feed.firstSyncSettled) await feed.firstSync;
  return feed.aggregator;
}

/**
 * Calls `listener` with the ids of clusters whose figures changed, at most every CHANGE_DELAY_MS,
 * and keeps those clusters aggregated while subscribed. Returns the unsubscribe function.
 */
export function subscribeDashboard(clusterIds: number[], listener: ChangeListener): () => void {
  for (const id of clusterIds) state.streams.set(id, (state.streams.get(id) ?? 0) + 1);
  state.listeners.add(listener);
  state.refreshTimer ??= setInterval(() => {
    for (const id of state.streams.keys()) signalChange(id);
  }, STREAM_REFRESH_MS);
  state.refreshTimer.unref?.();
  return () => {
    state.listeners.delete(listener);
    if (state.listeners.size === 0 && state.refreshTimer) {
      clearInterval(state.refreshTimer);
      state.refreshTimer = null;
    }
    for (const id of clusterIds) {
      const left = (state.streams.get(id) ?? 1) - 1;
      if (left > 0) state.streams.set(id, left);
      else state.streams.delete(id);
      const feed = state.feeds.get(id);
      if (feed) feed.lastUsed = Date.now();
    }
  };
}

/**
 * `GET /api/v1/dashboard/gpu-utilization`: the cluster's DCGM figures from its Prometheus, joined
 * to the pods holding the GPUs (project, user, run). Shared by every caller for a few seconds.
 */
export async function gpuUtilization(actor: Actor, cluster: string): Promise<UtilizationView> {
  const [row] = visibleClusters(actor, cluster);
  const cached = state.utilization.get(row.id);
  const source = JSON.stringify([row.prometheusUrl, row.gpuMetricLabels]);
  if (cached && cached.source === source && Date.now() - cached.at < UTILIZATION_CACHE_MS) return cached.view;
  const view = (async () => {
    const aggregator = row.prometheusUrl ? await ensureClusterAggregator(row) : null;
    return readUtilization(row.prometheusUrl, (namespace, name) => aggregator?.podNamed(namespace, name), {
      labels: row.gpuMetricLabels ?? "auto",
    });
  })();
  state.utilization.set(row.id, { source, at: Date.now(), view });
  // A failure to reach the cluster itself is not kept: the next request tries again.
  view.catch(() => state.utilization.delete(row.id));
  return view;
}

/** The running GPU pods Berth did not start, on the clusters being aggregated (for GPU-hours). */
export function foreignGpuPods(): { clusterId: number; gpus: number; startedAt: number | null }[] {
  return [...state.feeds.values()].flatMap((feed) =>
    feed.aggregator
      .gpuPods()
      .filter((pod) => !pod.fromBerth)
      .map((pod) => ({ clusterId: feed.clusterId, gpus: pod.gpus, startedAt: pod.startedAt })),
  );
}
