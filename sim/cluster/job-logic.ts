/**
 * batch/v1 Job semantics (NonIndexed and Indexed completion): API defaults and validation, and a
 * pure decision function the controller applies. Conditions follow 1.31+: `SuccessCriteriaMet` then
 * `Complete` with CompletionsReached; `FailureTarget` then `Failed` with BackoffLimitExceeded or
 * DeadlineExceeded.
 */
import type { AdmissionPlugin, KubeObject } from "../contract";
import { invalid } from "../server/errors";
import type { Pod, PodSpec } from "./model";
import { defaultPodSpec } from "./pod-admission";

export interface JobSpec {
  parallelism?: number;
  completions?: number | null;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  completionMode?: string;
  suspend?: boolean;
  selector?: { matchLabels?: Record<string, string> };
  template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
  [field: string]: unknown;
}

export interface JobCondition {
  type: "Complete" | "Failed" | "Suspended" | "SuccessCriteriaMet" | "FailureTarget";
  status: "True" | "False";
  reason?: string;
  message?: string;
  lastProbeTime: string;
  lastTransitionTime: string;
}

export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  conditions?: JobCondition[];
  uncountedTerminatedPods?: Record<string, never>;
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status?: JobStatus;
}

/** Labels every Job pod carries (1.27+ adds the batch.kubernetes.io/ forms beside the legacy ones). */
export function jobPodLabels(job: Job): Record<string, string> {
  const uid = job.metadata.uid!;
  const name = job.metadata.name!;
  return {
    "batch.kubernetes.io/controller-uid": uid,
    "batch.kubernetes.io/job-name": name,
    "controller-uid": uid,
    "job-name": name,
  };
}

/** Job API defaults (SetDefaults_Job) and the restartPolicy rule of ValidateJob. */
export const jobAdmissionPlugin: AdmissionPlugin = {
  name: "JobDefaults",
  admit(attrs) {
    if (attrs.resource !== "jobs.batch" || attrs.operation !== "CREATE" || attrs.subresource || !attrs.object) return;
    const job = attrs.object as Job;
    const spec = (job.spec ??= { template: { spec: { containers: [] } } });
    if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
    spec.parallelism ??= 1;
    spec.backoffLimit ??= 6;
    spec.completionMode ??= "NonIndexed";
    spec.suspend ??= false;
    spec.podReplacementPolicy ??= "TerminatingOrFailed";
    spec.manualSelector ??= false;
    spec.template ??= { spec: { containers: [] } };
    spec.template.spec ??= { containers: [] };
    defaultPodSpec(spec.template.spec);
    const labels = jobPodLabels(job);
    spec.selector ??= {
      matchLabels: { "batch.kubernetes.io/controller-uid": labels["batch.kubernetes.io/controller-uid"] },
    };
    spec.template.metadata = {
      ...(spec.template.metadata ?? {}),
      labels: { ...(spec.template.metadata?.labels ?? {}), ...labels },
    };
    if (spec.completionMode === "Indexed" && (spec.completions === null || spec.completions === undefined)) {
      throw invalid("Job", "batch", job.metadata.name ?? "", [
        {
          reason: "FieldValueRequired",
          message: "Required value: when completion mode is Indexed",
          field: "spec.completions",
        },
      ]);
    }
    const policy = spec.template.spec.restartPolicy;
    if (policy !== "OnFailure" && policy !== "Never") {
      throw invalid("Job", "batch", job.metadata.name ?? "", [
        {
          reason: "FieldValueNotSupported",
          message: `Unsupported value: "${policy}": supported values: "OnFailure", "Never"`,
          field: "spec.template.spec.restartPolicy",
        },
      ]);
    }
  },
};

/** What the controller observes about the job's pods. */
export interface JobObservation {
  active: Pod[];
  ready: number;
  terminating: number;
  succeeded: number;
  /** Failed pods plus, for OnFailure, container restarts (upstream counts both against backoffLimit). */
  failed: number;
  /** When the latest failure happened (ms), for the re-creation back-off. */
  lastFailureAt?: number;
}

export type JobDecision =
  | { kind: "finished" }
  | { kind: "fail"; reason: "BackoffLimitExceeded" | "DeadlineExceeded"; message: string }
  | { kind: "complete" }
  | { kind: "run"; create: number; removeExtra: number; retryAfterMs?: number };

/** Back-off before replacing failed pods: upstream 10 s doubling to 6 min, compressed tenfold. */
export const failureBackoffMs = (failed: number): number =>
  failed <= 0 ? 0 : Math.min(1000 * 2 ** (failed - 1), 36_000);

export const isFinished = (job: Job): boolean =>
  (job.status?.conditions ?? []).some((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");

/** The controller's decision for one sync of a job. */
export function decideJob(job: Job, seen: JobObservation, now: number): JobDecision {
  if (isFinished(job)) return { kind: "finished" };
  const spec = job.spec;
  const startTime = job.status?.startTime ? Date.parse(job.status.startTime) : now;
  if (spec.activeDeadlineSeconds !== undefined && now - startTime >= spec.activeDeadlineSeconds * 1000) {
    return { kind: "fail", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
  }
  if (seen.failed > (spec.backoffLimit ?? 6)) {
    return { kind: "fail", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
  }
  const completions = spec.completions ?? null;
  const parallelism = spec.parallelism ?? 1;
  if (completions !== null ? seen.succeeded >= completions : seen.succeeded > 0 && seen.active.length === 0)
    return { kind: "complete" };
  if (spec.suspend) return { kind: "run", create: 0, removeExtra: seen.active.length };
  const wanted =
    completions !== null ? Math.min(parallelism, completions - seen.succeeded) : seen.succeeded > 0 ? 0 : parallelism;
  const missing = wanted - seen.active.length;
  if (missing <= 0) return { kind: "run", create: 0, removeExtra: missing < 0 ? -missing : 0 };
  const wait = seen.lastFailureAt === undefined ? 0 : seen.lastFailureAt + failureBackoffMs(seen.failed) - now;
  if (wait > 0) return { kind: "run", create: 0, removeExtra: 0, retryAfterMs: wait };
  return { kind: "run", create: missing, removeExtra: 0 };
}
