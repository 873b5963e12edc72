/**
 * The Job controller: creates `<job>-xxxxx` pods from the template, counts outcomes (remembering
 * pods that were deleted after finishing, as upstream's tracking finalizers do), applies
 * decideJob, writes status and events, and deletes finished jobs after ttlSecondsAfterFinished.
 */
import type { KubeObject, Store, StoreEvent } from "../contract";
import { isStatusError } from "../server/errors";
import { nowTimestamp } from "../server/objects";
import type { EventRecorder } from "./events";
import { decideJob, isFinished, type Job, type JobCondition, type JobObservation, type JobStatus } from "./job-logic";
import { isTerminal, podKey, type Pod } from "./model";
import type { TimerQueue } from "./timer-queue";

const JOBS = "jobs.batch";
const COMPONENT = "job-controller";
const CREATE_RETRY_MAX_MS = 10_000;

interface Tally {
  pods: Set<string>;
  succeeded: Set<string>;
  /** Indexed mode: completion indexes that have a succeeded pod. */
  succeededIndexes: Set<number>;
  failed: Set<string>;
  restarts: Map<string, number>;
  /** Counts carried over from status when the controller (re)starts with pods already gone. */
  baseSucceeded: number;
  baseFailed: number;
  lastFailureAt?: number;
  createFailures: number;
  createBlockedUntil: number;
}

const controllerOf = (pod: Pod): string | undefined =>
  pod.metadata.ownerReferences?.find((r) => r.controller && r.kind === "Job")?.uid;

