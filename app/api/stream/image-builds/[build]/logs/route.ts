import type { NextRequest } from "next/server";
import { currentActor } from "@/lib/auth/session";
import { buildLogStream } from "@/lib/images/build-runner";
import { findBuild, toBuildView } from "@/lib/images/builds";
import { can } from "@/lib/permissions";
import { untilShutdown } from "@/lib/shutdown";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * A build's log as Server-Sent Events: one `line` event per log line as the pod writes it,
 * then one `end` event with the build as it ended (the page updates its status from it).
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ build: string }> }): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return new Response("Sign in to continue", { status: 401 });
  if (!can(actor, "images.read")) return new Response('You do not have the permission "images.read"', { status: 403 });
  const build = findBuild((await params).build);
  if (!build) return new Response("Build not found", { status: 404 });

  const encoder = new TextEncoder();
  const event = (name: string, data: string) => encoder.encode(`event: ${name}\n${data.split("\n").map((line) => `data: ${line}`).join("\n")}\n\n`);
  // The stream ends when the browser goes away or the server stops (which waits for it otherwise).
  const signal = untilShutdown(request.signal);
  const lines = buildLogStream(build.id, { follow: true, signal });
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        for await (const line of lines) controller.enqueue(event("line", line));
        // The pod's log ends a moment before the runner records the outcome: wait for it briefly.
        let ended = findBuild(build.id);
        for (let waited = 0; ended && ["queued", "running"].includes(ended.status) && waited < 10_000 && !signal.aborted; waited += 250) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          ended = findBuild(build.id);
        }
        if (ended && !signal.aborted) controller.enqueue(event("end", JSON.stringify(toBuildView(ended))));
      } catch (error) {
        if (!signal.aborted) controller.enqueue(event("failure", error instanceof Error ? error.message : "The log could not be read"));
      } finally {
        try {
          controller.close();
        } catch {
          // Already closed by the browser going away.
        }
      }
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no", Connection: "keep-alive" },
  });
}
