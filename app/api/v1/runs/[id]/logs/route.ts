import { apiRoute, jsonError } from "@/lib/api/handler";
import { liveRunSource } from "@/lib/runs/live";
import { runLogLines } from "@/lib/runs/logs";
import { findVisibleRun } from "@/lib/runs/queries";
import { untilShutdown } from "@/lib/shutdown";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The run's log as text: `?follow=1` streams it until the run's pods end; `?pod=` narrows a Spark
 * run's merged log to one pod; `?download=1` makes the browser save it. After the retention
 * cleanup, the tail kept in the database.
 */
export const GET = apiRoute({}, ({ actor, params, request }) => {
  const run = findVisibleRun(actor, params.id);
  if (!run) return jsonError(404, `No run "${params.id}"`);
  const query = request.nextUrl.searchParams;
  const follow = query.get("follow") === "1" || query.get("follow") === "true";
  const pod = query.get("pod")?.trim() || undefined;
  if (pod && !run.pods.includes(pod))
    return jsonError(404, `Run ${run.id} has no pod "${pod}"`, {
      pod: [`Choose one of: ${run.pods.join(", ") || "none yet"}`],
    });
  const aborted = new AbortController();
  // A followed log ends when the server stops, so that the stop is not held up by it.
  untilShutdown(request.signal).addEventListener("abort", () => aborted.abort(), { once: true });
  const lines = runLogLines(run, liveRunSource(run), { follow, pod, signal: aborted.signal });
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${next.value}\n`));
      } catch {
        controller.enqueue(
          encoder.encode("[berth] the log could not be read further: the cluster stopped answering\n"),
        );
        controller.close();
      }
    },
    async cancel() {
      aborted.abort();
      await lines.return(undefined);
    },
  });
  const headers: Record<string, string> = {
    "Content-Type": "text/plain; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    "X-Accel-Buffering": "no",
  };
  if (query.get("download") === "1")
    headers["Content-Disposition"] = `attachment; filename="run-${run.id}${pod ? `-${pod}` : ""}.log"`;
  return new Response(body, { headers });
});