export class JobController {
  private readonly tallies = new Map<string, Tally>();
  private readonly jobKeys = new Map<string, string>();
  private readonly dirty = new Set<string>();
  private readonly ttlArmed = new Set<string>();
  private scheduled = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly timers: TimerQueue,
    private readonly events: EventRecorder,
  ) {
    for (const job of store.list(JOBS)) this.track(job as Job);
    for (const pod of store.list("pods")) this.observePod(pod as Pod, false);
    this.unsubscribe = store.subscribe((event) => this.observe(event));
  }

  stop(): void {
    this.unsubscribe();
  }

  private track(job: Job): Tally {
    const uid = job.metadata.uid!;
    let tally = this.tallies.get(uid);
    if (!tally) {
      tally = {
        pods: new Set(),
        succeeded: new Set(),
        succeededIndexes: new Set(parseIndexes(job.status?.completedIndexes)),
        failed: new Set(),
        restarts: new Map(),
        baseSucceeded: job.status?.succeeded ?? 0,
        baseFailed: job.status?.failed ?? 0,
        createFailures: 0,
        createBlockedUntil: 0,
      };
      this.tallies.set(uid, tally);
    }
    this.jobKeys.set(uid, podKey(job.metadata.namespace, job.metadata.name));
    this.markDirty(uid);
    return tally;
  }

  private observe(event: StoreEvent): void {
    if (event.resource === JOBS) {
      const uid = event.object.metadata.uid!;
      if (event.type === "DELETED") {
        this.tallies.delete(uid);
        this.jobKeys.delete(uid);
        this.ttlArmed.delete(uid);
      } else if (
        event.type === "ADDED" ||
        JSON.stringify(event.object.spec) !== JSON.stringify(event.oldObject?.spec)
      ) {
        this.track(event.object as Job);
      }
      return;
    }
    if (event.resource === "pods") this.observePod(event.object as Pod, event.type === "DELETED");
  }

  private observePod(pod: Pod, deleted: boolean): void {
    const jobUid = controllerOf(pod);
    const tally = jobUid && this.tallies.get(jobUid);
    if (!tally) return;
    const uid = pod.metadata.uid;
    if (deleted) tally.pods.delete(uid);
    else tally.pods.add(uid);
    if (pod.status?.phase === "Succeeded") {
      tally.succeeded.add(uid);
      const index = completionIndex(pod);
      if (index !== undefined) tally.succeededIndexes.add(index);
    }
    if (pod.status?.phase === "Failed" && !tally.failed.has(uid)) {
      tally.failed.add(uid);
      tally.lastFailureAt = Date.now();
    }
    const restarts = (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0);
    if (pod.spec.restartPolicy === "OnFailure" && restarts > (tally.restarts.get(uid) ?? 0)) {
      tally.restarts.set(uid, restarts);
      tally.lastFailureAt = Date.now();
    }
    this.markDirty(jobUid);
  }

  private markDirty(jobUid: string): void {
    this.dirty.add(jobUid);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.syncDirty());
  }

  private syncDirty(): void {
    this.scheduled = false;
    const uids = [...this.dirty];
    this.dirty.clear();
    for (const uid of uids) {
      const key = this.jobKeys.get(uid);
      if (!key) continue;
      const slash = key.indexOf("/");
      const job = this.store.get(JOBS, key.slice(0, slash), key.slice(slash + 1)) as Job | undefined;
      if (job && job.metadata.uid === uid) this.sync(job, this.tallies.get(uid)!);
    }
  }

  private ownedPods(job: Job, tally: Tally): Pod[] {
    const pods: Pod[] = [];
    for (const pod of this.store.list("pods", job.metadata.namespace) as Pod[]) {
      if (tally.pods.has(pod.metadata.uid)) pods.push(pod);
    }
    return pods;
  }

  private sync(job: Job, tally: Tally): void {
    const now = Date.now();
    const pods = tally.pods.size ? this.ownedPods(job, tally) : [];
    const live = pods.filter((p) => !isTerminal(p));
    const active = live.filter((p) => !p.metadata.deletionTimestamp);
    const indexed = job.spec.completionMode === "Indexed";
    const seen: JobObservation = {
      active,
      ready: active.filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length,
      terminating: live.length - active.length,
      // Indexed: an index counts once, however many of its pods succeeded.
      succeeded: indexed ? tally.succeededIndexes.size : tally.baseSucceeded + tally.succeeded.size,
      failed: tally.baseFailed + tally.failed.size + [...tally.restarts.values()].reduce((a, b) => a + b, 0),
      lastFailureAt: tally.lastFailureAt,
    };
    const decision = decideJob(job, seen, now);
    const status: JobStatus = {
      ...(job.status ?? {}),
      active: seen.active.length,
      ready: seen.ready,
      terminating: seen.terminating,
      uncountedTerminatedPods: {},
    };
    // JobStatus.active is an int32 with omitempty: a Job with no running pods has none.
    if (!status.active) delete status.active;
    if (seen.succeeded) status.succeeded = seen.succeeded;
    if (indexed) status.completedIndexes = formatIndexes(tally.succeededIndexes);
    if (seen.failed) status.failed = seen.failed;
    if (!status.startTime && !job.spec.suspend) status.startTime = nowTimestamp();
    const stamp = nowTimestamp();

    switch (decision.kind) {
      case "finished":
        this.scheduleTtl(job);
        return;
      case "fail": {
        for (const pod of active) this.deletePod(job, pod);
        delete status.active;
        // As pkg/controller/job/job_controller.go (1.31+): FailureTarget marks the decision, Failed follows
        // once the pods are gone; both carry the reason. Here the pods go at once, so both land together.
        status.conditions = [
          ...(status.conditions ?? []),
          condition("FailureTarget", stamp, decision.reason, decision.message),
          condition("Failed", stamp, decision.reason, decision.message),
        ];
        this.writeStatus(job, status);
        this.events.record(job, "Warning", decision.reason, decision.message, COMPONENT);
        this.scheduleTtl(job, stamp);
        return;
      }
      case "complete":
        for (const pod of active) this.deletePod(job, pod);
        delete status.active;
        status.completionTime = stamp;
        status.conditions = [
          ...(status.conditions ?? []),
          condition("SuccessCriteriaMet", stamp, COMPLETIONS_REACHED, COMPLETIONS_REACHED_MESSAGE),
          condition("Complete", stamp, COMPLETIONS_REACHED, COMPLETIONS_REACHED_MESSAGE),
        ];
        this.writeStatus(job, status);
        this.events.record(job, "Normal", "Completed", "Job completed", COMPONENT);
        this.scheduleTtl(job, stamp);
        return;
      case "run":
        this.noteSuspension(job, status, stamp);
        this.writeStatus(job, status);
        if (decision.removeExtra > 0) for (const pod of active.slice(-decision.removeExtra)) this.deletePod(job, pod);
        if (decision.retryAfterMs !== undefined)
          this.timers.after(decision.retryAfterMs, () => this.markDirty(job.metadata.uid!));
        this.createPods(
          job,
          tally,
          decision.create,
          now,
          indexed ? this.freeIndexes(job, tally, active, decision.create) : undefined,
        );
        if (job.spec.activeDeadlineSeconds !== undefined && status.startTime) {
          const due = Date.parse(status.startTime) + job.spec.activeDeadlineSeconds * 1000 - now;
          this.timers.after(Math.max(0, due), () => this.markDirty(job.metadata.uid!));
        }
    }
  }

  /** The Suspended condition (True while spec.suspend, False/JobResumed after), with its events. */
  private noteSuspension(job: Job, status: JobStatus, stamp: string): void {
    const current = status.conditions?.find((c) => c.type === "Suspended");
    const suspended = Boolean(job.spec.suspend);
    if (suspended === (current?.status === "True") || (!suspended && !current)) return;
    const next = suspended
      ? condition("Suspended", stamp, "JobSuspended", "Job suspended")
      : { ...condition("Suspended", stamp, "JobResumed", "Job resumed"), status: "False" as const };
    status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== "Suspended"), next];
    this.events.record(
      job,
      "Normal",
      suspended ? "Suspended" : "Resumed",
      suspended ? "Job suspended" : "Job resumed",
      COMPONENT,
    );
  }

  /** The lowest indexes that neither succeeded nor have a running pod. */
  private freeIndexes(job: Job, tally: Tally, active: Pod[], count: number): number[] {
    const busy = new Set(active.map(completionIndex));
    const free: number[] = [];
    for (let i = 0; i < (job.spec.completions ?? 0) && free.length < count; i++) {
      if (!tally.succeededIndexes.has(i) && !busy.has(i)) free.push(i);
    }
    return free;
  }

  private createPods(job: Job, tally: Tally, count: number, now: number, indexes?: number[]): void {
    if (indexes) count = indexes.length;
    if (count <= 0) return;
    if (now < tally.createBlockedUntil) {
      this.timers.after(tally.createBlockedUntil - now, () => this.markDirty(job.metadata.uid!));
      return;
    }
    const template = job.spec.template;
    for (let i = 0; i < count; i++) {
      const pod: KubeObject = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          generateName: `${job.metadata.name}-`,
          namespace: job.metadata.namespace,
          labels: { ...(template.metadata?.labels ?? {}) },
          annotations: { ...(template.metadata?.annotations ?? {}) },
          ownerReferences: [
            {
              apiVersion: "batch/v1",
              kind: "Job",
              name: job.metadata.name!,
              uid: job.metadata.uid!,
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: structuredClone(template.spec),
      };
      if (indexes) indexPod(pod, job.metadata.name!, indexes[i]);
      try {
        const created = this.store.create("pods", pod, { internal: true });
        tally.pods.add(created.metadata.uid!);
        tally.createFailures = 0;
        this.events.record(job, "Normal", "SuccessfulCreate", `Created pod: ${created.metadata.name}`, COMPONENT);
      } catch (error) {
        // kube-controller-manager v1.37 pkg/controller/controller_utils.go RealPodControl.createPods:
        // a refused pod (quota, Pod Security, missing service account…) leaves only this Warning
        // event, `Error creating: <apiserver error>`, and the Job retries with backoff, never failing;
        // no event while the namespace is being deleted (cause NamespaceTerminating).
        const message = isStatusError(error) ? error.status.message : String(error);
        const terminating =
          isStatusError(error) &&
          Boolean(error.status.details?.causes?.some((cause) => cause.reason === "NamespaceTerminating"));
        if (!terminating) this.events.record(job, "Warning", "FailedCreate", `Error creating: ${message}`, COMPONENT);
        tally.createFailures++;
        const wait = Math.min(1000 * 2 ** (tally.createFailures - 1), CREATE_RETRY_MAX_MS);
        tally.createBlockedUntil = now + wait;
        this.timers.after(wait, () => this.markDirty(job.metadata.uid!));
        return;
      }
    }
  }

  private deletePod(job: Job, pod: Pod): void {
    try {
      this.store.delete("pods", pod.metadata.namespace, pod.metadata.name, { internal: true });
      this.events.record(job, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, COMPONENT);
    } catch {
      // Gone already.
    }
  }

  private writeStatus(job: Job, status: JobStatus): void {
    if (JSON.stringify(status) === JSON.stringify(job.status)) return;
    try {
      this.store.updateStatus(JOBS, { ...job, status }, { internal: true });
    } catch {
      // Changed meanwhile; the event re-syncs it.
    }
  }

  /** ttlSecondsAfterFinished: the TTL-after-finished controller deletes the job and, by cascade, its pods. */
  private scheduleTtl(job: Job, finishedAt?: string): void {
    const ttl = job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined || (!isFinished(job) && !finishedAt) || this.ttlArmed.has(job.metadata.uid!)) return;
    this.ttlArmed.add(job.metadata.uid!);
    const finished = finishedAt ?? job.status?.completionTime ?? lastTransition(job) ?? nowTimestamp();
    const due = Date.parse(finished) + ttl * 1000 - Date.now();
    const { namespace, name, uid } = job.metadata;
    this.timers.after(Math.max(0, due), () => {
      try {
        this.store.delete(JOBS, namespace, name!, {
          internal: true,
          propagationPolicy: "Background",
          preconditions: { uid },
        });
      } catch {
        // Deleted by someone else first.
      }
    });
  }
}

