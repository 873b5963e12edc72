import type { RunStatus, RunTransition } from "@/db/schema";
import { formatClock, formatSpan } from "./format";
import { isFinalStatus } from "./run-status-badge";

const PHASES = ["queued", "pending", "running"] as const;

const DOT = {
  done: "bg-brand-600 ring-brand-100",
  current: "bg-amber-500 ring-amber-100 animate-pulse",
  succeeded: "bg-emerald-600 ring-emerald-100",
  failed: "bg-red-600 ring-red-100",
  aborted: "bg-slate-500 ring-slate-200",
  lost: "bg-red-600 ring-red-100",
  future: "bg-slate-200 ring-slate-50",
} as const;

interface Step {
  status: RunStatus | "finished";
  at?: string;
  reason?: string;
  dot: keyof typeof DOT;
}

/**
 * queued → pending → running → final, each with the time it was reached and how long the run
 * stayed before the next step. A run that skipped a phase (aborted while pending) shows the skipped
 * step as not reached.
 */
export function RunTimeline({ timeline, status, now }: { timeline: RunTransition[]; status: RunStatus; now: number | null }) {
  const reached = new Map(timeline.map((step) => [step.status, step]));
  const final = isFinalStatus(status) ? timeline.findLast((step) => isFinalStatus(step.status)) ?? { status, at: undefined } : undefined;
  const steps: Step[] = PHASES.map((phase) => {
    const step = reached.get(phase);
    const current = status === phase;
    return { status: phase, at: step?.at, reason: step?.reason, dot: current ? "current" : step ? "done" : "future" };
  });
  steps.push(final ? { status: final.status, at: final.at, reason: "reason" in final ? final.reason : undefined, dot: final.status as keyof typeof DOT } : { status: "finished", dot: "future" });
  const times = steps.map((step) => (step.at ? new Date(step.at).getTime() : null));
  return (
    <ol aria-label="Phase timeline" className="grid gap-3 sm:grid-cols-4">
      {steps.map((step, index) => {
        const start = times[index];
        const next = times.slice(index + 1).find((time) => time !== null);
        // How long the run stayed in this step: until the next one, or until now for the current one.
        const end = next ?? (step.dot === "current" && now !== null ? now : undefined);
        const span = start !== null && end !== undefined ? end - start : null;
        return (
          <li key={step.status} aria-label={`${step.status}${step.at ? ` at ${formatClock(step.at)}` : " not reached"}`} className="relative flex gap-3">
            <span aria-hidden className={`mt-1 h-3 w-3 shrink-0 rounded-full ring-4 ${DOT[step.dot]}`} />
            <div className="min-w-0">
              <p className={`text-sm font-medium ${step.at || step.dot === "current" ? "text-slate-900" : "text-slate-400"}`}>{step.status === "finished" ? "succeeded / failed" : step.status}</p>
              <p className="text-xs text-slate-500">{step.at ? formatClock(step.at) : step.dot === "current" ? "now" : "—"}</p>
              {span !== null && <p className="text-xs text-slate-500">{step.dot === "current" ? `for ${formatSpan(span)}` : `lasted ${formatSpan(span)}`}</p>}
              {step.at && index === steps.length - 1 && times[0] !== null && <p className="text-xs text-slate-500">{formatSpan(new Date(step.at).getTime() - times[0])} after submit</p>}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
