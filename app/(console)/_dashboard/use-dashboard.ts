"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ClusterDashboard, DashboardSnapshot } from "./types";

export const DASHBOARD_QUERY_KEY = ["dashboard"] as const;
const STREAM_URL = "/api/stream/dashboard";

export type StreamState = "connecting" | "live" | "reconnecting" | "closed";

/**
 * The dashboard's data in react-query, seeded with the server-rendered snapshot and kept current
 * by the SSE stream (the server pushes debounced changes from its shared informers): the browser
 * never polls Kubernetes, and the query never refetches on its own.
 */
export function useDashboard(initial: DashboardSnapshot): { data: DashboardSnapshot; stream: StreamState } {
  const queryClient = useQueryClient();
  const [stream, setStream] = useState<StreamState>("connecting");
  const { data } = useQuery({
    queryKey: DASHBOARD_QUERY_KEY,
    // Only the stream writes this query: it has no fetcher of its own to poll with.
    queryFn: () => queryClient.getQueryData<DashboardSnapshot>(DASHBOARD_QUERY_KEY) ?? initial,
    initialData: initial,
    staleTime: Infinity,
  });

  useEffect(() => {
    const source = new EventSource(STREAM_URL);
    source.onopen = () => setStream("live");
    // EventSource reconnects by itself after a dropped stream (the first message then is a full
    // snapshot); a refused one (e.g. 403) is closed for good.
    source.onerror = () => setStream(source.readyState === EventSource.CLOSED ? "closed" : "reconnecting");
    source.addEventListener("snapshot", (event) => {
      queryClient.setQueryData(DASHBOARD_QUERY_KEY, JSON.parse((event as MessageEvent<string>).data) as DashboardSnapshot);
    });
    source.addEventListener("cluster", (event) => {
      const cluster = JSON.parse((event as MessageEvent<string>).data) as ClusterDashboard;
      queryClient.setQueryData<DashboardSnapshot>(DASHBOARD_QUERY_KEY, (previous) => {
        if (!previous) return previous;
        const others = previous.clusters.filter((candidate) => candidate.id !== cluster.id);
        return { ...previous, clusters: [...others, cluster].sort((a, b) => a.name.localeCompare(b.name)) };
      });
    });
    return () => source.close();
  }, [queryClient]);

  return { data, stream };
}
