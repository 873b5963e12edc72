import { DomainError } from "@/lib/actions/result";
import { streamRoute } from "@/lib/api/stream";
import { buildLogStream } from "@/lib/images/build-runner";
import { findBuild, toBuildView } from "@/lib/images/builds";
import { PlainText } from "@/lib/live/sse";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * A build's log as Server-Sent Events: one `line` event per log line as the pod writes it,
 * then one `end` event with the build as it ended (the page updates its status from it).
 * Lines and a `failure` are plain text, `end` is JSON.
 */
export const GET = streamRoute({ permission: "images.read" }, ({ params }) => {
  const build = findBuild(params.build);
  if (!build) throw new DomainError(404, "Build not found");
  return (send, { close, signal }) => {
    const lines = buildLogStream(build.id, { follow: true, signal });
    void (async () => {
      try {
        for await (const line of lines) send("line", new PlainText(line));
        // The pod's log ends a moment before the runner records the outcome: wait for it briefly.
        let ended = findBuild(build.id);
        for (
          let waited = 0;
          ended && ["queued", "running"].includes(ended.status) && waited < 10_000 && !signal.aborted;
          waited += 250
        ) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          ended = findBuild(build.id);
        }
        if (ended && !signal.aborted) send("end", toBuildView(ended));
      } catch (error) {
        if (!signal.aborted)
          send("failure", new PlainText(error instanceof Error ? error.message : "The log could not be read"));
      } finally {
        close();
      }
    })();
    return () => void lines.return(undefined);
  };
});
