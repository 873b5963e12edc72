import type { NextRequest } from "next/server";
import { authenticate } from "@/lib/api/handler";
import { sseResponse } from "@/lib/live/sse";
import { runLogLines } from "@/lib/runs/logs";
import { findVisibleRun } from "@/lib/runs/queries";
import { liveRunSource } from "@/lib/runs/reconciler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The run's log followed live as Server-Sent Events: `event: lines` with `{lines: [text…]}`
 * (Spark lines prefixed `[pod] `), then `event: end` when the run's pods have ended. `?pod=`
 * narrows to one pod.
 */
export async function GET(request: NextRequest, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const actor = await authenticate(request);
  if (!actor) return new Response("Sign in to continue", { status: 401 });
  const { id } = await context.params;
  const run = findVisibleRun(actor, id);
  if (!run) return new Response(`No run "${id}"`, { status: 404 });
  const pod = request.nextUrl.searchParams.get("pod")?.trim() || undefined;
  return sseResponse(request, (send) => {
    const aborted = new AbortController();
    void (async () => {
      try {
        for await (const line of runLogLines(run, liveRunSource(run), { follow: true, pod, signal: aborted.signal })) send("lines", { lines: [line] });
        if (!aborted.signal.aborted) send("end", { id: run.id });
      } catch {
        send("end", { id: run.id, error: "The log could not be read further: the cluster stopped answering" });
      }
    })();
    return () => aborted.abort();
  });
}
