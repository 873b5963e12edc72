import "server-only";

import { dockerClient } from "@/lib/docker/connection";
import { watchContainerEvents, type ContainerEvent, type ContainerEventStream } from "@/lib/docker/containers";

import { dockerHostConnection, type DockerHost } from "./queries";

interface Listener {
  onEvent(event: ContainerEvent): void;
  onEnd(error: unknown): void;
}

interface SharedStream {
  /** The host row's version the stream was opened with: a new endpoint or TLS opens a new one. */
  version: number;
  listeners: Set<Listener>;
  opened: Promise<ContainerEventStream>;
}

// One map per server process, kept across module reloads in development.
const globalForEvents = globalThis as unknown as { berthDockerHostEvents?: Map<number, SharedStream> };
const shared: Map<number, SharedStream> = (globalForEvents.berthDockerHostEvents ??= new Map<number, SharedStream>());

/** Ends a shared stream: every listener hears `onEnd` once and subscribes again when it wants. */
function endShared(hostId: number, entry: SharedStream, error: unknown): void {
  if (shared.get(hostId) === entry) shared.delete(hostId);
  const listeners = [...entry.listeners];
  entry.listeners.clear();
  void entry.opened.then((stream) => stream.close()).catch(() => undefined);
  for (const listener of listeners) listener.onEnd(error);
}

/**
 * The Docker side of "one informer per cluster and kind": one subscription to a host's container
 * events (every container's), shared by all who follow the host — its runs, the dashboard.
 * `onEvent` gets each event; `onEnd` is called once when the engine closes the stream or the
 * host's connection changed, so the caller can subscribe again and catch up. `close()` ends only
 * this subscription; the stream closes with its last one. Throws when the engine cannot be reached.
 */
export async function watchDockerHostEvents(
  host: DockerHost,
  onEvent: (event: ContainerEvent) => void,
  onEnd: (error: unknown) => void,
): Promise<ContainerEventStream> {
  let entry = shared.get(host.id);
  if (entry && entry.version !== host.version) {
    endShared(host.id, entry, null);
    entry = undefined;
  }
  if (!entry) {
    const listeners = new Set<Listener>();
    const opened = watchContainerEvents(
      dockerClient(dockerHostConnection(host)),
      {},
      (event) => {
        for (const listener of [...listeners]) listener.onEvent(event);
      },
      // Called only once the stream was open, so `created` exists by then.
      (error) => endShared(host.id, created, error),
    );
    const created: SharedStream = { version: host.version, listeners, opened };
    opened.catch(() => {
      if (shared.get(host.id) === created) shared.delete(host.id);
    });
    shared.set(host.id, created);
    entry = created;
  }
  const current = entry;
  const listener: Listener = { onEvent, onEnd };
  current.listeners.add(listener);
  try {
    await current.opened;
  } catch (error) {
    current.listeners.delete(listener);
    throw error;
  }
  return {
    close() {
      if (!current.listeners.delete(listener) || current.listeners.size > 0) return;
      if (shared.get(host.id) === current) shared.delete(host.id);
      void current.opened.then((stream) => stream.close()).catch(() => undefined);
    },
  };
}

/** How many event streams Berth holds open to this host (at most one). */
export function openDockerHostEventStreams(hostId: number): number {
  return shared.has(hostId) ? 1 : 0;
}
