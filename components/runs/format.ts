const clock = new Intl.DateTimeFormat("en-GB", {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hour12: false,
  timeZone: "UTC",
});

/** A time of day to the second, "21:04:09 UTC": phase changes of a run are seconds apart. */
export function formatClock(value: string | Date): string {
  return `${clock.format(new Date(value))} UTC`;
}

/** A span in words: "8 s", "3 min 05 s", "2 h 10 min". */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, "0")} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, "0")} min`;
  return `${Math.floor(hours / 24)} d`;
}

/** How long ago, "12 s", "4 min 02 s", from `now` (passed in so renders agree with the server's). */
export function formatAge(value: string | Date, now: number): string {
  return formatSpan(now - new Date(value).getTime());
}
