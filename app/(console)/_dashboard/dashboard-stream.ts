// The default export: Node's ESM loader (the benches) sees no named exports in this CommonJS package.
import jsonPatch, { type Operation } from "fast-json-patch";

import type { ClusterDashboard, DashboardSnapshot } from "./types";

/** `event: cluster-patch`: what changed in one cluster's section since the stream last sent it (RFC 6902 operations). */
export interface ClusterPatch {
  id: number;
  ops: Operation[];
}

function withSection(previous: DashboardSnapshot, section: ClusterDashboard): DashboardSnapshot {
  const others = previous.clusters.filter((candidate) => candidate.id !== section.id);
  const clusters =
    others.length === previous.clusters.length
      ? [...others, section].sort((a, b) => a.name.localeCompare(b.name))
      : previous.clusters.map((cluster) => (cluster.id === section.id ? section : cluster));
  return {
    ...previous,
    clusters,
    generatedAt: section.generatedAt > previous.generatedAt ? section.generatedAt : previous.generatedAt,
  };
}

/**
 * The dashboard's client copy after one stream event (`data` as sent): `snapshot` replaces it,
 * `cluster` replaces one section, `cluster-patch` applies operations to one section without touching
 * the others. "resync" when a patch does not fit the copy (a message was lost): the caller reconnects,
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
  return previous ?? "resync";
}
