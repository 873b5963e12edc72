"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the build page when the server pushes a status change of this build, so the facts
 * (started, finished, duration) follow the build: a page opened while it was queued shows its
 * start time once it runs.
 */
export function RefreshOnBuildStatus({ id, status }: { id: number; status: string }) {
  const router = useRouter();
  useEffect(() => {
    const events = new EventSource("/api/stream/image-builds");
    events.addEventListener("build", (event) => {
      const change = JSON.parse((event as MessageEvent<string>).data) as { id: number; status: string };
      if (change.id === id && change.status !== status) router.refresh();
    });
    return () => events.close();
  }, [id, status, router]);
  return null;
}
