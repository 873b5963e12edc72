"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";

/** One function per event name; it gets the event's data parsed as JSON, or as text for `text` events. */
export type EventHandlers = Record<string, (data: unknown) => void>;

export interface EventSourceOptions {
  /** Events whose data is plain text (a log line), handed over as it is. */
  text?: readonly string[];
  /**
   * Whether the browser may reconnect by itself after a drop (the default). A stream that would
   * replay what was shown (a log) says false: it is closed at its first error instead.
   */
  reconnect?: boolean;
  /** Runs each time the stream opens. */
  onOpen?: () => void;
  /** Runs when the browser reconnected after a drop, so the caller can re-read what it may have missed. */
  onReconnect?: () => void;
  /** Runs on an error; `closed` says whether the stream ended for good (refused, or `reconnect: false`). */
  onError?: (closed: boolean) => void;
}

export interface EventSourceControls {
  /** Ends the stream (it stays closed until the URL changes or reopen() is called). */
  close(): void;
  /** Closes the stream at once and opens it again from the start. */
  reopen(): void;
}

/** What connectEventSource needs of an EventSource (the browser's, or a stand-in in a test). */
export interface EventSourceLike {
  addEventListener(event: string, listener: (message: MessageEvent<string>) => void): void;
  close(): void;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  readonly readyState: number;
}

/**
 * Opens `url` and wires it: each named event's data decoded (JSON, or text for `text` events) to
 * the handler `current()` holds at that moment, reconnects reported, and with `reconnect: false`
 * the stream closed at its first error. The hook below keeps one open per URL.
 */
export function connectEventSource(
  url: string,
  events: readonly string[],
  current: () => { handlers: EventHandlers; options: EventSourceOptions },
  open: (url: string) => EventSourceLike = (target) => new EventSource(target),
): EventSourceLike {
  const stream = open(url);
  const { text = [], reconnect = true } = current().options;
  let dropped = false;
  stream.onopen = () => {
    current().options.onOpen?.();
    if (dropped) current().options.onReconnect?.();
    dropped = false;
  };
  stream.onerror = () => {
    dropped = true;
    if (!reconnect) stream.close();
    // EventSource.CLOSED, read off the instance: the stand-in of a test has no global.
    current().options.onError?.(stream.readyState === 2);
  };
  for (const event of events) {
    stream.addEventListener(event, (message) => {
      const data = (message as MessageEvent<string>).data;
      current().handlers[event]?.(text.includes(event) ? data : JSON.parse(data));
    });
  }
  return stream;
}

/**
 * Listens to a Server-Sent Events stream while mounted and `url` is set. Handlers and callbacks
 * may change between renders without reopening the stream; a new URL, set of event names, text
 * events or reconnect choice does reopen it.
 */
export function useEventSource(
  url: string | null,
  handlers: EventHandlers,
  options: EventSourceOptions = {},
): EventSourceControls {
  const latest = useRef({ handlers, options });
  useEffect(() => {
    latest.current = { handlers, options };
  });
  const source = useRef<EventSourceLike | null>(null);
  const [opening, setOpening] = useState(0);
  const events = Object.keys(handlers).sort().join(",");
  const textEvents = [...(options.text ?? [])].sort().join(",");
  const reconnect = options.reconnect ?? true;

  useEffect(() => {
    if (!url) return;
    const stream = connectEventSource(url, events.split(",").filter(Boolean), () => latest.current);
    source.current = stream;
    return () => {
      stream.close();
      if (source.current === stream) source.current = null;
    };
    // The text events and the reconnect choice are read when the stream opens: a change reopens it.
  }, [url, events, textEvents, reconnect, opening]);

  const close = useCallback(() => source.current?.close(), []);
  const reopen = useCallback(() => {
    // Nothing more arrives from the old stream while the new one opens.
    source.current?.close();
    setOpening((count) => count + 1);
  }, []);
  return useMemo(() => ({ close, reopen }), [close, reopen]);
}
