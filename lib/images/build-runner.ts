import "server-only";

import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { and, eq, isNull } from "drizzle-orm";

import { getDb } from "@/db";
import {
  baseImages,
  clusters,
  dockerHosts,
  imageBuilds,
  type Cluster,
  type DockerHost,
  type ImageBuildRow,
} from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { decryptSecret } from "@/lib/crypto/secret-box";
import { dockerHostConnection } from "@/lib/docker-hosts/queries";
import { buildAndPushImage, DockerBuildError } from "@/lib/docker/builds";
import { describeDockerError, type DockerConnection } from "@/lib/docker/connection";
import { isKubeCallError } from "@/lib/kube/errors";
import {
  buildPodState,
  createBuildJob,
  deleteBuildObjects,
  followBuildLog,
  jobPodRefusal,
  listBuildPods,
  readBuildJob,
  readBuildLog,
  watchedBuildPods,
} from "@/lib/kube/image-builds";
import { acquireInformer, type SharedInformer } from "@/lib/kube/informers";

import { publishBuildStatus } from "./build-events";
import { buildRefusalReason, isTransientRefusal } from "./build-refusal";
import {
  BUILD_LABEL,
  BUILD_NAMESPACE,
  buildExecutor,
  buildkitImage,
  buildNamespace,
  buildObjectNames,
  buildResources,
  findBuild,
  isFinished,
  kanikoImage,
  maxConcurrentBuilds,
  newBuildJobName,
  unfinishedBuilds,
} from "./builds";
import { dockerConfigSecrets, failureFromLog, redactSecrets, splitLines, stripAnsi, tailBytes } from "./logs";

/**
 * Build pods are followed through the cluster's shared pods informer: a pass runs on every change
 * of a build pod, and on every `FailedCreate` of a build Job seen by the shared Warning-events
 * informer (the Job controller's only trace of a pod the apiserver refused). The tick only starts
 * queued builds and looks at Jobs whose pod never came; it reads the database and the informers'
 * caches, not the cluster.
 */
const TICK_MS = 5000;
/** A Job whose pod has not appeared after this long is looked at (it may have been deleted). */
const POD_GRACE_MS = 15_000;
const EMPTY_DOCKER_CONFIG = '{"auths":{}}';

interface WatchedCluster {
  version: number;
  informer: SharedInformer<V1Pod>;
  warnings: SharedInformer<CoreV1Event>;
  stop(): void;
}

interface RunnerState {
  timer: NodeJS.Timeout | null;
  running: boolean;
  again: boolean;
  /** The pods informer held per cluster while it has started builds. */
  watched: Map<number, WatchedCluster>;
}

const globalForRunner = globalThis as unknown as { berthBuildRunner?: RunnerState };

/**
 * Starts this process's build runner once (idempotent): every second it starts queued builds
 * while their cluster has fewer than `maxConcurrentBuilds` running, and follows running ones to
 * their end. Also runs a pass at once, so a new build starts without waiting for the tick.
 */
export function ensureBuildRunner(): void {
  const state = (globalForRunner.berthBuildRunner ??= {
    timer: null,
    running: false,
    again: false,
    watched: new Map(),
  });
  if (!state.timer) {
    state.timer = setInterval(() => void runnerPass(state), TICK_MS);
    state.timer.unref();
  }
  void runnerPass(state);
}

/** Stops the runner (tests end their process cleanly with it). */
export function stopBuildRunner(): void {
  const state = globalForRunner.berthBuildRunner;
  if (state?.timer) clearInterval(state.timer);
  if (state) state.timer = null;
  for (const watched of state?.watched.values() ?? []) watched.stop();
  state?.watched.clear();
}

async function runnerPass(state: RunnerState): Promise<void> {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  try {
    do {
      state.again = false;
      await advanceBuilds(state);
    } while (state.again);
  } catch (error) {
    console.error("Build runner pass failed:", error instanceof Error ? error.message : error);
  } finally {
    state.running = false;
  }
}

