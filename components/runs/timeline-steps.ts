import type { RunStatus, RunTransition } from "@/lib/runs/schema";

const PHASES = ["queued", "pending", "running"] as const;
const FINAL: readonly RunStatus[] = ["succeeded", "failed", "aborted", "lost"];

/** How a step is drawn: reached, the run's current phase, one of the ends, or not reached (yet). */
export type StepMark = "done" | "current" | "succeeded" | "failed" | "aborted" | "lost" | "future";

export interface TimelineStep {
  /** The phase, or "finished" for the end not reached yet. */
  status: RunStatus | "finished";
  at: string | null;
  mark: StepMark;
  /** How long the run stayed in this step (until now for the current one); null when unknown. */
  spanMs: number | null;
  /** For the end: how long after submit it came. */
  sinceSubmitMs: number | null;
}

/**
 * queued → pending → running → end, each with when it was reached and how long the run stayed.
 * A phase the run skipped (aborted while queued, a watch gap) stays "future" with no time.
 */
export function timelineSteps(
  timeline: readonly RunTransition[],
  status: RunStatus,
  now: number | null,
): TimelineStep[] {
  const reached = new Map(timeline.map((step) => [step.status, step.at]));
  const end = FINAL.includes(status)
    ? { status, at: timeline.findLast((step) => FINAL.includes(step.status))?.at ?? null }
    : null;
  const steps: Omit<TimelineStep, "spanMs" | "sinceSubmitMs">[] = [
    ...PHASES.map((phase) => ({
      status: phase,
      at: reached.get(phase) ?? null,
      mark: (status === phase ? "current" : reached.has(phase) ? "done" : "future") as StepMark,
    })),
    end
      ? { status: end.status, at: end.at, mark: end.status as StepMark }
      : { status: "finished" as const, at: null, mark: "future" as const },
  ];
  const times = steps.map((step) => (step.at ? new Date(step.at).getTime() : null));
  return steps.map((step, index) => {
    const start = times[index];
    const next = times.slice(index + 1).find((time) => time !== null);
    const until = next ?? (step.mark === "current" && now !== null ? now : undefined);
    const last = index === steps.length - 1;
    return {
      ...step,
      spanMs: start !== null && until !== undefined && !last ? until - start : null,
      sinceSubmitMs: last && start !== null && times[0] !== null ? start - times[0] : null,
    };
  });
}
