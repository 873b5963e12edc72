import { BERTH_LABELS } from "@/lib/kube/labels";

import { NOT_FROM_BERTH, UNLABELLED } from "./aggregate";

/**
 * The running containers of one Docker host, grouped as the dashboard shows them: a pure reducer
 * fed by the engine's events (a container started: its inspect; stopped or removed: its id), so
 * it is unit-tested without an engine. Berth's containers are grouped by their berth.dev/*
 * labels; others count as "not from Berth", as pods do on a cluster.
 */

/** A running container as the dashboard keeps it: its identity by Berth's labels and its limits. */
export interface DockerContainerFacts {
  id: string;
  name: string;
  image: string;
  fromBerth: boolean;
  run: string | null;
  project: string | null;
  user: string | null;
  startedAt: string | null;
  /** The CPU limit in billionths of a CPU (0: none set). */
  nanoCpus: number;
  /** The memory limit in bytes (0: none set). */
  memoryBytes: number;
}

/** One group of running containers and the sum of their limits. */
export interface DockerUseRow {
  key: string;
  containers: number;
  nanoCpus: number;
  memoryBytes: number;
  /** Containers of the group without a CPU or memory limit: their use is bounded by the host only. */
  unlimited: number;
}

export interface DockerHostContainersView {
  runningContainers: number;
  /** Sums of the limits of the running containers. */
  nanoCpus: number;
  memoryBytes: number;
  byProject: DockerUseRow[];
  byUser: DockerUseRow[];
  /** The most recently started running containers, at most DOCKER_CONTAINER_LIST_LIMIT. */
  containers: DockerContainerFacts[];
}

export const DOCKER_CONTAINER_LIST_LIMIT = 50;

/** What the reducer needs of a container: the adapter's RunningContainer fits. */
export interface InspectedContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  running: boolean;
  startedAt: string | null;
  nanoCpus: number;
  memoryBytes: number;
}

/** The dashboard's facts of an inspected container. */
export function containerFacts(container: InspectedContainer): DockerContainerFacts {
  const labels = container.labels;
  return {
    id: container.id,
    name: container.name,
    image: container.image,
    fromBerth: Boolean(labels[BERTH_LABELS.run] || labels[BERTH_LABELS.project]),
    run: labels[BERTH_LABELS.run] || null,
    project: labels[BERTH_LABELS.project] || null,
    user: labels[BERTH_LABELS.user] || null,
    startedAt: container.startedAt,
    nanoCpus: container.nanoCpus,
    memoryBytes: container.memoryBytes,
  };
}

const sameFacts = (a: DockerContainerFacts, b: DockerContainerFacts) =>
  (Object.keys(a) as (keyof DockerContainerFacts)[]).every((key) => a[key] === b[key]);

/** The running containers of one host; `version` moves with every change that alters the view. */
export class DockerHostContainers {
  private readonly running = new Map<string, DockerContainerFacts>();
  version = 0;

  /** A container's inspect after one of its events: kept when it runs, dropped when it does not. */
  applyInspect(container: InspectedContainer): boolean {
    if (!container.running) return this.remove(container.id);
    const facts = containerFacts(container);
    const known = this.running.get(facts.id);
    if (known && sameFacts(known, facts)) return false;
    this.running.set(facts.id, facts);
    this.version += 1;
    return true;
  }

  /** A container stopped, died or was removed (or inspect no longer finds it). */
  remove(id: string): boolean {
    if (!this.running.delete(id)) return false;
    this.version += 1;
    return true;
  }

  /** The ids held now: after the stream reopens, those the engine no longer runs are removed. */
  ids(): string[] {
    return [...this.running.keys()];
  }

  snapshot(): DockerHostContainersView {
    const all = [...this.running.values()];
    return {
      runningContainers: all.length,
      nanoCpus: all.reduce((sum, container) => sum + container.nanoCpus, 0),
      memoryBytes: all.reduce((sum, container) => sum + container.memoryBytes, 0),
      byProject: groupBy(all, (container) => container.project),
      byUser: groupBy(all, (container) => container.user),
      containers: all
        .sort((a, b) => (b.startedAt ?? "").localeCompare(a.startedAt ?? "") || a.name.localeCompare(b.name))
        .slice(0, DOCKER_CONTAINER_LIST_LIMIT),
    };
  }
}

/** Rows by a label, the busiest first and "not from Berth" last. */
function groupBy(
  containers: readonly DockerContainerFacts[],
  keyOf: (container: DockerContainerFacts) => string | null,
): DockerUseRow[] {
  const rows = new Map<string, DockerUseRow>();
  for (const container of containers) {
    const key = container.fromBerth ? (keyOf(container) ?? UNLABELLED) : NOT_FROM_BERTH;
    const row = rows.get(key) ?? { key, containers: 0, nanoCpus: 0, memoryBytes: 0, unlimited: 0 };
    row.containers += 1;
    row.nanoCpus += container.nanoCpus;
    row.memoryBytes += container.memoryBytes;
    if (!container.nanoCpus || !container.memoryBytes) row.unlimited += 1;
    rows.set(key, row);
  }
  return [...rows.values()].sort(
    (a, b) =>
      Number(a.key === NOT_FROM_BERTH) - Number(b.key === NOT_FROM_BERTH) ||
      b.containers - a.containers ||
      a.key.localeCompare(b.key, undefined, { numeric: true }),
  );
}
