import "server-only";

import type { CoreV1Event, V1Pod, V1ResourceQuota } from "@kubernetes/client-node";
import { and, eq, inArray, notInArray } from "drizzle-orm";

import { getDb } from "@/db";
import { clusters, runs, type Cluster, type RunRow } from "@/db/schema";
import { env } from "@/lib/env";
import { tailBytes } from "@/lib/images/logs";
import { describeKubeError } from "@/lib/kube/errors";
import { acquireInformer, type InformerEvent, type InformerStatus, type SharedInformer } from "@/lib/kube/informers";
import { BERTH_LABELS } from "@/lib/kube/labels";
import { byLastSeenDescending, eventSummary, type EventSummary } from "@/lib/kube/pods";
import { followPodLog, listPodEvents } from "@/lib/kube/run-pods";
import { deleteRunObjects } from "@/lib/kube/run-workloads";
import type { SparkApplicationObject } from "@/lib/kube/spark-applications";

import {
  publishClusterWatch,
  publishRunChange,
  runChangeOf,
  subscribeRunChanges,
  type ClusterWatchChange,
} from "./events";
import { keptLogTail, logContainer, type CapturedLog } from "./logs";
import { findRun } from "./queries";
import { onRunSettingsChange, RetentionTimer, runSettings } from "./retention";
import { deriveSparkRunStatus, operatorSilentReason } from "./spark-status";
import {
  appendTransition,
  deriveRunStatus,
  FINAL_RUN_STATUSES,
  isFinalRunStatus,
  sparkRole,
  type DerivedRunStatus,
} from "./status";
import { launchRun } from "./submit";
import { runObjectsOf } from "./views";

/**
 * Keeps every run's row true after submit: one subscriber per cluster on the shared pods informer
 * (no watch of its own), which derives each run's status from its pods, writes it in a
 * transaction and publishes the change. Final runs keep their events and log tail; their pods go
 * after the retention period (see retention.ts). This is the write side: pages and streams read
 * what it follows through live.ts.
 */

/** How long a run may have no pods before Berth decides they are gone (abort and relists settle first). */
const PODS_GONE_GRACE_MS = 3_000;

type PodListener = (pods: V1Pod[]) => void;

const runIdOf = (pod: V1Pod): string | undefined => pod.metadata?.labels?.[BERTH_LABELS.run];
const uidOf = (pod: V1Pod): string => pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;

/** When a run reached the status its pods show: the containers' start or end when known, else now. */
function reachedAt(derived: DerivedRunStatus, now: Date): Date {
  if (derived.status === "running") return derived.startedAt ?? now;
  if (isFinalRunStatus(derived.status)) return derived.finishedAt ?? now;
  return now;
}

/** A run's row changes as the pods say: status, reason, exit code, pod names, timeline, times; null when nothing changed. */
export function runUpdateFrom(
  row: RunRow,
  derived: DerivedRunStatus,
  podNames: string[],
  now: Date,
): Partial<RunRow> | null {
  const update: Partial<RunRow> = {};
  const final = isFinalRunStatus(derived.status);
  if (derived.status !== row.status) {
    update.status = derived.status;
    update.timeline = appendTransition(row.timeline, {
      status: derived.status,
      at: reachedAt(derived, now),
      reason: derived.reason,
      startedAt: derived.startedAt,
    });
  }
  if (derived.reason !== row.reason) update.reason = derived.reason;
  if (derived.exitCode !== row.exitCode) update.exitCode = derived.exitCode;
  if (!row.startedAt && (derived.status === "running" || (final && derived.startedAt)))
    update.startedAt = derived.startedAt ?? now;
  if (final && !row.finishedAt) update.finishedAt = derived.finishedAt ?? now;
  const names = [...new Set([...row.pods, ...podNames])];
  if (names.length !== row.pods.length) update.pods = names;
  return Object.keys(update).length ? update : null;
}

