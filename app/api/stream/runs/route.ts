import { streamRoute } from "@/lib/api/stream";
import { followRuns } from "@/lib/runs/live";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Run list changes as Server-Sent Events, only for runs the caller may see:
 * `event: run` with `{id, status, reason, exitCode, pods, startedAt, finishedAt, cleanedUpAt, …}`,
 * and `event: cluster` with `{clusterId, stale, staleSince, error}` when Berth's watch of a
 * cluster goes stale (unreachable) or recovers; clusters already stale are sent at once.
 */
export const GET = streamRoute(
  {},
  ({ actor }) =>
    (send) =>
      followRuns(actor, send),
);
