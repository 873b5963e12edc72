import type { RunStatus, RunTransition } from "@/lib/runs/schema";

import { formatClock, formatSpan } from "./format";
import { timelineSteps, type StepMark } from "./timeline-steps";

const DOT: Record<StepMark, string> = {
  done: "bg-brand-600 ring-brand-100",
  current: "bg-amber-500 ring-amber-100 animate-pulse",
  succeeded: "bg-emerald-600 ring-emerald-100",
  failed: "bg-red-600 ring-red-100",
  aborted: "bg-slate-500 ring-slate-200",
  lost: "bg-red-600 ring-red-100",
  future: "bg-slate-200 ring-slate-50",
};

/** queued → pending → running → end, with the time each was reached and how long the run stayed. */
export function RunTimeline({
  timeline,
  status,
  now,
}: {
  timeline: RunTransition[];
  status: RunStatus;
  now: number | null;
}) {
  return (
    <ol aria-label="Phase timeline" className="grid gap-3 sm:grid-cols-4">
      {timelineSteps(timeline, status, now).map((step) => (
        <li
          key={step.status}
          aria-label={`${step.status}${step.at ? ` at ${formatClock(step.at)}` : " not reached"}`}
          className="relative flex gap-3"
        >
          <span aria-hidden className={`mt-1 h-3 w-3 shrink-0 rounded-full ring-4 ${DOT[step.mark]}`} />
          <div className="min-w-0">
            <p
              className={`text-sm font-medium ${step.at || step.mark === "current" ? "text-slate-900" : "text-slate-400"}`}
            >
              {step.status === "finished" ? "succeeded / failed" : step.status}
            </p>
            <p className="text-xs text-slate-500">{step.at ? formatClock(step.at) : "—"}</p>
            {step.spanMs !== null && (
              <p className="text-xs text-slate-500">
                {step.mark === "current" ? `for ${formatSpan(step.spanMs)}` : `lasted ${formatSpan(step.spanMs)}`}
              </p>
            )}
            {step.sinceSubmitMs !== null && (
              <p className="text-xs text-slate-500">{formatSpan(step.sinceSubmitMs)} after submit</p>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
