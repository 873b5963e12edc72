import "server-only";

import jsonPatch from "fast-json-patch";

import { watchDockerHostEvents } from "@/lib/docker-hosts/events";
import { dockerHostConnection, listDockerHostRows, type DockerHost } from "@/lib/docker-hosts/queries";
import { mayReadDockerHost } from "@/lib/docker-hosts/reads";
import { dockerHostStatus } from "@/lib/docker-hosts/status";
import { describeDockerError, dockerClient, type DockerConnection } from "@/lib/docker/connection";
import { type ContainerEventStream } from "@/lib/docker/containers";
import { inspectRunningContainer, runningContainerIds } from "@/lib/docker/running";
import type { Actor } from "@/lib/permissions";

import { DockerHostContainers, type DockerHostContainersView } from "./docker-aggregate";
import { keptFeed, type FeedTiming, type KeptFeeds } from "./kept-feeds";

/**
 * The Docker hosts' sections of the dashboard: one feed per host, kept while somebody looks at
 * the dashboard. A feed subscribes to the engine's container events (every container, not only
 * Berth's: the others count as "not from Berth") and inspects a container once when it starts,
 * for its labels and limits; a stop, death or removal drops it. Nothing is polled: live CPU and
 * memory use would take one `GET /containers/{id}/stats` per container per reading, so the
 * section shows the limits the containers were created with (NanoCpus and Memory of the create
 * body, as the engine keeps them in HostConfig) against the host's capacity.
 */

/** How long the first request waits for a host's first listing before answering "not synced". */
const FIRST_SYNC_WAIT_MS = 3_000;
/** Changes are gathered this long before streams hear of them, as for clusters. */
const CHANGE_DELAY_MS = 100;
/** After the engine closed the events stream: wait this long, open it again, and list again. */
const RESUBSCRIBE_MS = 5_000;
/** A host nobody has looked at for this long stops being followed, as for clusters. */
const FEED_TIMING: FeedTiming = { idleMs: 10 * 60_000, everyMs: 60_000 };

/**
 * Actions after which a container is inspected again: it may run now, run with other facts, or
 * have stopped (a `kill` may be any signal, so only inspect tells).
 */
const INSPECT_ACTIONS = new Set(["start", "restart", "unpause", "pause", "update", "kill", "oom"]);
/** Actions after which a container no longer runs (podman's compat service says `died`, `remove`, `cleanup`). */
const STOPPED_ACTIONS = new Set(["die", "died", "stop", "destroy", "remove", "cleanup"]);

/** One Docker host's section of `GET /api/v1/dashboard`. */
export interface DockerHostDashboard extends DockerHostContainersView {
  id: number;
  name: string;
  /** The engine answered its last status read. */
  reachable: boolean;
  engineVersion: string | null;
  /** The host's capacity, as the engine reports it (null while it cannot be read). */
  cpus: number | null;
  totalMemoryBytes: number | null;
  /** The first listing has arrived. */
  synced: boolean;
  /** The events stream is down: the containers are as of staleSince. */
  stale: boolean;
  staleSince: string | null;
  error: string | null;
  generatedAt: string;
}

interface HostFeed {
  hostId: number;
  rowVersion: number;
  name: string;
  containers: DockerHostContainers;
  status: { reachable: boolean; engineVersion: string | null; cpus: number | null; memoryBytes: number | null };
  synced: boolean;
  staleSince: string | null;
  error: string | null;
  statusVersion: number;
  /** Per container: the number of its latest event, so an inspect overtaken by a later event is dropped. */
  eventSeq: Map<string, number>;
  stream: ContainerEventStream | null;
  firstSync: Promise<void>;
  lastUsed: number;
  view: { key: string; value: DockerHostDashboard } | null;
  disposed: boolean;
}

type ChangeListener = (hostIds: number[]) => void;

interface DockerDashboardState extends KeptFeeds<HostFeed> {
  listeners: Set<ChangeListener>;
  changed: Set<number>;
  changeTimer: NodeJS.Timeout | null;
}

const globalForDocker = globalThis as unknown as { berthDockerDashboard?: DockerDashboardState };
const state: DockerDashboardState = (globalForDocker.berthDockerDashboard ??= {
  feeds: new Map(),
  listeners: new Set(),
  changed: new Set(),
  changeTimer: null,
  sweepTimer: null,
  streams: new Map(),
});

