"use client";

import { useEffect, useId, useLayoutEffect, useRef, useState } from "react";

import { useEventSource } from "@/components/live/use-event-source";
import { buttonClasses } from "@/components/ui/button";

/** Colours of the `[pod]` prefixes of a merged log, so each pod's lines are easy to follow. */
const PREFIX_COLOURS = [
  "text-sky-300",
  "text-amber-300",
  "text-emerald-300",
  "text-fuchsia-300",
  "text-orange-300",
  "text-teal-300",
];

/** Merged lines with each `[pod]` prefix coloured by pod (the driver first in the list gets the first colour). */
function PrefixedLines({ lines, pods }: { lines: string[]; pods: string[] }) {
  const colourOf = (pod: string) => PREFIX_COLOURS[Math.max(0, pods.indexOf(pod)) % PREFIX_COLOURS.length];
  return lines.map((line, index) => {
    const match = /^\[([^\]]+)\] /.exec(line);
    return (
      <span key={index}>
        {match ? <span className={colourOf(match[1])}>{match[0]}</span> : null}
        {match ? line.slice(match[0].length) : line}
        {index < lines.length - 1 ? "\n" : ""}
      </span>
    );
  });
}

/** Lines kept on screen; the download has the whole log. */
const MAX_LINES = 5_000;

type StreamState = "connecting" | "streaming" | "ended" | "failed";

/**
 * The run's log from its log stream (`/api/stream/runs/{id}/logs`): lines appear as the pods write
 * them, driver and executors merged with `[pod]` prefixes for Spark, or one pod's alone. Stays
 * scrolled to the end unless the reader scrolls up. When a stream stops before the run ends (a
 * dropped connection), it starts again at the run's next change and replaces what is shown.
 */
export function RunLogs({
  runId,
  pods,
  live,
  prefixed,
  change,
}: {
  runId: string;
  pods: string[];
  live: boolean;
  prefixed: boolean;
  change: string;
}) {
  const [pod, setPod] = useState("");
  const [lines, setLines] = useState<string[]>([]);
  const [state, setState] = useState<StreamState>("connecting");
  const [problem, setProblem] = useState<string | null>(null);
  const logRef = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  const selectId = useId();
  const url = `/api/stream/runs/${runId}/logs${pod ? `?pod=${encodeURIComponent(pod)}` : ""}`;

  // The first lines of a new stream replace what an earlier one showed (it replays the log).
  const fresh = useRef(true);
  const stream = useEventSource(
    url,
    {
      lines: (data) => {
        const { lines: received } = data as { lines: string[] };
        const replace = fresh.current;
        fresh.current = false;
        setLines((previous) => [...(replace ? [] : previous), ...received].slice(-MAX_LINES));
      },
      end: (data) => {
        const { error } = data as { error?: string };
        stream.close();
        if (fresh.current) setLines([]);
        setProblem(error ?? null);
        setState(error ? "failed" : "ended");
      },
    },
    {
      // Never let the browser reconnect by itself: it would replay the log into what is shown.
      reconnect: false,
      onOpen: () => {
        fresh.current = true;
        setState("streaming");
      },
      onError: () => setState("failed"),
    },
  );

  // The run moved on: a stream that stopped early follows again. Read through a ref so that only
  // the run's change restarts it, not the stream settling.
  const latest = useRef({ restart: false });
  useEffect(() => {
    latest.current = { restart: state === "failed" || (state === "ended" && live) };
  });
  useEffect(() => {
    if (latest.current.restart) stream.reopen();
  }, [change, stream]);

  useLayoutEffect(() => {
    const element = logRef.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [lines]);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        {pods.length > 1 && (
          <div className="flex items-center gap-2 text-slate-700">
            <label htmlFor={selectId}>Pod</label>
            <select
              id={selectId}
              value={pod}
              onChange={(event) => setPod(event.target.value)}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
            >
              <option value="">{prefixed ? "All pods (merged)" : "All pods"}</option>
              {pods.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        )}
        <span role="status" aria-label="Log status" className="text-xs text-slate-500">
          {state === "connecting"
            ? "connecting…"
            : state === "streaming"
              ? "following the log live…"
              : state === "failed"
                ? (problem ?? "the log stream stopped; it resumes at the run's next change")
                : "complete"}
        </span>
        <a
          href={`/api/v1/runs/${runId}/logs${pod ? `?pod=${encodeURIComponent(pod)}` : ""}`}
          download={`run-${runId}${pod ? `-${pod}` : ""}.log`}
          className={`ml-auto ${buttonClasses("secondary", "sm")}`}
        >
          Download log
        </a>
      </div>
      <pre
        ref={logRef}
        aria-label="Run log"
        onScroll={(event) => {
          const element = event.currentTarget;
          pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
        }}
        className="max-h-[26rem] min-h-[8rem] overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100"
      >
        {lines.length === 0 ? (
          live ? (
            "No output yet."
          ) : (
            "No log."
          )
        ) : prefixed ? (
          <PrefixedLines lines={lines} pods={pods} />
        ) : (
          lines.join("\n")
        )}
      </pre>
    </div>
  );
}
