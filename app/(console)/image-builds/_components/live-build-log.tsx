"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";

import { useEventSource } from "@/components/live/use-event-source";
import { Badge } from "@/components/ui/badge";
import type { BuildView } from "@/lib/images/builds";

const STATUS_TONE = { queued: "gray", running: "blue", pushed: "green", failed: "red", cancelled: "amber" } as const;

/**
 * The build's log, streamed over SSE as the pod writes it: lines are appended as they arrive,
 * and the status badge, digest and reason update from the stream's final `end` event.
 */
export function LiveBuildLog({ build, initialLog }: { build: BuildView; initialLog: string[] | null }) {
  const [lines, setLines] = useState<string[]>(initialLog ?? []);
  const [view, setView] = useState<BuildView>(build);
  const [streaming, setStreaming] = useState(initialLog === null);
  const [problem, setProblem] = useState<string | null>(null);
  const logRef = useRef<HTMLPreElement>(null);
  const router = useRouter();

  const stream = useEventSource(
    initialLog === null ? `/api/stream/image-builds/${build.id}/logs` : null,
    {
      line: (line) => {
        setLines((previous) => [...previous, line as string]);
        // Log lines come only from a started build pod.
        setView((previous) => (previous.status === "queued" ? { ...previous, status: "running" } : previous));
      },
      end: (ended) => {
        setView(ended as BuildView);
        setStreaming(false);
        stream.close();
        // Duration, revision and the cancel button come from the server page.
        router.refresh();
      },
      failure: (message) => {
        setProblem(message as string);
        setStreaming(false);
        stream.close();
      },
    },
    // The server closes the stream when the build ends; never reconnect and replay the log.
    { text: ["line", "failure"], reconnect: false, onError: () => setStreaming(false) },
  );

  useEffect(() => {
    const element = logRef.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [lines]);

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className="text-slate-500">Status</span>
        <span aria-label="Build status" role="status">
          <Badge tone={STATUS_TONE[view.status]}>{view.status}</Badge>
        </span>
        {streaming && <span className="text-xs text-slate-500">streaming the log…</span>}
      </div>
      {view.digest && (
        <p className="text-sm">
          <span className="text-slate-500">Digest </span>
          <span aria-label="Digest" className="font-mono text-xs">
            {view.digest}
          </span>
        </p>
      )}
      {view.reason && view.status === "failed" && (
        <p
          role="alert"
          aria-label="Failure reason"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 font-mono text-xs text-red-800"
        >
          {view.reason}
        </p>
      )}
      {problem && <p className="text-sm text-red-700">{problem}</p>}
      <pre
        ref={logRef}
        aria-label="Build log"
        className="h-[28rem] overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100"
      >
        {lines.length ? lines.join("\n") : view.status === "queued" ? "Waiting for the build to start…" : "No log."}
      </pre>
    </div>
  );
}