function signalChange(hostId: number): void {
  if (state.listeners.size === 0) return;
  state.changed.add(hostId);
  state.changeTimer ??= setTimeout(() => {
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

function clientFor(connection: DockerConnection) {
  return dockerClient(connection);
}

/** Inspects a container after its event `seq` and applies what the engine says, unless a later event overtook it. */
async function refreshContainer(feed: HostFeed, connection: DockerConnection, id: string, seq: number): Promise<void> {
  const container = await inspectRunningContainer(clientFor(connection), id);
  if (feed.disposed || feed.eventSeq.get(id) !== seq) return;
  feed.eventSeq.delete(id);
  const changed = container ? feed.containers.applyInspect(container) : feed.containers.remove(id);
  if (changed) signalChange(feed.hostId);
}

function nextSeq(feed: HostFeed, id: string): number {
  const seq = (feed.eventSeq.get(id) ?? 0) + 1;
  feed.eventSeq.set(id, seq);
  return seq;
}

async function readStatus(feed: HostFeed, host: DockerHost): Promise<void> {
  const status = await dockerHostStatus(host);
  if (feed.disposed) return;
  feed.status = status.reachable
    ? { reachable: true, engineVersion: status.engineVersion, cpus: status.cpus, memoryBytes: status.memoryBytes }
    : { ...feed.status, reachable: false };
  if (!status.reachable) feed.error = status.error;
  feed.statusVersion += 1;
  signalChange(feed.hostId);
}

/**
 * Subscribes to the host's container events, then lists what runs: an event that comes while the
 * listing is read is applied after it by its own inspect. Containers held that no longer run (the
 * stream was down meanwhile) are dropped. Throws when the engine cannot be reached.
 */
async function follow(feed: HostFeed, host: DockerHost): Promise<void> {
  const connection = dockerHostConnection(host);
  const client = clientFor(connection);
  const onEvent = (event: { id: string; action: string }) => {
    if (feed.disposed) return;
    const action = event.action.split(":")[0];
    if (STOPPED_ACTIONS.has(action)) {
      nextSeq(feed, event.id);
      if (feed.containers.remove(event.id)) signalChange(feed.hostId);
    } else if (INSPECT_ACTIONS.has(action)) {
      const seq = nextSeq(feed, event.id);
      void refreshContainer(feed, connection, event.id, seq).catch(() => undefined);
    }
  };
  const stream = await watchDockerHostEvents(host, onEvent, (error) => {
    feed.stream = null;
    if (feed.disposed) return;
    feed.staleSince = new Date().toISOString();
    feed.error = `The engine's events stream closed${error ? `: ${describeDockerError(error).message}` : ""}`;
    feed.statusVersion += 1;
    signalChange(feed.hostId);
    setTimeout(() => void resume(feed, host.id), RESUBSCRIBE_MS).unref?.();
  });
  if (feed.disposed) {
    stream.close();
    return;
  }
  feed.stream = stream;
  let ids: string[];
  try {
    ids = await runningContainerIds(client);
  } catch (error) {
    // The caller opens a new stream when it tries again: this one must not stay open beside it.
    feed.stream = null;
    stream.close();
    throw error;
  }
  const listed = new Set(ids);
  for (const id of feed.containers.ids()) if (!listed.has(id)) feed.containers.remove(id);
  await Promise.all(ids.map((id) => refreshContainer(feed, connection, id, nextSeq(feed, id)).catch(() => undefined)));
  feed.synced = true;
  feed.staleSince = null;
  feed.error = null;
  feed.statusVersion += 1;
  signalChange(feed.hostId);
}

async function resume(feed: HostFeed, hostId: number): Promise<void> {
  if (feed.disposed) return;
  const host = listDockerHostRows().find((row) => row.id === hostId);
  if (!host) return;
  try {
    await follow(feed, host);
    await readStatus(feed, host);
  } catch (error) {
    feed.error = describeDockerError(error).message;
    feed.statusVersion += 1;
    signalChange(feed.hostId);
    setTimeout(() => void resume(feed, hostId), RESUBSCRIBE_MS).unref?.();
  }
}

function startFeed(host: DockerHost): HostFeed {
  const feed: HostFeed = {
    hostId: host.id,
    rowVersion: host.version,
    name: host.name,
    containers: new DockerHostContainers(),
    status: { reachable: false, engineVersion: null, cpus: null, memoryBytes: null },
    synced: false,
    staleSince: null,
    error: null,
    statusVersion: 0,
    eventSeq: new Map(),
    stream: null,
    firstSync: Promise.resolve(),
    lastUsed: Date.now(),
    view: null,
    disposed: false,
  };
  feed.firstSync = Promise.all([
    readStatus(feed, host),
    follow(feed, host).catch((error: unknown) => {
      if (feed.disposed) return;
      feed.staleSince = new Date().toISOString();
      feed.error = describeDockerError(error).message;
      feed.statusVersion += 1;
      setTimeout(() => void resume(feed, host.id), RESUBSCRIBE_MS).unref?.();
    }),
  ]).then(() => undefined);
  return feed;
}

function disposeFeed(feed: HostFeed): void {
  feed.disposed = true;
  feed.stream?.close();
  feed.stream = null;
}

function feedFor(host: DockerHost): HostFeed {
  const feed = keptFeed(state, host, startFeed, disposeFeed, FEED_TIMING);
  feed.name = host.name;
  return feed;
}

function hostView(feed: HostFeed): DockerHostDashboard {
  const key = `${feed.containers.version}/${feed.statusVersion}/${feed.name}`;
  if (feed.view?.key === key) return feed.view.value;
  const value: DockerHostDashboard = {
    id: feed.hostId,
    name: feed.name,
    reachable: feed.status.reachable,
    engineVersion: feed.status.engineVersion,
    cpus: feed.status.cpus,
    totalMemoryBytes: feed.status.memoryBytes,
    synced: feed.synced,
    stale: feed.staleSince !== null,
    staleSince: feed.staleSince,
    error: feed.error,
    ...feed.containers.snapshot(),
    generatedAt: new Date().toISOString(),
  };
  feed.view = { key, value };
  return value;
}

/**
 * The Docker hosts the actor may read (any level on them, or usable by all), each with its
 * running containers; a feed this request started waits for its first listing, a few seconds at most.
 */
export async function dockerHostsDashboard(actor: Actor): Promise<DockerHostDashboard[]> {
  const rows = listDockerHostRows();
  const existing = new Set(rows.map((row) => row.id));
  for (const [id, feed] of state.feeds)
    if (!existing.has(id)) {
      disposeFeed(feed);
      state.feeds.delete(id);
    }
  const feeds = rows
    .filter((row) => mayReadDockerHost(actor, row.id))
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }))
    .map(feedFor);
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, FIRST_SYNC_WAIT_MS)));
  await Promise.race([Promise.all(feeds.map((feed) => feed.firstSync)), waited]);
  clearTimeout(timer);
  return feeds.map(hostView);
}

