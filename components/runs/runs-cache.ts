import type { RunChange } from "@/lib/runs/events";
import type { ListRunsFilters, RunView } from "@/lib/runs/schema";

/** The list filters a page holds in its URL (all optional). */
export type RunFilters = Partial<Pick<ListRunsFilters, "status" | "project" | "user" | "activity" | "cluster">>;

/** Whether a run belongs in a list with these filters (the same rules as the server's query). */
export function matchesFilters(run: RunView, filters: RunFilters): boolean {
  return (
    (!filters.status || run.status === filters.status) &&
    (!filters.project || run.project.toLowerCase() === filters.project.toLowerCase()) &&
    (!filters.user || run.user === filters.user) &&
    (!filters.activity || run.activity === filters.activity) &&
    (!filters.cluster || run.cluster === filters.cluster)
  );
}

/** A run with what a change event says about it (status, why, exit code, pods, times). */
export function patchRun(run: RunView, change: RunChange): RunView {
  return {
    ...run,
    status: change.status,
    pods: change.pods,
    reason: change.reason ?? undefined,
    exitCode: change.exitCode ?? undefined,
    startedAt: change.startedAt ?? undefined,
    finishedAt: change.finishedAt ?? undefined,
  };
}

/**
 * Applies one change to a list: patches the run in place, drops it when it stops matching the
 * filters; "unknown" when the run is not in the list (a new run: the caller fetches that one run).
 */
export function applyRunChange(
  runs: readonly RunView[],
  change: RunChange,
  filters: RunFilters,
): RunView[] | "unknown" {
  const index = runs.findIndex((run) => run.id === change.id);
  if (index < 0) return "unknown";
  const patched = patchRun(runs[index], change);
  const next = [...runs];
  if (matchesFilters(patched, filters)) next[index] = patched;
  else next.splice(index, 1);
  return next;
}

/** Adds a run fetched after its first change, newest first, without duplicates, keeping the list's limit. */
export function insertRun(runs: readonly RunView[], run: RunView, filters: RunFilters, limit: number): RunView[] {
  if (!matchesFilters(run, filters)) return [...runs];
  const rest = runs.filter((candidate) => candidate.id !== run.id);
  return [run, ...rest]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(0, limit);
}
