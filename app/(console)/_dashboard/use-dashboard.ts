"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { useEventSource } from "@/components/live/use-event-source";

import { applyDashboardEvent } from "./dashboard-stream";
import type { DashboardSnapshot } from "./types";

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

  const apply = (name: string) => (data: unknown) => {
    const next = applyDashboardEvent(
      queryClient.getQueryData<DashboardSnapshot>(DASHBOARD_QUERY_KEY),
      name,
      data as string,
    );
    // A patch that does not fit the copy held here: a new stream starts with a snapshot.
    if (next === "resync") source.reopen();
    else queryClient.setQueryData(DASHBOARD_QUERY_KEY, next);
  };
  const source = useEventSource(
    STREAM_URL,
    {
      snapshot: apply("snapshot"),
      cluster: apply("cluster"),
      "cluster-patch": apply("cluster-patch"),
      "docker-host": apply("docker-host"),
      "docker-host-patch": apply("docker-host-patch"),
    },
    {
      text: ["snapshot", "cluster", "cluster-patch", "docker-host", "docker-host-patch"],
      onOpen: () => setStream("live"),
      // EventSource reconnects by itself after a dropped stream (the first message then is a full
      // snapshot); a refused one (e.g. 403) is closed for good.
      onError: (closed) => setStream(closed ? "closed" : "reconnecting"),
    },
  );

  return { data, stream };
}