/** The run's pods' events, newest first, and its log tail, for the row of a run that has ended. */
async function finalRecord(
  cluster: Cluster,
  run: RunRow,
  pods: readonly V1Pod[],
  captured: readonly CapturedLog[] = [],
): Promise<{ events: EventSummary[]; logTail: string }> {
  let events: CoreV1Event[] = [];
  try {
    events = await listPodEvents(cluster, run.namespace, run.pods);
  } catch (error) {
    console.warn(`berth: could not keep the events of run ${run.id}: ${describeKubeError(error).message}`);
  }
  const logTail = await keptLogTail(cluster, run, pods, runSettings().logTailKb * 1024, captured);
  return { events: events.map(eventSummary).sort(byLastSeenDescending), logTail };
}

function saveRecord(runId: string, record: { events: EventSummary[]; logTail: string }): RunRow | undefined {
  return getDb()
    .update(runs)
    .set({ events: record.events as unknown as Record<string, unknown>[], logTail: record.logTail })
    .where(eq(runs.id, runId))
    .returning()
    .get();
}

class ClusterRuns {
  private readonly pods: { informer: SharedInformer<V1Pod>; release(): void };
  private readonly quotas: { informer: SharedInformer<V1ResourceQuota>; release(): void };
  private readonly events: { informer: SharedInformer<CoreV1Event>; release(): void };
  /** Warning events about pods, by namespace/name: why a scheduled pod cannot start. */
  private readonly warnings = new Map<string, Map<string, CoreV1Event>>();
  /** Pods by run id and uid, kept from the informer's events. */
  private readonly byRun = new Map<string, Map<string, V1Pod>>();
  /** The last state of pods deleted while their run was live: what the run became if nothing else says. */
  private readonly lastSeen = new Map<string, V1Pod[]>();
  private readonly goneTimers = new Map<string, NodeJS.Timeout>();
  /**
   * Spark executors' logs, followed while they run: the driver deletes its executors when it ends,
   * before the run's log could be read, so their lines are kept from here. By run id, then pod.
   */
  private readonly executorLogs = new Map<string, Map<string, { text: string; following: AbortController }>>();
  /** SparkApplications, followed from the first run that uses the spark-operator on this cluster. */
  private apps: { informer: SharedInformer<SparkApplicationObject>; release(): void } | null = null;
  private readonly appByRun = new Map<string, SparkApplicationObject>();
  /** Runs whose application has no status yet: when the operator's silence ends them. */
  private readonly silenceTimers = new Map<string, NodeJS.Timeout>();
  private appsSynced = false;
  private readonly unsubscribe: (() => void)[] = [];
  private wasStale = false;
  private firstSyncDone = false;

  constructor(
    readonly cluster: Cluster,
    private readonly owner: RunReconciler,
  ) {
    this.pods = acquireInformer(cluster, "pods");
    this.quotas = acquireInformer(cluster, "resourcequotas");
    this.events = acquireInformer(cluster, "warning-events");
    this.unsubscribe.push(this.pods.informer.subscribe((event) => this.onPodEvent(event)));
    this.unsubscribe.push(this.quotas.informer.subscribe((event) => this.onQuotaEvent(event)));
    this.unsubscribe.push(this.events.informer.subscribe((event) => this.onEvent(event)));
    for (const event of this.events.informer.list()) this.rememberWarning(event);
    for (const pod of this.pods.informer.list()) this.remember(pod);
    void this.pods.informer
      .whenSynced()
      .then(() => this.afterSync())
      .catch(() => undefined);
  }

  stop(): void {
    for (const stop of this.unsubscribe) stop();
    for (const timer of this.goneTimers.values()) clearTimeout(timer);
    for (const timer of this.silenceTimers.values()) clearTimeout(timer);
    for (const runId of [...this.executorLogs.keys()]) this.capturedLogs(runId);
    this.apps?.release();
    this.pods.release();
    this.quotas.release();
    this.events.release();
  }

  podsOf(runId: string): V1Pod[] {
    return [...(this.byRun.get(runId)?.values() ?? [])];
  }

  status(): InformerStatus {
    return this.pods.informer.status();
  }

  private remember(pod: V1Pod): string | undefined {
    const runId = runIdOf(pod);
    if (!runId) return undefined;
    let pods = this.byRun.get(runId);
    if (!pods) this.byRun.set(runId, (pods = new Map()));
    pods.set(uidOf(pod), pod);
    return runId;
  }

