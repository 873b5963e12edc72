import "server-only";
import { untilShutdown } from "@/lib/shutdown";

/** Sends one named event with a JSON payload to the browser. */
export type SendEvent = (event: string, data: unknown) => void;

/** A payload serialised already, sent as it is: one text shared by every stream instead of a JSON.stringify per stream. */
export class JsonText {
  constructor(readonly text: string) {}
}

const KEEPALIVE_MS = 25_000;

/**
 * A Server-Sent Events response: `start(send)` subscribes to whatever feeds the stream and returns
 * its unsubscribe function, which runs when the browser goes away or the server stops. The same
 * headers, keepalive and cleanup for every stream route.
 */
export function sseResponse(request: Request, start: (send: SendEvent) => () => void): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          closed = true;
        }
      };
      const send: SendEvent = (event, data) => write(`event: ${event}\ndata: ${data instanceof JsonText ? data.text : JSON.stringify(data)}\n\n`);
      write(": connected\n\n");
      const unsubscribe = start(send);
      // A comment line now and then keeps proxies from closing an idle stream.
      const keepalive = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
      stop = () => {
        if (closed) return;
        closed = true;
        unsubscribe();
        clearInterval(keepalive);
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      };
      // A stopping server ends its streams, or its wait for the requests in flight would never end.
      const ended = untilShutdown(request.signal);
      if (ended.aborted) stop();
      else ended.addEventListener("abort", () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no", Connection: "keep-alive" },
  });
}
