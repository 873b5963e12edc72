// The default export: Node's ESM loader (the benches) sees no named exports in this CommonJS package.
import jsonPatch, { type Operation } from "fast-json-patch";

import type { ClusterDashboard, DashboardSnapshot, DockerHostDashboard } from "./types";

/** `event: cluster-patch`: what changed in one cluster's section since the stream last sent it (RFC 6902 operations). */
export interface ClusterPatch {
  id: number;
  ops: Operation[];
}

/** Sections in natural name order (fleet-2 before fleet-10), as people number their clusters and hosts. */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name, undefined, { numeric: true });
}

/** `sections` with `section` replacing the one of its id, or added in name order. */
function replaced<T extends { id: number; name: string }>(sections: readonly T[], section: T): T[] {
  const others = sections.filter((candidate) => candidate.id !== section.id);
  return others.length === sections.length
    ? [...others, section].sort(byName)
    : sections.map((candidate) => (candidate.id === section.id ? section : candidate));
}

function withHost(previous: DashboardSnapshot, host: DockerHostDashboard): DashboardSnapshot {
  return {
    ...previous,
    dockerHosts: replaced(previous.dockerHosts ?? [], host),
    generatedAt: host.generatedAt > previous.generatedAt ? host.generatedAt : previous.generatedAt,
  };
}

function withSection(previous: DashboardSnapshot, section: ClusterDashboard): DashboardSnapshot {
  const clusters = replaced(previous.clusters, section);
  return {
    ...previous,
    clusters,
    generatedAt: section.generatedAt > previous.generatedAt ? section.generatedAt : previous.generatedAt,
  };
}

/**
 * The dashboard's client copy after one stream event (`data` as sent): `snapshot` replaces it,
 * `cluster` replaces one section, `cluster-patch` applies operations to one section without touching
 * the others; `docker-host` and `docker-host-patch` do the same for a Docker host's section.
 * "resync" when a patch does not fit the copy (a message was lost): the caller reconnects,
 * and the stream starts again with a snapshot. Events it does not know leave the copy as it is.
 */
export function applyDashboardEvent(
  previous: DashboardSnapshot | undefined,
  event: string,
  data: string,
): DashboardSnapshot | "resync" {
  if (event === "snapshot") return JSON.parse(data) as DashboardSnapshot;
  if (event === "cluster") {
    if (!previous) return "resync";
    return withSection(previous, JSON.parse(data) as ClusterDashboard);
  }
  if (event === "cluster-patch") {
    const patch = JSON.parse(data) as ClusterPatch;
    const current = previous?.clusters.find((cluster) => cluster.id === patch.id);
    if (!previous || !current) return "resync";
    try {
      // Validated against the section and applied to a copy: the old copy stays as react-query holds it.
      const section = jsonPatch.applyPatch(current, patch.ops, true, false).newDocument;
      return withSection(previous, section);
    } catch {
      return "resync";
    }
  }
  if (event === "docker-host") {
    if (!previous) return "resync";
    return withHost(previous, JSON.parse(data) as DockerHostDashboard);
  }
  if (event === "docker-host-patch") {
    const patch = JSON.parse(data) as ClusterPatch;
    const current = previous?.dockerHosts?.find((host) => host.id === patch.id);
    if (!previous || !current) return "resync";
    try {
      return withHost(previous, jsonPatch.applyPatch(current, patch.ops, true, false).newDocument);
    } catch {
      return "resync";
    }
  }
  return previous ?? "resync";
}