  private rememberWarning(event: CoreV1Event): string | undefined {
    const involved = event.involvedObject;
    if (event.type !== "Warning" || involved?.kind !== "Pod" || !involved.name) return undefined;
    const key = `${involved.namespace ?? event.metadata?.namespace}/${involved.name}`;
    let events = this.warnings.get(key);
    if (!events) this.warnings.set(key, (events = new Map()));
    events.set(event.metadata?.uid ?? event.metadata?.name ?? "", event);
    return key;
  }

  /** A warning about a pod of a live run may explain why it is still pending. */
  private onEvent(event: InformerEvent<CoreV1Event>): void {
    if (event.type === "status") return;
    if (event.type === "delete") {
      const involved = event.object.involvedObject;
      this.warnings
        .get(`${involved?.namespace ?? event.object.metadata?.namespace}/${involved?.name}`)
        ?.delete(event.object.metadata?.uid ?? event.object.metadata?.name ?? "");
      return;
    }
    const key = this.rememberWarning(event.object);
    if (!key) return;
    const [namespace, name] = key.split("/");
    const pod = this.pods.informer.get(namespace, name);
    const runId = pod && runIdOf(pod);
    if (runId && pod.status?.phase === "Pending") this.reconcile(runId);
  }

  private warningsAbout(pods: readonly V1Pod[]): CoreV1Event[] {
    return pods.flatMap((pod) => [
      ...(this.warnings.get(`${pod.metadata?.namespace}/${pod.metadata?.name}`)?.values() ?? []),
    ]);
  }

  private onPodEvent(event: InformerEvent<V1Pod>): void {
    if (event.type === "status") return this.onStatus(event.status);
    const runId = runIdOf(event.object);
    if (!runId) return;
    if (event.type === "delete") {
      const pods = this.byRun.get(runId);
      pods?.delete(uidOf(event.object));
      this.lastSeen.set(runId, [
        ...(this.lastSeen.get(runId) ?? []).filter((pod) => uidOf(pod) !== uidOf(event.object)),
        event.object,
      ]);
      if (!pods?.size) this.byRun.delete(runId);
      this.warnings.delete(`${event.object.metadata?.namespace}/${event.object.metadata?.name}`);
    } else {
      this.remember(event.object);
      this.captureExecutorLog(runId, event.object);
    }
    this.owner.podsChanged(runId, this.podsOf(runId));
    this.reconcile(runId);
  }

  private onStatus(status: InformerStatus): void {
    publishClusterWatch({
      clusterId: this.cluster.id,
      stale: status.stale,
      staleSince: status.staleSince,
      error: status.error,
    });
    if (status.stale) this.wasStale = true;
    else if (status.synced && (this.wasStale || !this.firstSyncDone)) {
      // Back from an outage: whatever happened meanwhile is in the cache now (replayed or relisted).
      this.wasStale = false;
      this.afterSync();
    }
  }

  private afterSync(): void {
    for (const pod of this.pods.informer.list()) this.remember(pod);
    const firstSync = !this.firstSyncDone;
    this.firstSyncDone = true;
    this.reconcileAll(firstSync);
  }

  private onQuotaEvent(event: InformerEvent<V1ResourceQuota>): void {
    if (event.type === "status") return;
    const namespace = event.object.metadata?.namespace;
    if (namespace) this.owner.quotaChanged(this.cluster, namespace);
  }

  /** Re-derives every live run of this cluster; at the first sync, runs whose pods vanished while nobody watched are lost. */
  private reconcileAll(firstSync: boolean): void {
    const live = getDb()
      .select()
      .from(runs)
      .where(and(eq(runs.clusterId, this.cluster.id), notInArray(runs.status, [...FINAL_RUN_STATUSES])))
      .all();
    for (const run of live) {
      if (run.workload === "spark-application") {
        // Whether its pods are gone is the application's to say: it may never have had any.
        this.followApps();
        if (this.apps?.informer.status().synced) this.reconcileSparkRun(run, firstSync);
        else if (this.byRun.has(run.id)) this.reconcile(run.id);
        continue;
      }
      if (this.byRun.has(run.id)) this.reconcile(run.id);
      else if (firstSync && run.status !== "queued" && run.createdAt < this.owner.startedAt)
        this.markGone(run.id, "its pods were deleted while Berth was not watching");
      else if (this.lastSeen.has(run.id)) this.schedulePodsGone(run.id);
    }
  }

