import type { V1Job } from "@kubernetes/client-node";

export type JobOutcome = "complete" | "failed" | "running";

export interface JobSummary {
  namespace: string;
  name: string;
  outcome: JobOutcome;
  completions: string;
  active: number;
  failed: number;
  createdAt: string | null;
  finishedAt: string | null;
}

/** Complete or Failed by the Job's conditions (as the Job controller sets them); else running. */
export function jobOutcome(job: V1Job): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  if (conditions.some((condition) => condition.type === "Complete" && condition.status === "True")) return "complete";
  if (conditions.some((condition) => condition.type === "Failed" && condition.status === "True")) return "failed";
  return "running";
}

/** The summary line of a Job. */
export function jobSummary(job: V1Job): JobSummary {
  const finished = job.status?.conditions?.find(
    (condition) => (condition.type === "Complete" || condition.type === "Failed") && condition.status === "True",
  );
  return {
    namespace: job.metadata?.namespace ?? "",
    name: job.metadata?.name ?? "",
    outcome: jobOutcome(job),
    completions: `${job.status?.succeeded ?? 0}/${job.spec?.completions ?? 1}`,
    active: job.status?.active ?? 0,
    failed: job.status?.failed ?? 0,
    createdAt: job.metadata?.creationTimestamp ? new Date(job.metadata.creationTimestamp).toISOString() : null,
    finishedAt: finished?.lastTransitionTime ? new Date(finished.lastTransitionTime).toISOString() : null,
  };
}