/**
 * What a stream sends of a host after a change, given the section it sent last: `patch`, the
 * JSON text of `{id, ops}` (RFC 6902) from `sent` to the current section, or `full` when there
 * is nothing to patch from. Null when the host is not followed, hidden from the actor, or unchanged.
 */
export function dockerHostDashboardChange(
  actor: Actor,
  hostId: number,
  sent: DockerHostDashboard | undefined,
): { view: DockerHostDashboard; patch: string } | { view: DockerHostDashboard; full: string } | null {
  const feed = state.feeds.get(hostId);
  if (!feed || feed.disposed || !mayReadDockerHost(actor, hostId)) return null;
  feed.lastUsed = Date.now();
  const value = hostView(feed);
  if (value === sent) return null;
  if (!sent) return { view: value, full: JSON.stringify(value) };
  return { view: value, patch: JSON.stringify({ id: hostId, ops: jsonPatch.compare(sent, value) }) };
}

/**
 * Calls `listener` with the ids of Docker hosts whose sections changed, at most every
 * CHANGE_DELAY_MS, and keeps those hosts followed while subscribed. Returns the unsubscribe function.
 */
export function subscribeDockerHostsDashboard(hostIds: number[], listener: ChangeListener): () => void {
  for (const id of hostIds) state.streams.set(id, (state.streams.get(id) ?? 0) + 1);
  state.listeners.add(listener);
  return () => {
    state.listeners.delete(listener);
    for (const id of hostIds) {
      const left = (state.streams.get(id) ?? 1) - 1;
      if (left > 0) state.streams.set(id, left);
      else state.streams.delete(id);
      const feed = state.feeds.get(id);
      if (feed) feed.lastUsed = Date.now();
    }
  };
}

/** Stops following every Docker host (tests, shutdown). */
export function stopDockerHostsDashboard(): void {
  for (const feed of state.feeds.values()) disposeFeed(feed);
  state.feeds.clear();
  if (state.sweepTimer) clearInterval(state.sweepTimer);
  state.sweepTimer = null;
}