  /** Starts following SparkApplications (once): only clusters whose runs use the spark-operator serve the kind. */
  followApps(): void {
    if (this.apps) return;
    const apps = (this.apps = acquireInformer(this.cluster, "sparkapplications"));
    this.unsubscribe.push(apps.informer.subscribe((event) => this.onAppEvent(event)));
    for (const app of apps.informer.list()) this.rememberApp(app);
    void apps.informer
      .whenSynced()
      .then(() => this.reconcileSparkRuns())
      .catch(() => undefined);
  }

  private rememberApp(app: SparkApplicationObject): string | undefined {
    const runId = app.metadata?.labels?.[BERTH_LABELS.run];
    if (runId) this.appByRun.set(runId, app);
    return runId;
  }

  private onAppEvent(event: InformerEvent<SparkApplicationObject>): void {
    if (event.type === "status") {
      if (event.status.synced) this.reconcileSparkRuns();
      return;
    }
    const runId = event.object.metadata?.labels?.[BERTH_LABELS.run];
    if (!runId) return;
    if (event.type === "delete") {
      this.appByRun.delete(runId);
      this.clearSilence(runId);
      return;
    }
    this.rememberApp(event.object);
    this.reconcile(runId);
  }

  /** Every live run of this cluster that uses the spark-operator, once the applications are listed. */
  private reconcileSparkRuns(): void {
    const firstSync = !this.appsSynced;
    this.appsSynced = true;
    const live = getDb()
      .select()
      .from(runs)
      .where(
        and(
          eq(runs.clusterId, this.cluster.id),
          eq(runs.workload, "spark-application"),
          notInArray(runs.status, [...FINAL_RUN_STATUSES]),
        ),
      )
      .all();
    for (const run of live) this.reconcileSparkRun(run, firstSync);
  }

  private reconcileSparkRun(run: RunRow, firstSync: boolean): void {
    if (this.appByRun.has(run.id) || this.byRun.has(run.id)) return this.reconcile(run.id);
    // No application: one deleted while nobody watched leaves a run that will never end by itself.
    if (firstSync && run.status !== "queued" && run.createdAt < this.owner.startedAt) {
      this.markGone(run.id, "its SparkApplication was deleted while Berth was not watching");
    }
  }

  /** A run changed (e.g. was just submitted): one that uses the spark-operator needs its application followed. */
  runChanged(runId: string): void {
    // Once followed, the applications' own events drive their runs.
    if (this.apps) return;
    const row = findRun(runId);
    if (row?.workload !== "spark-application" || isFinalRunStatus(row.status)) return;
    this.followApps();
  }

  /** Brings a run that uses the spark-operator in line with its application and pods. */
  private reconcileSpark(runId: string, app: SparkApplicationObject): void {
    const pods = this.podsOf(runId);
    // The application says how the run ends: pods leaving (executors, a cleaned-up driver) are no loss.
    const pending = this.goneTimers.get(runId);
    if (pending) clearTimeout(pending);
    this.goneTimers.delete(runId);
    this.lastSeen.delete(runId);
    const derived = deriveSparkRunStatus(app, pods, this.warningsAbout(pods));
    if (!derived) return this.awaitOperator(runId, app);
    this.clearSilence(runId);
    this.apply(runId, derived, pods);
  }

  private clearSilence(runId: string): void {
    const timer = this.silenceTimers.get(runId);
    if (timer) clearTimeout(timer);
    this.silenceTimers.delete(runId);
  }

  /**
   * An application without a status: the operator has not picked it up. It acts only in its job
   * namespaces, and says nothing about others, so silence past the grace period ends the run.
   */
  private awaitOperator(runId: string, app: SparkApplicationObject): void {
    if (this.silenceTimers.has(runId)) return;
    const graceMs = env().BERTH_SPARK_OPERATOR_GRACE_SECONDS * 1000;
    const created = app.metadata?.creationTimestamp ? new Date(app.metadata.creationTimestamp).getTime() : Date.now();
    const timer = setTimeout(
      () => {
        this.silenceTimers.delete(runId);
        const current = this.appByRun.get(runId);
        if (!current || current.status?.applicationState?.state || this.podsOf(runId).length) return;
        void this.endUnhandled(runId, app.metadata?.namespace ?? "", graceMs);
      },
      Math.max(0, created + graceMs - Date.now()),
    );
    timer.unref?.();
    this.silenceTimers.set(runId, timer);
  }