/** The namespace a started build's objects are in (builds started before it was a setting: the default). */
const namespaceOf = (build: ImageBuildRow): string => build.namespace ?? BUILD_NAMESPACE;

function clusterOf(build: ImageBuildRow): Cluster | undefined {
  return build.clusterId === null
    ? undefined
    : getDb().select().from(clusters).where(eq(clusters.id, build.clusterId)).get();
}

/** The docker config JSON a build pushes with: its base image's registry credentials, or none. */
function dockerConfigOf(build: ImageBuildRow): string {
  if (build.baseImageId === null) return EMPTY_DOCKER_CONFIG;
  const encrypted = getDb()
    .select({ value: baseImages.registryCredentialsEncrypted })
    .from(baseImages)
    .where(eq(baseImages.id, build.baseImageId))
    .get()?.value;
  return encrypted ? decryptSecret(encrypted) : EMPTY_DOCKER_CONFIG;
}

/** The strings to redact from a build's log (its registry credentials). */
export function buildLogSecrets(build: ImageBuildRow): string[] {
  try {
    return dockerConfigSecrets(dockerConfigOf(build));
  } catch {
    return [];
  }
}

function update(buildId: number, values: Partial<typeof imageBuilds.$inferInsert>): void {
  getDb().update(imageBuilds).set(values).where(eq(imageBuilds.id, buildId)).run();
  if (values.status) publishBuildStatus({ id: buildId, status: values.status });
}

function cleanLog(build: ImageBuildRow, log: string): string {
  return tailBytes(redactSecrets(stripAnsi(log), buildLogSecrets(build)));
}

const isBuildJobRefusal = (event: CoreV1Event) =>
  event.reason === "FailedCreate" &&
  event.involvedObject?.kind === "Job" &&
  Boolean(event.involvedObject.name?.startsWith("berth-build-"));

/**
 * The cluster's pods and Warning-events informers, held while it has started builds; build pod
 * changes and refused build pods run a pass.
 */
function watchCluster(state: RunnerState, cluster: Cluster): WatchedCluster {
  const known = state.watched.get(cluster.id);
  if (known && known.version === cluster.version) return known;
  known?.stop();
  const pods = acquireInformer(cluster, "pods");
  const warnings = acquireInformer(cluster, "warning-events");
  const unsubscribePods = pods.informer.subscribe((event) => {
    if (event.type === "status" || event.object.metadata?.labels?.[BUILD_LABEL]) void runnerPass(state);
  });
  const unsubscribeWarnings = warnings.informer.subscribe((event) => {
    if (event.type !== "status" && event.type !== "delete" && isBuildJobRefusal(event.object)) void runnerPass(state);
  });
  const watched: WatchedCluster = {
    version: cluster.version,
    informer: pods.informer,
    warnings: warnings.informer,
    stop() {
      unsubscribePods();
      unsubscribeWarnings();
      pods.release();
      warnings.release();
    },
  };
  state.watched.set(cluster.id, watched);
  return watched;
}

function unwatchIdleClusters(state: RunnerState, busy: Set<number>): void {
  for (const [clusterId, watched] of state.watched) {
    if (busy.has(clusterId)) continue;
    watched.stop();
    state.watched.delete(clusterId);
  }
}

