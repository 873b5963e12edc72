import "server-only";

import { untilShutdown } from "@/lib/shutdown";

/** Sends one named event with a JSON payload to the browser. */
export type SendEvent = (event: string, data: unknown) => void;

/** A payload serialised already, sent as it is: one text shared by every stream instead of a JSON.stringify per stream. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** A payload of plain text rather than JSON (a log line): the browser reads it as it is. */
export class PlainText {
  constructor(readonly text: string) {}
}

/** What a stream's start function may do besides sending: end the stream, and see when it ended. */
export interface StreamControl {
  /** Ends the stream from the server's side (its unsubscribe function runs). */
  close(): void;
  /** Aborts when the stream ends: the browser went away, the server stops, or close() was called. */
  signal: AbortSignal;
}

/** One event as the wire carries it; a text of several lines takes one `data:` line each. */
function eventText(event: string, data: unknown): string {
  const text = data instanceof JsonText || data instanceof PlainText ? data.text : JSON.stringify(data);
  return `event: ${event}\n${text
    .split("\n")
    .map((line) => `data: ${line}`)
    .join("\n")}\n\n`;
}

const KEEPALIVE_MS = 25_000;

/**
 * A Server-Sent Events response: `start(send, control)` subscribes to whatever feeds the stream and
 * returns its unsubscribe function, which runs when the browser goes away, the server stops or the
 * stream closes itself (`control.close()`). The same headers, keepalive and cleanup for every
 * stream route (they are made with streamRoute, lib/api/stream.ts).
 */
export function sseResponse(
  request: Request,
  start: (send: SendEvent, control: StreamControl) => (() => void) | void,
): Response {
  const encoder = new TextEncoder();
  const ended = new AbortController();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // Writing fails once the browser has gone; stopping is separate, so its cleanup still runs.
      let writable = true;
      let stopped = false;
      const write = (text: string) => {
        if (!writable) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          writable = false;
        }
      };
      const send: SendEvent = (event, data) => write(eventText(event, data));
      let unsubscribe: (() => void) | void = undefined;
      // A comment line now and then keeps proxies from closing an idle stream.
      const keepalive = setInterval(() => write(": keepalive\n\n"), KEEPALIVE_MS);
      stop = () => {
        if (stopped) return;
        stopped = true;
        writable = false;
        ended.abort();
        unsubscribe?.();
        clearInterval(keepalive);
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      };
      write(": connected\n\n");
      try {
        unsubscribe = start(send, { close: () => stop(), signal: ended.signal });
      } catch (error) {
        stop();
        throw error;
      }
      // A stream its start function closed at once unsubscribes now that it can.
      if (stopped) {
        unsubscribe?.();
        return;
      }
      // A stopping server ends its streams, or its wait for the requests in flight would never end.
      const gone = untilShutdown(request.signal);
      if (gone.aborted) stop();
      else gone.addEventListener("abort", () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache, no-transform",
      "X-Accel-Buffering": "no",
      Connection: "keep-alive",
    },
  });
}
