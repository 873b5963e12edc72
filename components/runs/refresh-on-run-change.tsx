"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

import { useEventSource } from "@/components/live/use-event-source";

/**
 * Re-renders the server page when a run the viewer may see changes (the runs stream), so a
 * server-rendered list stays current. Bursts of changes cause one refresh.
 */
export function RefreshOnRunChange() {
  const router = useRouter();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const refresh = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => router.refresh(), 500);
  };
  useEventSource("/api/stream/runs", { run: refresh }, { onReconnect: refresh });
  return null;
}
