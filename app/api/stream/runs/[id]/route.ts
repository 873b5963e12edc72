import { DomainError } from "@/lib/actions/result";
import { streamRoute } from "@/lib/api/stream";
import { followRun } from "@/lib/runs/live";
import { findVisibleRun } from "@/lib/runs/queries";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * One run's changes as Server-Sent Events: `event: run` (as on /api/stream/runs; the page
 * refetches or patches), `event: pods` with `{pods: [describe-like pod with containers,
 * conditions and events]}` while the run's pods exist, and `event: cluster` with
 * `{clusterId, stale, staleSince, error}`. The first of each is sent at once.
 */
export const GET = streamRoute({}, ({ actor, params }) => {
  const run = findVisibleRun(actor, params.id);
  if (!run) throw new DomainError(404, `No run "${params.id}"`);
  return (send) => followRun(run, send);
});
