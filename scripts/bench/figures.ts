/**
 * The benches' arithmetic, kept pure (no processes, no network) so it is unit-tested: percentiles,
 * and what the simulator's `/_sim/stats` counters say about watches and LISTs.
 */

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const ms = (value: number): string =>
  Number.isFinite(value) ? `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ms` : "n/a";

export interface SimStats {
  since: string;
  lists: Record<string, number>;
  watches: Record<string, { open: number; started: number }>;
  requests: Record<string, Record<string, number>>;
  recentLists: { at: string; path: string }[];
}

/** LISTs per resource made between two snapshots. */
export function listsBetween(before: SimStats, after: SimStats): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [resource, count] of Object.entries(after.lists)) {
    const grown = count - (before.lists[resource] ?? 0);
    if (grown > 0) delta[resource] = grown;
  }
  return delta;
}

/** The LISTs made after `afterIso` (grouped by path, continue tokens left out), to tell who listed. */
export function whoListed(stats: SimStats, afterIso: string): string {
  const counts = new Map<string, number>();
  for (const list of stats.recentLists) {
    if (list.at <= afterIso) continue;
    const url = new URL(list.path, "https://sim.invalid");
    url.searchParams.delete("continue");
    const path = `${url.pathname}${url.search}`;
    counts.set(path, (counts.get(path) ?? 0) + 1);
  }
  return [...counts].map(([path, n]) => `${n}× ${path}`).join(", ");
}

/** Watches open per resource, less the bench's own (`own`), so only the console's are left. */
export function consoleWatches(stats: SimStats, own: Record<string, number>): Record<string, number> {
  const open: Record<string, number> = {};
  for (const [resource, watch] of Object.entries(stats.watches)) {
    const count = watch.open - (own[resource] ?? 0);
    if (count > 0) open[resource] = count;
  }
  return open;
}

export const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);
export const describeCounts = (counts: Record<string, number>): string =>
  Object.keys(counts).length
    ? Object.entries(counts)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")
    : "none";