async function advanceBuilds(state: RunnerState): Promise<void> {
  const builds = unfinishedBuilds();
  const byCluster = new Map<number, ImageBuildRow[]>();
  advanceDockerHostBuilds(
    state,
    builds.filter((build) => build.dockerHostId !== null),
  );
  for (const build of builds) {
    if (build.dockerHostId !== null) continue;
    if (build.clusterId === null) {
      update(build.id, {
        status: "failed",
        reason: "The cluster that was to build this image was removed",
        finishedAt: new Date(),
      });
      continue;
    }
    byCluster.set(build.clusterId, [...(byCluster.get(build.clusterId) ?? []), build]);
  }
  const limit = maxConcurrentBuilds();
  for (const clusterBuilds of byCluster.values()) {
    const cluster = clusterOf(clusterBuilds[0]);
    if (!cluster) continue;
    const started = clusterBuilds.filter((build) => build.jobName !== null);
    try {
      if (started.length) await followStartedBuilds(cluster, watchCluster(state, cluster), started);
    } catch (error) {
      // An unreachable cluster: try again next pass, the builds stay as they are.
      if (!isKubeCallError(error, "call")) throw error;
    }
    const active = unfinishedBuilds().filter(
      (build) => build.clusterId === cluster.id && build.jobName !== null,
    ).length;
    const waiting = clusterBuilds.filter((build) => build.jobName === null);
    for (const build of waiting.slice(0, Math.max(0, limit - active))) {
      watchCluster(state, cluster);
      await startBuild(cluster, build);
    }
  }
  unwatchIdleClusters(
    state,
    new Set(
      unfinishedBuilds().flatMap((build) =>
        build.clusterId !== null && build.jobName !== null ? [build.clusterId] : [],
      ),
    ),
  );
}

