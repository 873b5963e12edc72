"use client";

import { useEffect, useState } from "react";

/**
 * The current time, ticking every `intervalMs`, for ages and "for 12 s" that grow on screen.
 * Null until mounted, so the server's render and the browser's first one agree.
 */
export function useNow(intervalMs = 1000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, intervalMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [intervalMs]);
  return now;
}