  /** Fails a run the operator never picked up, and removes its objects so the operator cannot start it unseen later. */
  private async endUnhandled(runId: string, namespace: string, graceMs: number): Promise<void> {
    const now = new Date();
    const reason = operatorSilentReason(namespace, graceMs);
    const saved = getDb().transaction((tx) => {
      const row = findRun(runId, tx);
      if (!row || row.clusterId !== this.cluster.id || isFinalRunStatus(row.status)) return undefined;
      return tx
        .update(runs)
        .set({
          status: "failed",
          reason,
          finishedAt: now,
          timeline: appendTransition(row.timeline, { status: "failed", at: now, reason }),
        })
        .where(eq(runs.id, runId))
        .returning()
        .get();
    });
    if (!saved) return;
    publishRunChange(runChangeOf(saved));
    this.owner.runFinished();
    try {
      await deleteRunObjects(this.cluster, saved.id, saved.namespace, runObjectsOf(saved));
    } catch (error) {
      console.warn(`berth: could not remove the objects of run ${runId}: ${describeKubeError(error).message}`);
    }
  }

  /** Brings one run's row in line with its pods, in a transaction, and publishes the change. */
  reconcile(runId: string): void {
    const app = this.appByRun.get(runId);
    if (app) return this.reconcileSpark(runId, app);
    const pods = this.podsOf(runId);
    if (!pods.length) {
      // No pods yet (a SparkApplication's driver is on its way) is not gone: only pods seen leaving are.
      if (this.lastSeen.has(runId)) this.schedulePodsGone(runId);
      return;
    }
    const pending = this.goneTimers.get(runId);
    if (pending) clearTimeout(pending);
    this.goneTimers.delete(runId);
    this.lastSeen.delete(runId);
    const derived = deriveRunStatus(pods, this.warningsAbout(pods));
    if (!derived) return;
    this.apply(runId, derived, pods);
  }

  private apply(runId: string, derived: DerivedRunStatus, pods: readonly V1Pod[]): void {
    const names = pods.map((pod) => pod.metadata?.name ?? "").filter(Boolean);
    const saved = getDb().transaction((tx) => {
      const row = findRun(runId, tx);
      if (!row || row.clusterId !== this.cluster.id || isFinalRunStatus(row.status)) return undefined;
      const update = runUpdateFrom(row, derived, names, new Date());
      if (!update) return undefined;
      return tx.update(runs).set(update).where(eq(runs.id, runId)).returning().get();
    });
    if (!saved) return;
    publishRunChange(runChangeOf(saved));
    if (isFinalRunStatus(saved.status)) {
      void this.keepFinalRecord(saved, pods).catch((error: unknown) =>
        console.error(`berth: could not keep the record of run ${runId}`, error),
      );
    }
  }

  /** Keeps events and log tail of a run about to lose its pods (abort), as an ending run does. */
  async keepRecordNow(run: RunRow): Promise<void> {
    const pods = this.podsOf(run.id);
    const names = pods.map((pod) => pod.metadata?.name ?? "").filter(Boolean);
    saveRecord(
      run.id,
      await finalRecord(
        this.cluster,
        { ...run, pods: [...new Set([...run.pods, ...names])] },
        pods,
        this.capturedLogs(run.id),
      ),
    );
  }

  /** Starts following a running Spark executor's log (once per pod; again after a failed start). */
  private captureExecutorLog(runId: string, pod: V1Pod): void {
    const name = pod.metadata?.name;
    const running = pod.status?.containerStatuses?.some((status) => status.state?.running);
    if (!name || !running || sparkRole(pod) !== "executor") return;
    let logs = this.executorLogs.get(runId);
    if (!logs) this.executorLogs.set(runId, (logs = new Map()));
    if (logs.has(name)) return;
    const entry = { text: "", following: new AbortController() };
    logs.set(name, entry);
    const maxBytes = runSettings().logTailKb * 1024;
    void followPodLog(
      this.cluster,
      { namespace: pod.metadata?.namespace ?? "", podName: name, container: logContainer(pod), timestamps: true },
      (chunk) => (entry.text = tailBytes(entry.text + chunk, maxBytes)),
      entry.following.signal,
    ).catch(() => {
      if (!entry.text) logs.delete(name);
    });
  }

