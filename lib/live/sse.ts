import "server-only";

/** Sends one named event with a JSON payload to the browser. */
export type SendEvent = (event: string, data: unknown) => void;

const KEEPALIVE_MS = 25_000;

/**
 * A Server-Sent Events response: `start(send)` subscribes to whatever feeds the stream and returns
 * its unsubscribe function, which runs when the browser goes away. The same headers, keepalive and
 * cleanup for every stream route.
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
      const send: SendEvent = (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
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
      request.signal.addEventListener("abort", () => stop());
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", "X-Accel-Buffering": "no", Connection: "keep-alive" },
  });
}
