"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import { useEventSource } from "@/components/live/use-event-source";
import { applyRunChange, insertRun, type RunFilters } from "@/components/runs/runs-cache";
import { RunsTable } from "@/components/runs/runs-table";
import { StaleBanner, type ClusterWatch } from "@/components/runs/stale-banner";
import { useNow } from "@/components/runs/use-now";
import { EmptyState } from "@/components/ui/empty-state";
import type { RunChange } from "@/lib/runs/events";
import type { RunView } from "@/lib/runs/schema";

const listUrl = (filters: RunFilters, limit: number) =>
  `/api/v1/runs?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1]))), limit: String(limit) })}`;

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
}

/**
 * The runs list, kept current by the runs stream: each change patches its row in the react-query
 * cache; a run not yet listed is fetched alone. The whole list is re-read only after the stream
 * reconnects (changes may have been missed while it was down).
 */
export function LiveRuns({
  initialRuns,
  filters,
  limit,
  clusters,
  initialWatches,
}: {
  initialRuns: RunView[];
  filters: RunFilters;
  limit: number;
  /** Cluster names by id, to name a cluster whose watch goes stale. */
  clusters: Record<number, string>;
  initialWatches: ClusterWatch[];
}) {
  const [watches, setWatches] = useState<Record<number, ClusterWatch>>(() =>
    Object.fromEntries(initialWatches.map((watch) => [watch.clusterId, watch])),
  );
  const queryClient = useQueryClient();
  const queryKey = useMemo(() => ["runs", "list", filters, limit], [filters, limit]);
  const { data: runs } = useQuery({
    queryKey,
    queryFn: () => fetchJson<RunView[]>(listUrl(filters, limit)),
    initialData: initialRuns,
    staleTime: Infinity,
  });
  const now = useNow();
  // Runs whose project, user, activity or cluster (which never change) keep them out of this list.
  const excluded = useRef(new Set<string>());

  // A server render (navigation, filter change) brings a fresh list.
  useEffect(() => {
    queryClient.setQueryData(queryKey, initialRuns);
  }, [queryClient, queryKey, initialRuns]);

  const onRun = useCallback(
    (data: unknown) => {
      const change = data as RunChange;
      const current = queryClient.getQueryData<RunView[]>(queryKey) ?? [];
      const next = applyRunChange(current, change, filters);
      if (next !== "unknown") {
        queryClient.setQueryData(queryKey, next);
        return;
      }
      if (excluded.current.has(change.id) || (filters.status && change.status !== filters.status)) return;
      fetchJson<RunView>(`/api/v1/runs/${change.id}`)
        .then((run) => {
          const listed = insertRun(queryClient.getQueryData<RunView[]>(queryKey) ?? [], run, filters, limit);
          if (!listed.some((candidate) => candidate.id === run.id) && !filters.status) excluded.current.add(run.id);
          queryClient.setQueryData(queryKey, listed);
        })
        .catch(() => excluded.current.add(change.id));
    },
    [queryClient, queryKey, filters, limit],
  );

  useEventSource(
    "/api/stream/runs",
    {
      run: onRun,
      cluster: (data) =>
        setWatches((previous) => ({ ...previous, [(data as ClusterWatch).clusterId]: data as ClusterWatch })),
    },
    { onReconnect: () => void queryClient.invalidateQueries({ queryKey: ["runs", "list"] }) },
  );

  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      {Object.values(watches).map((watch) => (
        <StaleBanner key={watch.clusterId} cluster={clusters[watch.clusterId] ?? `#${watch.clusterId}`} watch={watch} />
      ))}
      {runs.length === 0 ? (
        <EmptyState title={filtered ? "No run matches these filters" : "No runs yet"}>
          {filtered
            ? "Clear a filter to see more runs."
            : "Submit one with “New run”; it appears here and updates live."}
        </EmptyState>
      ) : (
        <RunsTable runs={runs} now={now} />
      )}
    </>
  );
}