  /** What was captured of a run's executors, and the end of capturing them. */
  private capturedLogs(runId: string): CapturedLog[] {
    const logs = this.executorLogs.get(runId);
    this.executorLogs.delete(runId);
    return [...(logs ?? [])].map(([pod, entry]) => {
      entry.following.abort();
      return { pod, text: entry.text };
    });
  }

  private async keepFinalRecord(run: RunRow, pods: readonly V1Pod[]): Promise<void> {
    try {
      const saved = saveRecord(run.id, await finalRecord(this.cluster, run, pods, this.capturedLogs(run.id)));
      if (saved) publishRunChange(runChangeOf(saved));
    } finally {
      this.owner.runFinished();
    }
  }

  private schedulePodsGone(runId: string): void {
    if (this.goneTimers.has(runId)) return;
    const timer = setTimeout(() => {
      this.goneTimers.delete(runId);
      if (this.byRun.has(runId)) return;
      const last = this.lastSeen.get(runId);
      if (!last) return;
      this.lastSeen.delete(runId);
      const derived = deriveRunStatus(last);
      // A pod deleted after it ended tells how the run ended; one deleted before, that it was cut short.
      if (derived && isFinalRunStatus(derived.status)) this.apply(runId, derived, last);
      else this.markGone(runId, "its pods were deleted outside Berth before they finished");
    }, PODS_GONE_GRACE_MS);
    timer.unref?.();
    this.goneTimers.set(runId, timer);
  }

  /** Records `lost` for a live run whose pods are gone (a run aborted meanwhile stays aborted). */
  private markGone(runId: string, why: string): void {
    const now = new Date();
    const saved = getDb().transaction((tx) => {
      const row = findRun(runId, tx);
      if (!row || row.clusterId !== this.cluster.id || row.status === "queued" || isFinalRunStatus(row.status))
        return undefined;
      const reason = `Lost: ${why}`;
      return tx
        .update(runs)
        .set({
          status: "lost",
          reason,
          finishedAt: now,
          timeline: appendTransition(row.timeline, { status: "lost", at: now, reason }),
        })
        .where(eq(runs.id, runId))
        .returning()
        .get();
    });
    if (!saved) return;
    this.capturedLogs(runId);
    publishRunChange(runChangeOf(saved));
    this.owner.runFinished();
  }
}

class RunReconciler {
  started = false;
  private readonly clusters = new Map<number, ClusterRuns>();
  private readonly podListeners = new Map<string, Set<PodListener>>();
  private readonly retention = new RetentionTimer();
  /** Runs created before this process started may have lost their pods while nobody watched. */
  readonly startedAt = new Date();
  private readonly retrying = new Set<string>();

  start(): void {
    onRunSettingsChange(() => this.retention.wake());
    // A run submitted to a cluster Berth does not follow yet starts following it.
    subscribeRunChanges((change) => {
      // A run that ended off any cluster (a container on a Docker host) falls due for retention too.
      if (change.clusterId === null && isFinalRunStatus(change.status) && !change.cleanedUpAt) this.retention.wake();
      if (change.clusterId === null || isFinalRunStatus(change.status)) return;
      if (!this.clusters.has(change.clusterId)) this.watch(change.clusterId);
      this.clusters.get(change.clusterId)?.runChanged(change.id);
    });
    const clusterIds = getDb()
      .selectDistinct({ clusterId: runs.clusterId })
      .from(runs)
      .where(notInArray(runs.status, [...FINAL_RUN_STATUSES]))
      .all()
      .map((row) => row.clusterId)
      .filter((id): id is number => id !== null);
    for (const id of clusterIds) this.watch(id);
    this.retention.wake();
  }

  /** Starts following the runs of a cluster (idempotent); a kubeconfig change re-acquires its informers. */
  watch(clusterId: number): void {
    const cluster = getDb().select().from(clusters).where(eq(clusters.id, clusterId)).get();
    if (!cluster) return;
    const current = this.clusters.get(clusterId);
    if (current && current.cluster.version === cluster.version) return;
    current?.stop();
    this.clusters.delete(clusterId);
    try {
      this.clusters.set(clusterId, new ClusterRuns(cluster, this));
    } catch (error) {
      // An unusable kubeconfig must not break whoever published the run change (e.g. a submit).
      console.error(`berth: cannot follow the runs of cluster ${cluster.name}: ${describeKubeError(error).message}`);
    }
  }

