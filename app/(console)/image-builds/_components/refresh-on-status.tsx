"use client";

import { useRouter } from "next/navigation";

import { useEventSource } from "@/components/live/use-event-source";

/**
 * Re-renders the build page when the server pushes a status change of this build, so the facts
 * (started, finished, duration) follow the build: a page opened while it was queued shows its
 * start time once it runs.
 */
export function RefreshOnBuildStatus({ id, status }: { id: number; status: string }) {
  const router = useRouter();
  useEventSource("/api/stream/image-builds", {
    build: (data) => {
      const change = data as { id: number; status: string };
      if (change.id === id && change.status !== status) router.refresh();
    },
  });
  return null;
}