const COMPLETIONS_REACHED = "CompletionsReached";
const COMPLETIONS_REACHED_MESSAGE = "Reached expected number of succeeded pods";

function condition(type: JobCondition["type"], at: string, reason?: string, message?: string): JobCondition {
  const out: JobCondition = { type, status: "True", lastProbeTime: at, lastTransitionTime: at };
  if (reason) out.reason = reason;
  if (message) out.message = message;
  return out;
}

const lastTransition = (job: Job): string | undefined =>
  job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")
    ?.lastTransitionTime;

const INDEX_KEY = "batch.kubernetes.io/job-completion-index";

const completionIndex = (pod: Pod): number | undefined => {
  const raw = pod.metadata.annotations?.[INDEX_KEY];
  return raw === undefined ? undefined : Number(raw);
};

/** What the controller adds to an Indexed Job's pod: name, index annotation/label, hostname, JOB_COMPLETION_INDEX. */
function indexPod(pod: KubeObject, jobName: string, index: number): void {
  pod.metadata.generateName = `${jobName}-${index}-`;
  pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [INDEX_KEY]: String(index) };
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [INDEX_KEY]: String(index) };
  pod.spec.hostname = `${jobName}-${index}`;
  const env = {
    name: "JOB_COMPLETION_INDEX",
    valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${INDEX_KEY}']` } },
  };
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) c.env = [...(c.env ?? []), env];
}

/** `status.completedIndexes` text: ascending ranges, `0-2,4`. */
export function formatIndexes(indexes: Set<number>): string {
  const sorted = [...indexes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j;
  }
  return parts.join(",");
}

export function parseIndexes(text: string | undefined): number[] {
  if (!text) return [];
  return text.split(",").flatMap((part) => {
    const [a, b] = part.split("-").map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, k) => a + k);
  });
}
