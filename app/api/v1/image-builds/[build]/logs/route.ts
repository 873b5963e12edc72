import { apiRoute } from "@/lib/api/handler";
import { buildLogStream } from "@/lib/images/build-runner";
import { requireBuild } from "@/lib/images/builds";
import { untilShutdown } from "@/lib/shutdown";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The build's log as text; with `?follow=1` it streams until the build ends. */
export const GET = apiRoute({ permission: "images.read" }, ({ params, request }) => {
  const build = requireBuild(params.build);
  const follow = ["1", "true"].includes(request.nextUrl.searchParams.get("follow") ?? "");
  const encoder = new TextEncoder();
  // A followed log ends when the server stops, so that the stop is not held up by it.
  const lines = buildLogStream(build.id, { follow, signal: untilShutdown(request.signal) });
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${next.value}\n`));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
});
