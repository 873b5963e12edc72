import { currentActor } from "@/lib/auth/session";
import { subscribeBuildStatus } from "@/lib/images/build-events";
import { can } from "@/lib/permissions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const KEEPALIVE_MS = 25_000;

/** Build status changes as Server-Sent Events (`event: build`, data `{id, status}`), for pages that show builds. */
export async function GET(request: Request): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return new Response("Sign in to continue", { status: 401 });
  if (!can(actor, "images.read")) return new Response('You do not have the permission "images.read"', { status: 403 });

  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => controller.enqueue(encoder.encode(text));
      const unsubscribe = subscribeBuildStatus((change) => send(`event: build\ndata: ${JSON.stringify(change)}\n\n`));
      // A comment line now and then keeps proxies from closing an idle stream.
      const keepalive = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
      stop = () => {
        unsubscribe();
        clearInterval(keepalive);
        try {
          controller.close();
        } catch {
          // Already closed.
        }
      };
      request.signal.addEventListener("abort", () => stop());
      send(": connected\n\n");
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no", Connection: "keep-alive" },
  });
}
