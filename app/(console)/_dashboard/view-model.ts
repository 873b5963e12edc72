import { isQuantity, parseQuantity, toNumber } from "@berth/quantity";
import { NOT_FROM_BERTH, type BreakdownRow, type GpuHolder, type GpuNode } from "@/lib/dashboard/aggregate";
import { DASHBOARD_QUOTA_LIMIT } from "@/lib/dashboard/quota-page";

import type { ClusterDashboard, DashboardSnapshot } from "./types";

/** Quotas a cluster's section shows in full (the API's sections carry as many); the calmer rest on demand. */
export const QUOTA_LIMIT = DASHBOARD_QUOTA_LIMIT;

/** A section as the first paint gets it: `quotas` cut to what is shown, with the counts of all of them. */
type FirstPaintCluster = ClusterDashboard & { quotaCount?: number; quotaWarnings?: number };

/**
 * The snapshot the page is first rendered with: each cluster's quotas cut to the QUOTA_LIMIT most
 * pressed (the aggregator sorts them) plus the counts of all. The service's sections come cut
 * already; a section with every quota (`?quotas=all`) is cut here too, as the page shows no more.
 */
export function forFirstPaint(snapshot: DashboardSnapshot): DashboardSnapshot {
  return {
    ...snapshot,
    clusters: snapshot.clusters.map((cluster): FirstPaintCluster => {
      const { count, warnings } = quotaCounts(cluster);
      return { ...cluster, quotas: cluster.quotas.slice(0, QUOTA_LIMIT), quotaCount: count, quotaWarnings: warnings };
    }),
  };
}

/** How many quotas a cluster has and how many are at the warning ratio, whether its section is cut or whole. */
export function quotaCounts(cluster: ClusterDashboard): { count: number; warnings: number } {
  const cut = cluster as FirstPaintCluster;
  return {
    count: cut.quotaCount ?? cluster.quotas.length,
    warnings: cut.quotaWarnings ?? cluster.quotas.filter((quota) => quota.warning).length,
  };
}

/** Busiest groups first; "not from Berth" last so Berth's own work reads first. */
export function orderBreakdown(rows: readonly BreakdownRow[]): BreakdownRow[] {
  return [...rows].sort(
    (a, b) =>
      Number(a.key === NOT_FROM_BERTH) - Number(b.key === NOT_FROM_BERTH) ||
      b.running + b.pending - (a.running + a.pending) ||
      a.key.localeCompare(b.key),
  );
}

/** The first `limit` rows and the sum of the rest (null when nothing is left out). */
export function capRows(
  rows: readonly BreakdownRow[],
  limit: number,
): { shown: BreakdownRow[]; rest: { count: number; running: number; pending: number; gpus: number } | null } {
  const hidden = rows.slice(limit);
  if (hidden.length === 0) return { shown: [...rows], rest: null };
  const sum = (pick: (row: BreakdownRow) => number) => hidden.reduce((total, row) => total + pick(row), 0);
  return {
    shown: rows.slice(0, limit),
    rest: {
      count: hidden.length,
      running: sum((row) => row.running),
      pending: sum((row) => row.pending),
      gpus: sum((row) => row.gpus),
    },
  };
}

/**
 * A node's GPUs as slots, each the pod holding it or null when free. Kubernetes hands out GPUs
 * by count, not by index, so holders fill the slots in order; an over-committed node (requests
 * above allocatable, e.g. after the node shrank) shows every holder's slots.
 */
export function nodeSlots(node: GpuNode): (GpuHolder | null)[] {
  const slots: (GpuHolder | null)[] = node.pods.flatMap((pod) => Array.from({ length: pod.gpus }, () => pod));
  while (slots.length < node.allocatable) slots.push(null);
  return slots;
}

const naturalOrder = new Intl.Collator("en", { numeric: true }).compare;

/** The nodes the map draws, in natural name order (gpu-2 before gpu-10): all when they fit, else the busiest `limit`. */
export function nodesToDraw(nodes: readonly GpuNode[], limit: number): GpuNode[] {
  const chosen =
    nodes.length <= limit
      ? [...nodes]
      : [...nodes].sort((a, b) => b.requested - a.requested || naturalOrder(a.node, b.node)).slice(0, limit);
  return chosen.sort((a, b) => naturalOrder(a.node, b.node));
}

const GI = 2 ** 30;
const MI = 2 ** 20;
const oneDecimal = (value: number) => String(Math.round(value * 10) / 10);

/**
 * A quota amount for reading: memory and storage in Gi/Mi, CPU in cores; counts and anything
 * unparsable as the ResourceQuota wrote them.
 */
export function readableQuantity(resource: string, value: string): string {
  if (!isQuantity(value)) return value;
  const amount = toNumber(parseQuantity(value));
  if (/memory|storage/.test(resource)) {
    if (amount >= GI) return `${oneDecimal(amount / GI)}Gi`;
    if (amount >= MI) return `${oneDecimal(amount / MI)}Mi`;
    return value;
  }
  if (/(^|\.)cpu$/.test(resource)) return oneDecimal(amount);
  return value;
}

const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** A count as people read it, with thousands separators (99,999), the same on the server and in every browser. */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** Clusters and Docker hosts in natural name order (fleet-2 before fleet-10), whatever order they came in. */
export function inNameOrder<T extends { name: string }>(sections: readonly T[]): T[] {
  return [...sections].sort((a, b) => naturalOrder(a.name, b.name));
}

/** CPUs from billionths of a CPU (the Engine API's NanoCpus), for reading: "1.5". */
export function cpusOf(nanoCpus: number): string {
  return oneDecimal(nanoCpus / 1e9);
}

/** Bytes in Gi or Mi, for reading. */
export function readableBytes(bytes: number): string {
  if (bytes >= GI) return `${oneDecimal(bytes / GI)}Gi`;
  if (bytes >= MI) return `${oneDecimal(bytes / MI)}Mi`;
  return `${bytes}B`;
}