async function startBuild(cluster: Cluster, build: ImageBuildRow): Promise<void> {
  const fresh = findBuild(build.id);
  if (!fresh || fresh.status !== "queued" || fresh.jobName) return;
  const names = buildObjectNames(newBuildJobName(build.id));
  const namespace = buildNamespace();
  const executor = buildExecutor();
  // Claim it before creating anything, so a cancel in between deletes what was made.
  update(build.id, { namespace, jobName: names.job, executor });
  try {
    await createBuildJob(cluster, {
      namespace,
      labels: { [BUILD_LABEL]: names.job },
      jobName: names.job,
      configMapName: names.configMap,
      secretName: names.secret,
      dockerfile: build.dockerfile,
      dockerConfigJson: dockerConfigOf(build),
      executor,
      executorImage: executor === "buildkit" ? buildkitImage() : kanikoImage(),
      resources: buildResources(),
      destination: build.image,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    update(build.id, {
      status: "failed",
      reason: `The build could not start on cluster ${cluster.name}: ${reason}`,
      finishedAt: new Date(),
    });
    await deleteBuildObjects(cluster, namespace, names).catch(() => undefined);
  }
}

async function followStartedBuilds(cluster: Cluster, watched: WatchedCluster, builds: ImageBuildRow[]): Promise<void> {
  const podsByNamespace = new Map<string, Map<string, V1Pod>>();
  for (const namespace of new Set(builds.map(namespaceOf)))
    podsByNamespace.set(namespace, await watchedBuildPods(watched.informer, namespace, BUILD_LABEL));
  for (const build of builds) {
    const namespace = namespaceOf(build);
    const pod = podsByNamespace.get(namespace)!.get(build.jobName!);
    if (!pod) {
      await checkJobWithoutPod(cluster, watched.warnings, build);
      continue;
    }
    const state = buildPodState(pod);
    if (state.phase === "running" && build.status === "queued")
      update(build.id, { status: "running", startedAt: new Date() });
    if (state.phase === "succeeded" || state.phase === "failed") {
      const log = cleanLog(build, await readBuildLog(cluster, namespace, pod));
      const finished = { logTail: log, finishedAt: new Date(), startedAt: build.startedAt ?? new Date() };
      // A cancel may have won the race; never overwrite a finished build.
      if (isFinished(findBuild(build.id)?.status ?? "cancelled")) continue;
      // Clean up first: a build shown as ended has left nothing behind in the cluster.
      await deleteBuildObjects(cluster, namespace, buildObjectNames(build.jobName!));
      if (state.phase === "succeeded") update(build.id, { ...finished, status: "pushed", digest: state.digest });
      else
        update(build.id, {
          ...finished,
          status: "failed",
          reason: failureFromLog(log) ?? `The build pod failed (${state.detail ?? "no reason given"})`,
        });
      if (state.phase === "succeeded") promoteIfNoCurrent(build.id);
    }
  }
}

/**
 * A started build without a pod: the apiserver refused the pod (the Job controller's FailedCreate
 * event says why; it retries for ever, so the build would wait for ever), the Job failed, or it was
 * deleted. A refusal that may heal by itself gets the grace period first.
 */
async function checkJobWithoutPod(
  cluster: Cluster,
  warnings: SharedInformer<CoreV1Event>,
  build: ImageBuildRow,
): Promise<void> {
  const claimedAt = build.startedAt ?? build.queuedAt;
  const inGrace = Date.now() - claimedAt.getTime() < POD_GRACE_MS;
  const refusal = jobPodRefusal(warnings.list(namespaceOf(build)), build.jobName!);
  if (refusal && (!inGrace || !isTransientRefusal(refusal.message))) {
    // A cancel may have won the race; never overwrite a finished build.
    if (isFinished(findBuild(build.id)?.status ?? "cancelled")) return;
    await deleteBuildObjects(cluster, namespaceOf(build), buildObjectNames(build.jobName!));
    const executor = build.executor === "buildkit" ? "buildkit" : "kaniko";
    update(build.id, {
      status: "failed",
      reason: buildRefusalReason(refusal.message, namespaceOf(build), executor),
      finishedAt: new Date(),
    });
    return;
  }
  if (inGrace) return;
  const job = await readBuildJob(cluster, namespaceOf(build), build.jobName!);
  const failedCondition = job?.status?.conditions?.find(
    (condition) => condition.type === "Failed" && condition.status === "True",
  );
  if (job && !failedCondition) return;
  const reason = job
    ? `The build Job failed: ${failedCondition?.message ?? failedCondition?.reason ?? "no pod ran"}`
    : "The build Job was deleted outside Berth";
  update(build.id, { status: "failed", reason, finishedAt: new Date() });
  await deleteBuildObjects(cluster, namespaceOf(build), buildObjectNames(build.jobName!));
}

// ── Builds on Docker hosts ────────────────────────────────────────────────────────────────────

/** A Docker host build running in this process: its last lines, how many there were in all, and whether it ended. */
interface DockerHostBuild {
  controller: AbortController;
  lines: string[];
  total: number;
  done: boolean;
}

/** Docker host builds running in this process, by build id. */
const dockerHostBuilds: Map<number, DockerHostBuild> = ((
  globalThis as unknown as { berthDockerHostBuilds?: Map<number, DockerHostBuild> }
).berthDockerHostBuilds ??= new Map());
/** Lines of a Docker host build's output kept in memory (the stored tail is cut to its size anyway). */
const DOCKER_BUILD_LINES = 2000;
/** How often a running Docker host build's log tail is stored, so its page shows progress. */
const DOCKER_LOG_FLUSH_MS = 1000;

/** True while this process runs the Docker host build. */
export function dockerBuildInFlight(buildId: number): boolean {
  return dockerHostBuilds.has(buildId);
}

/**
 * Docker host builds run in this process, through the engine's build API: up to
 * `maxConcurrentBuilds` per host at once, the rest wait queued. One that was running when the
 * console stopped lost its connection to the engine and is failed with that reason.
 */
function advanceDockerHostBuilds(state: RunnerState, builds: ImageBuildRow[]): void {
  const byHost = new Map<number, ImageBuildRow[]>();
  for (const build of builds) byHost.set(build.dockerHostId!, [...(byHost.get(build.dockerHostId!) ?? []), build]);
  const limit = maxConcurrentBuilds();
  for (const [hostId, hostBuilds] of byHost) {
    const host = getDb().select().from(dockerHosts).where(eq(dockerHosts.id, hostId)).get();
    for (const build of hostBuilds) {
      if (build.status !== "running" || dockerHostBuilds.has(build.id)) continue;
      update(build.id, {
        status: "failed",
        reason: "The console stopped while this build ran on its Docker host: start the build again",
        finishedAt: new Date(),
      });
    }
    if (!host) continue;
    const running = hostBuilds.filter((build) => dockerHostBuilds.has(build.id)).length;
    const waiting = hostBuilds.filter((build) => build.status === "queued" && !dockerHostBuilds.has(build.id));
    for (const build of waiting.slice(0, Math.max(0, limit - running))) startDockerHostBuild(state, host, build);
  }
}

function startDockerHostBuild(state: RunnerState, host: DockerHost, build: ImageBuildRow): void {
  const entry: DockerHostBuild = { controller: new AbortController(), lines: [], total: 0, done: false };
  dockerHostBuilds.set(build.id, entry);
  update(build.id, { status: "running", executor: "docker", startedAt: new Date() });
  let unsaved = false;
  const stillRunning = () => !isFinished(findBuild(build.id)?.status ?? "cancelled");
  const logTail = () => cleanLog(build, entry.lines.join("\n"));
  const flush = setInterval(() => {
    if (!unsaved || !stillRunning()) return;
    unsaved = false;
    getDb().update(imageBuilds).set({ logTail: logTail() }).where(eq(imageBuilds.id, build.id)).run();
  }, DOCKER_LOG_FLUSH_MS);
  flush.unref();
  const finish = (values: Partial<typeof imageBuilds.$inferInsert>): boolean => {
    // A cancel may have won the race; never overwrite a finished build.
    if (!stillRunning()) return false;
    update(build.id, { ...values, logTail: logTail(), finishedAt: new Date() });
    return true;
  };
  let connection: DockerConnection;
  try {
    connection = dockerHostConnection(host);
  } catch {
    clearInterval(flush);
    dockerHostBuilds.delete(build.id);
    finish({
      status: "failed",
      reason: `The TLS settings of Docker host ${host.name} cannot be read: attach it again`,
    });
    return;
  }
  void buildAndPushImage(connection, {
    dockerfile: build.dockerfile,
    image: build.image,
    dockerConfigJson: dockerConfigOf(build),
    signal: entry.controller.signal,
    onProgress: (line) => {
      entry.lines.push(line);
      entry.total += 1;
      if (entry.lines.length > DOCKER_BUILD_LINES) entry.lines.splice(0, entry.lines.length - DOCKER_BUILD_LINES);
      unsaved = true;
    },
  })
    .then(
      (result) => {
        if (finish({ status: "pushed", digest: result.digest })) promoteIfNoCurrent(build.id);
      },
      (error: unknown) => {
        const message =
          error instanceof DockerBuildError
            ? error.message
            : `Docker host ${host.name}: ${describeDockerError(error).message}`;
        finish({ status: "failed", reason: redactSecrets(message, buildLogSecrets(build)) });
      },
    )
    .finally(() => {
      clearInterval(flush);
      entry.done = true;
      dockerHostBuilds.delete(build.id);
      // A slot on the host is free: start the next queued build.
      void runnerPass(state);
    });
}

/** A base image's first successful build becomes its current revision. */
function promoteIfNoCurrent(buildId: number): void {
  const build = findBuild(buildId);
  if (!build || build.kind !== "base-image" || build.baseImageId === null) return;
  getDb()
    .update(baseImages)
    .set({ currentBuildId: build.id })
    .where(and(eq(baseImages.id, build.baseImageId), isNull(baseImages.currentBuildId)))
    .run();
}

/**
 * Cancels a queued or running build: deletes its Job (and the pod with it), ConfigMap and
 * Secret, keeps what the log had so far. A finished build is a 409.
 */
export async function cancelBuild(buildId: number): Promise<ImageBuildRow> {
  const build = findBuild(buildId);
  if (!build) throw new DomainError(404, `Build ${buildId} not found`);
  if (isFinished(build.status)) throw new DomainError(409, `Build ${buildId} has already ended (${build.status})`);
  const cluster = clusterOf(build);
  let logTail = build.logTail;
  if (cluster && build.jobName) {
    try {
      const pod = await podOf(cluster, build);
      // The log is kept when it can be read; a log the cluster cannot serve must not stop the cancel.
      if (pod?.metadata?.name)
        logTail = await readBuildLog(cluster, namespaceOf(build), pod).then(
          (log) => cleanLog(build, log),
          () => logTail,
        );
      await deleteBuildObjects(cluster, namespaceOf(build), buildObjectNames(build.jobName));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new DomainError(503, `The build could not be cancelled: ${message}`);
    }
  }
  // A Docker host build runs in this process: aborting it ends its requests to the engine.
  dockerHostBuilds.get(build.id)?.controller.abort();
  update(build.id, { status: "cancelled", finishedAt: new Date(), logTail, reason: "Cancelled" });
  return findBuild(build.id)!;
}

/**
 * A build's log as lines (redacted, without colour codes). With `follow`, it waits for the pod
 * to start and streams lines as the pod writes them, until the build ends or `signal` aborts;
 * without, it returns what there is now. From the pod while it exists, else from the kept tail.
 */
export async function* buildLogStream(
  buildId: number,
  options: { follow: boolean; signal: AbortSignal },
): AsyncGenerator<string> {
  const { follow, signal } = options;
  let build = findBuild(buildId);
  if (!build) return;
  const secrets = buildLogSecrets(build);
  const clean = (line: string) => redactSecrets(stripAnsi(line), secrets);
  const cluster = clusterOf(build);
  const onDockerHost = dockerHostBuilds.get(buildId);
  if (onDockerHost && follow) {
    yield* followDockerHostBuild(onDockerHost, signal, clean);
    return;
  }
  let sent = false;
  while (!signal.aborted && build) {
    const pod = cluster && build.jobName && !isFinished(build.status) ? await podOf(cluster, build) : undefined;
    if (pod && buildPodState(pod).phase !== "waiting") {
      if (!follow) {
        yield* (await readBuildLog(cluster!, namespaceOf(build), pod)).split("\n").filter(Boolean).map(clean);
        return;
      }
      yield* followLines(cluster!, namespaceOf(build), pod, signal, clean);
      sent = true;
      return;
    }
    if (isFinished(build.status) || !follow) {
      if (!sent) yield* (build.logTail ?? "").split("\n").filter(Boolean).map(clean);
      return;
    }
    await sleep(500, signal);
    build = findBuild(buildId);
  }
}

/** The lines of a Docker host build running in this process as they come, until it ends. */
async function* followDockerHostBuild(
  entry: DockerHostBuild,
  signal: AbortSignal,
  clean: (line: string) => string,
): AsyncGenerator<string> {
  let sent = 0;
  for (;;) {
    // Read before the lines: no line comes after the end, so none is missed.
    const ended = entry.done;
    // Lines older than the kept ones were dropped from memory: skip to the oldest kept.
    const unsent = entry.lines.slice(Math.max(0, entry.lines.length - (entry.total - sent)));
    sent = entry.total;
    for (const line of unsent) yield clean(line);
    if (ended || signal.aborted) return;
    await sleep(250, signal);
  }
}

/** The pod of a started build, found by its Job name (the value of its build label). */
async function podOf(cluster: Cluster, build: ImageBuildRow) {
  try {
    return (await listBuildPods(cluster, namespaceOf(build), BUILD_LABEL)).get(build.jobName!);
  } catch {
    return undefined;
  }
}

/** Turns the callback-driven log follow into an async sequence of whole lines. */
async function* followLines(
  cluster: Cluster,
  namespace: string,
  pod: V1Pod,
  signal: AbortSignal,
  clean: (line: string) => string,
): AsyncGenerator<string> {
  const queue: string[] = [];
  let pending = "";
  let done = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const follow = followBuildLog(
    cluster,
    namespace,
    pod,
    (chunk) => {
      const { lines, rest } = splitLines(pending, chunk);
      pending = rest;
      queue.push(...lines);
      notify();
    },
    signal,
  )
    .catch(() => undefined)
    .finally(() => {
      done = true;
      notify();
    });
  while (true) {
    while (queue.length) yield clean(queue.shift()!);
    if (done) break;
    await new Promise<void>((resolve) => (wake = resolve));
  }
  if (pending) yield clean(pending);
  await follow;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