  async keepRecord(run: RunRow): Promise<void> {
    if (run.clusterId === null) return;
    const followed = this.clusters.get(run.clusterId);
    if (followed) return followed.keepRecordNow(run);
    // Not followed (yet): the run's recorded pod names are enough to read events and logs.
    const cluster = getDb().select().from(clusters).where(eq(clusters.id, run.clusterId)).get();
    if (cluster) saveRecord(run.id, await finalRecord(cluster, run, []));
  }

  podsOf(runId: string): V1Pod[] {
    for (const cluster of this.clusters.values()) {
      const pods = cluster.podsOf(runId);
      if (pods.length) return pods;
    }
    return [];
  }

  watchStatus(clusterId: number): InformerStatus | null {
    return this.clusters.get(clusterId)?.status() ?? null;
  }

  watchStatuses(): ClusterWatchChange[] {
    return [...this.clusters.entries()].map(([clusterId, followed]) => {
      const { stale, staleSince, error } = followed.status();
      return { clusterId, stale, staleSince, error };
    });
  }

  subscribePods(runId: string, listener: PodListener): () => void {
    let listeners = this.podListeners.get(runId);
    if (!listeners) this.podListeners.set(runId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (!listeners.size) this.podListeners.delete(runId);
    };
  }

  podsChanged(runId: string, pods: V1Pod[]): void {
    for (const listener of this.podListeners.get(runId) ?? []) listener(pods);
  }

  runFinished(): void {
    this.retention.wake();
  }

  /** A quota of a namespace changed: its queued runs may fit now. */
  quotaChanged(cluster: Cluster, namespace: string): void {
    const queued = getDb()
      .select()
      .from(runs)
      .where(and(eq(runs.clusterId, cluster.id), eq(runs.namespace, namespace), inArray(runs.status, ["queued"])))
      .orderBy(runs.createdAt)
      .all();
    for (const run of queued) {
      if (this.retrying.has(run.id)) continue;
      this.retrying.add(run.id);
      // launchRun never throws: it records pending, still queued (with the quota's numbers) or failed.
      void launchRun(run).finally(() => this.retrying.delete(run.id));
    }
  }
}

const globalForReconciler = globalThis as unknown as { berthRunReconciler?: RunReconciler };

function reconciler(): RunReconciler {
  return (globalForReconciler.berthRunReconciler ??= new RunReconciler());
}

/** Starts the run reconciler once per server process: it follows every cluster that has live runs. */
export function ensureRunReconciler(): void {
  const instance = reconciler();
  if (instance.started) return;
  instance.started = true;
  instance.start();
}

/** Follows the runs of a cluster from now on (call after creating a run's pods there); idempotent. */
export function watchRunsOn(clusterId: number): void {
  reconciler().watch(clusterId);
}

/**
 * Keeps a live run's pod events and log tail in its row now: for abort, to call before deleting
 * the pods (a run that ends by itself keeps them without this). Never throws for cluster failures.
 */
export async function keepRunRecord(run: RunRow): Promise<void> {
  await reconciler().keepRecord(run);
}

/** The run's pods as the shared informer sees them (empty when not followed or gone). */
export function runPods(runId: string): V1Pod[] {
  return reconciler().podsOf(runId);
}

/** Whether Berth's watch of a cluster is current (null when it does not follow that cluster). */
export function clusterWatchStatus(clusterId: number): InformerStatus | null {
  return reconciler().watchStatus(clusterId);
}

/** The watch status of every cluster Berth follows runs on (for a page that opens while one is stale). */
export function clusterWatchStatuses(): ClusterWatchChange[] {
  return reconciler().watchStatuses();
}

/** Calls `listener` with the run's pods on every change of one of them, until the returned function is called. */
export function subscribeRunPods(runId: string, listener: (pods: V1Pod[]) => void): () => void {
  return reconciler().subscribePods(runId, listener);
}
