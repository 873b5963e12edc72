import { DomainError } from "@/lib/actions/result";
import { streamRoute } from "@/lib/api/stream";
import { liveRunSource } from "@/lib/runs/live";
import { runLogLines } from "@/lib/runs/logs";
import { findVisibleRun } from "@/lib/runs/queries";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The run's log followed live as Server-Sent Events: `event: lines` with `{lines: [text…]}`
 * (Spark lines prefixed `[pod] `), then `event: end` when the run's pods have ended. `?pod=`
 * narrows to one pod.
 */
export const GET = streamRoute({}, ({ actor, params, request }) => {
  const run = findVisibleRun(actor, params.id);
  if (!run) throw new DomainError(404, `No run "${params.id}"`);
  const pod = request.nextUrl.searchParams.get("pod")?.trim() || undefined;
  return (send, { signal }) => {
    void (async () => {
      try {
        for await (const line of runLogLines(run, liveRunSource(run), { follow: true, pod, signal }))
          send("lines", { lines: [line] });
        if (!signal.aborted) send("end", { id: run.id });
      } catch {
        send("end", { id: run.id, error: "The log could not be read further: the cluster stopped answering" });
      }
    })();
  };
});
