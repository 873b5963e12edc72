import type { V1Pod } from "@kubernetes/client-node";
import type { NextRequest } from "next/server";
import { authenticate } from "@/lib/api/handler";
import { sseResponse } from "@/lib/live/sse";
import { subscribeClusterWatch, subscribeRunChanges, runChangeOf } from "@/lib/runs/events";
import { findVisibleRun } from "@/lib/runs/queries";
import { clusterWatchStatus, livePodDescriptions, runPods, subscribeRunPods } from "@/lib/runs/reconciler";
import { isFinalRunStatus } from "@/lib/runs/status";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * One run's changes as Server-Sent Events: `event: run` (as on /api/stream/runs; the page
 * refetches or patches), `event: pods` with `{pods: [describe-like pod with containers,
 * conditions and events]}` while the run's pods exist, and `event: cluster` with
 * `{clusterId, stale, staleSince, error}`. The first of each is sent at once.
 */
export async function GET(request: NextRequest, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const actor = await authenticate(request);
  if (!actor) return new Response("Sign in to continue", { status: 401 });
  const { id } = await context.params;
  const run = findVisibleRun(actor, id);
  if (!run) return new Response(`No run "${id}"`, { status: 404 });
  return sseResponse(request, (send) => {
    send("run", runChangeOf(run));
    const status = run.clusterId === null ? null : clusterWatchStatus(run.clusterId);
    if (status) send("cluster", { clusterId: run.clusterId, stale: status.stale, staleSince: status.staleSince, error: status.error });
    const live = livePodDescriptions(run, (pods) => send("pods", { pods }));
    const sendPods = (pods: V1Pod[]) => live.update(pods);
    sendPods(runPods(run.id));
    const stopPods = subscribeRunPods(run.id, sendPods);
    const stopRun = subscribeRunChanges((change) => {
      if (change.id !== run.id) return;
      send("run", change);
      if (isFinalRunStatus(change.status) && change.cleanedUpAt) live.stop();
    });
    const stopCluster = subscribeClusterWatch((change) => {
      if (change.clusterId === run.clusterId) send("cluster", change);
    });
    return () => {
      stopPods();
      stopRun();
      stopCluster();
      live.stop();
    };
  });
}
