import type { NextRequest } from "next/server";
import { authenticate } from "@/lib/api/handler";
import { sseResponse } from "@/lib/live/sse";
import { maySeeRun } from "@/lib/runs/access";
import { subscribeClusterWatch, subscribeRunChanges } from "@/lib/runs/events";
import { clusterWatchStatuses } from "@/lib/runs/reconciler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Run list changes as Server-Sent Events, only for runs the caller may see:
 * `event: run` with `{id, status, reason, exitCode, pods, startedAt, finishedAt, cleanedUpAt, …}`,
 * and `event: cluster` with `{clusterId, stale, staleSince, error}` when Berth's watch of a
 * cluster goes stale (unreachable) or recovers; clusters already stale are sent at once.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const actor = await authenticate(request);
  if (!actor) return new Response("Sign in to continue", { status: 401 });
  return sseResponse(request, (send) => {
    for (const status of clusterWatchStatuses()) if (status.stale) send("cluster", status);
    const stopRuns = subscribeRunChanges((change) => {
      if (maySeeRun(actor, change)) send("run", change);
    });
    const stopClusters = subscribeClusterWatch((change) => send("cluster", change));
    return () => {
      stopRuns();
      stopClusters();
    };
  });
}
