"use client";

import { useEffect, useRef } from "react";

type Handlers = Record<string, (data: unknown) => void>;

/**
 * Listens to a Server-Sent Events stream while mounted. The browser reconnects by itself after a
 * drop; `onReconnect` runs then, so the caller can re-read what it may have missed meanwhile.
 * Handlers may change between renders without reopening the stream.
 */
export function useEventSource(url: string | null, handlers: Handlers, onReconnect?: () => void): void {
  const latest = useRef({ handlers, onReconnect });
  useEffect(() => {
    latest.current = { handlers, onReconnect };
  });
  const events = Object.keys(handlers).sort().join(",");
  useEffect(() => {
    if (!url) return;
    const source = new EventSource(url);
    let dropped = false;
    source.onerror = () => {
      dropped = true;
    };
    source.onopen = () => {
      if (dropped) latest.current.onReconnect?.();
      dropped = false;
    };
    for (const event of events.split(",").filter(Boolean)) {
      source.addEventListener(event, (message) => latest.current.handlers[event]?.(JSON.parse((message as MessageEvent<string>).data)));
    }
    return () => source.close();
  }, [url, events]);
}
