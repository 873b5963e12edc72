import "server-only";

import { and, eq, inArray } from "drizzle-orm";

import { getDb } from "@/db";
import { dockerHosts, runs, type DockerHost, type RunRow } from "@/db/schema";
import type { MutationContext } from "@/lib/actions/mutation";
import { DomainError } from "@/lib/actions/result";
import { codeEnvImageFor } from "@/lib/code-envs/queries";
import { watchDockerHostEvents } from "@/lib/docker-hosts/events";
import { dockerHostConnection } from "@/lib/docker-hosts/queries";
import { describeDockerError, DockerCallError, dockerClient } from "@/lib/docker/connection";
import { containerCreateBody, type DockerContainerInput } from "@/lib/docker/container-body";
import {
  containerLogs,
  createAndStartContainer,
  ImagePullError,
  inspectContainer,
  killAndRemoveContainer,
  listContainersByLabels,
  readContainerLogs,
  type ContainerEventStream,
  type ContainerState,
} from "@/lib/docker/containers";
import { PodBuildError, RunEnvError } from "@/lib/execution-configs/pod";
import { executionConfigBody, findExecutionConfig } from "@/lib/execution-configs/queries";
import { BaseImageUnavailable, withBaseImageResolved } from "@/lib/images/base-image-resolve";
import { splitLines } from "@/lib/images/logs";
import { BERTH_LABELS } from "@/lib/kube/labels";
import { can, mayUse, type Actor } from "@/lib/permissions";
import { findOverride, findProject } from "@/lib/projects/queries";
import { isSparkActivity } from "@/lib/resolution/activities";
import { findInCatalog, loadCatalog } from "@/lib/resolution/catalog";
import { describeOrigin, resolveEffectiveConfig, type EffectiveValue } from "@/lib/resolution/resolve";
import { getInstanceDefaults } from "@/lib/settings/queries";

import { BERTH_CONTAINERS, dockerRunInput, dockerRunStatus, type DockerRunConfig } from "./docker-objects";
import { publishRunChange, runChangeOf } from "./events";
import { newRunId } from "./ids";
import { defaultRunName } from "./names";
import type { RunIdentity } from "./objects";
import { findRun } from "./queries";
import type { EffectiveChoice, RunView, SubmitRunInput } from "./schema";
import { appendTransition, isFinalRunStatus, type DerivedRunStatus } from "./status";
import { toRunView, type StoredRunRequest } from "./views";

/**
 * Runs on Docker hosts: an execution config with engine `docker` runs the run as one container on
 * its Docker host instead of a pod. The engine is the source of truth, as a cluster is for pods:
 * statuses come from its events stream (one subscription per host) and inspect, never from polling.
 */

/** The workload of a run on a Docker host. */
export const DOCKER_WORKLOAD = "docker-container" as const;
const RUN_OBJECT_TYPE = "run";
/** How much of a finished container's log the run keeps. */
const LOG_TAIL_LINES = 2000;

/** Whether a run runs on a Docker host rather than a cluster. */
export function isDockerRun(run: Pick<RunRow, "workload">): boolean {
  return run.workload === DOCKER_WORKLOAD;
}

function findDockerHost(id: number | null): DockerHost | undefined {
  return id === null ? undefined : getDb().select().from(dockerHosts).where(eq(dockerHosts.id, id)).get();
}

/** Whether a container's labels say Berth made it (the host's events cover every container). */
function isBerthContainer(labels: Record<string, string>): boolean {
  return Object.entries(BERTH_CONTAINERS).every(([key, value]) => labels[key] === value);
}

function clientOf(host: DockerHost) {
  return dockerClient(dockerHostConnection(host));
}

/** What `runs.resolution` holds for a run on a Docker host. */
interface StoredDockerResolution {
  executionConfig: EffectiveChoice;
  cluster: EffectiveChoice;
  image: string;
  createNamespace: false;
  /** The container as created (re-created from this when a run is launched again after a restart). */
  container: DockerContainerInput;
}

function containerInputOf(run: RunRow): DockerContainerInput | null {
  return (run.resolution as Partial<StoredDockerResolution>).container ?? null;
}

function choiceOf(effective: EffectiveValue): EffectiveChoice {
  return { value: effective.value, origin: effective.origin, from: describeOrigin(effective) };
}

function refusedWho(actor: Actor): string {
  if (actor.groups.length === 0) return `user ${actor.username} (in no group)`;
  return `${actor.groups.length === 1 ? "group" : "groups"} ${actor.groups.join(", ")}`;
}

/**
 * `submitRun` for a run whose effective execution config has engine `docker`: the same
 * resolution, "usable by" and env rules as pods, then `dockerHosts.use` on the config's host.
 * Records the run (audited) and starts its container. Null when the run does not go to a Docker
 * host (Spark, no config, a Kubernetes config): the pod path decides then.
 */
export async function submitOnDockerHost(input: SubmitRunInput, ctx: MutationContext): Promise<RunView | null> {
  if (isSparkActivity(input.activity)) return null;
  const project = findProject(input.project);
  if (!project) return null;
  const catalog = loadCatalog();
  const perRun = input.executionConfig ? findInCatalog(catalog.executionConfigs, input.executionConfig) : undefined;
  if (input.executionConfig && !perRun) return null;
  const objectRow = input.object ? findOverride(project.id, input.object) : undefined;
  const resolution = resolveEffectiveConfig({
    instance: getInstanceDefaults(),
    project,
    override: objectRow
      ? {
          executionConfigId: objectRow.executionConfigId,
          sparkConfigId: objectRow.sparkConfigId,
          clusterId: objectRow.clusterId,
        }
      : null,
    run: { executionConfigId: perRun?.id ?? null, sparkConfigId: null, clusterId: null },
    activity: input.activity,
    actor: { ...ctx.actor, role: "admin" },
    ...catalog,
  });
  const configName = resolution.executionConfig.value;
  if (resolution.executionConfig.error || !configName) return null;
  const facts = findInCatalog(catalog.executionConfigs, configName);
  const row = facts ? findExecutionConfig(facts.id) : undefined;
  if (!facts || !row || row.engine !== "docker") return null;

  if (!mayUse(ctx.actor, facts.usableBy))
    throw new DomainError(403, `${refusedWho(ctx.actor)} may not use config ${facts.name}`);
  const host = findDockerHost(row.dockerHostId ?? null);
  if (!host) {
    const message = `Execution config ${row.name} runs on Docker but names no Docker host`;
    throw new DomainError(422, message, { executionConfig: [message] });
  }
  if (!can(ctx.actor, "dockerHosts.use", { dockerHost: host.id }))
    throw new DomainError(403, `${refusedWho(ctx.actor)} may not use Docker host ${host.name}`);
  const envImage = input.codeEnv ? codeEnvImageFor(input.codeEnv, "execution", row.name).image : undefined;

  const identity: RunIdentity = {
    runId: newRunId(),
    user: ctx.actor.username,
    project: project.key,
    group: ctx.actor.groups[0],
    activity: input.activity,
  };
  let container: DockerContainerInput;
  try {
    const config = withBaseImageResolved({ ...executionConfigBody(row), version: row.version }) as DockerRunConfig;
    container = dockerRunInput(config, identity, {
      command: input.command,
      script: input.script,
      env: input.env,
      image: envImage,
      resolutionSummary: "",
    });
  } catch (error) {
    if (error instanceof RunEnvError) throw new DomainError(422, error.message, { env: error.problems });
    if (error instanceof BaseImageUnavailable || error instanceof PodBuildError) {
      const message = `Execution config ${row.name} cannot run: ${error.message}`;
      throw new DomainError(422, message, { executionConfig: [message] });
    }
    throw error;
  }
  if (!container.command.length)
    throw new DomainError(422, "Give a command or a script to run", { script: ["Give a command or a script to run"] });

  const request: StoredRunRequest = {
    ...(input.command ? { command: input.command } : {}),
    ...(input.script ? { script: input.script } : {}),
    ...(input.env ? { env: input.env } : {}),
    ...(input.codeEnv ? { codeEnv: input.codeEnv } : {}),
    ...(input.executionConfig ? { executionConfig: input.executionConfig } : {}),
  };
  const notUsed: EffectiveChoice = {
    value: null,
    origin: null,
    from: `not used: the run goes to Docker host ${host.name}`,
  };
  const resolutionStored: StoredDockerResolution = {
    executionConfig: choiceOf(resolution.executionConfig),
    cluster: notUsed,
    image: container.image,
    createNamespace: false,
    container,
  };
  const now = new Date();
  const inserted = ctx.write((tx) => {
    const saved = tx
      .insert(runs)
      .values({
        id: identity.runId,
        projectId: project.id,
        project: project.key,
        userId: ctx.actor.id,
        username: ctx.actor.username,
        activity: input.activity,
        name: input.name ?? defaultRunName(input),
        object: input.object ?? null,
        clusterId: null,
        cluster: "",
        executionConfig: row.name,
        sparkConfig: null,
        codeEnv: input.codeEnv ?? null,
        namespace: "",
        workload: DOCKER_WORKLOAD,
        dockerHostId: host.id,
        dockerHost: host.name,
        request: { ...request },
        resolution: { ...resolutionStored },
        warnings: [],
        gpus: container.gpus ? (container.gpus.count === "all" ? 0 : container.gpus.count) : 0,
        status: "queued",
        pods: [],
        containers: [],
        timeline: [{ status: "queued", at: now.toISOString() }],
        createdAt: now,
      })
      .returning()
      .get();
    return {
      result: saved,
      audit: {
        objectType: RUN_OBJECT_TYPE,
        objectId: saved.id,
        objectName: `${project.key} ${input.activity}`,
        after: {
          name: saved.name,
          ...(input.object ? { object: input.object } : {}),
          ...request,
          executionConfig: row.name,
          dockerHost: host.name,
          image: container.image,
          workload: DOCKER_WORKLOAD,
        },
      },
    };
  });
  publishRunChange(runChangeOf(inserted));
  return toRunView(await launchDockerRun(inserted));
}

/** Saves a change of a run that is not final yet (a final run keeps what it has), announcing it. */
function saveRunChange(runId: string, change: Partial<RunRow>, onlyFrom?: RunRow["status"][]): RunRow | undefined {
  const current = findRun(runId);
  if (!current || isFinalRunStatus(current.status)) return current;
  if (onlyFrom && !onlyFrom.includes(current.status)) return current;
  const status = change.status ?? current.status;
  const timeline =
    status === current.status
      ? current.timeline
      : appendTransition(current.timeline, { status, at: new Date(), reason: change.reason ?? null });
  const saved = getDb()
    .update(runs)
    .set({ ...change, timeline })
    .where(and(eq(runs.id, runId), eq(runs.status, current.status)))
    .returning()
    .get();
  if (saved) publishRunChange(runChangeOf(saved));
  return saved ?? findRun(runId);
}

/**
 * Creates and starts a queued run's container on its Docker host (subscribed to the host's
 * events first, so no change is missed), then records it running or already ended. An image
 * that cannot be pulled, an engine that refuses or cannot be reached: failed with its words.
 * Never throws.
 */
export async function launchDockerRun(queued: RunRow): Promise<RunRow> {
  const row = findRun(queued.id) ?? queued;
  if (row.status !== "queued") return row;
  const host = findDockerHost(row.dockerHostId);
  const input = containerInputOf(row);
  const fail = (reason: string) =>
    saveRunChange(row.id, { status: "failed", reason, finishedAt: new Date() }, ["queued", "pending"]) ?? row;
  if (!host) return fail(`Docker host ${row.dockerHost ?? "of the run"} was removed`);
  if (!input) return fail("The run has no recorded container to create");
  try {
    await dockerRunWatcher().watch(host);
    const client = clientOf(host);
    // After a restart the container may exist already: never start a run twice.
    const existing = await listContainersByLabels(client, { [BERTH_LABELS.run]: input.labels[BERTH_LABELS.run] });
    const id =
      existing[0]?.id ??
      (await createAndStartContainer(client, containerCreateBody(input), { name: `berth-${row.id}` }));
    saveRunChange(row.id, { status: "pending", reason: null, containers: [id] }, ["queued"]);
    await refreshDockerRun(row.id, host, id);
    return findRun(row.id) ?? row;
  } catch (error) {
    if (error instanceof ImagePullError) return fail(error.message);
    const failure = error instanceof DockerCallError ? error.failure : describeDockerError(error);
    return fail(`Docker host ${host.name} did not start the container: ${failure.message}`);
  }
}

// Runs being aborted: the kill's own events must not record them as failed or lost meanwhile.
const aborting = ((globalThis as unknown as { berthDockerAborting?: Set<string> }).berthDockerAborting ??= new Set());

/**
 * Reads a run's container from the engine and records what it means. A container that ended
 * keeps its log tail in the run; one that is gone while the run was live makes it lost.
 */
export async function refreshDockerRun(runId: string, host: DockerHost, containerId: string): Promise<void> {
  if (aborting.has(runId)) return;
  const run = findRun(runId);
  if (!run || isFinalRunStatus(run.status)) return;
  const client = clientOf(host);
  const state: ContainerState | null = await inspectContainer(client, containerId);
  if (aborting.has(runId)) return;
  if (!state) {
    if (run.status === "queued") return;
    saveRunChange(runId, {
      status: "lost",
      reason: `The container was removed from Docker host ${host.name} outside Berth`,
      finishedAt: new Date(),
    });
    return;
  }
  const derived: DerivedRunStatus = dockerRunStatus(state, containerInputOf(run)?.memoryBytes);
  const change: Partial<RunRow> = {
    status: derived.status,
    reason: derived.reason,
    exitCode: derived.exitCode,
    containers: run.containers.includes(state.id) ? run.containers : [...run.containers, state.id],
    ...(derived.startedAt && !run.startedAt ? { startedAt: derived.startedAt } : {}),
  };
  if (isFinalRunStatus(derived.status)) {
    change.finishedAt = derived.finishedAt ?? new Date();
    change.logTail = await readContainerLogs(client, containerId, LOG_TAIL_LINES).catch(() => run.logTail);
  }
  const unchanged =
    change.status === run.status &&
    change.reason === run.reason &&
    change.exitCode === run.exitCode &&
    change.containers === run.containers &&
    !change.startedAt;
  if (!unchanged) saveRunChange(runId, change);
}

const RESUBSCRIBE_MS = 5_000;

/**
 * One events subscription per Docker host that has live runs (the Docker side of "one informer
 * per cluster"): each event of a Berth container refreshes its run from inspect. When the stream
 * breaks it is opened again and every live run of the host is read once, for what was missed.
 */
class DockerRunWatcher {
  private readonly streams = new Map<number, Promise<ContainerEventStream>>();

  watch(host: DockerHost): Promise<ContainerEventStream> {
    let stream = this.streams.get(host.id);
    if (!stream) {
      stream = this.subscribe(host);
      this.streams.set(host.id, stream);
      stream.catch(() => this.streams.delete(host.id));
    }
    return stream;
  }

  private subscribe(host: DockerHost): Promise<ContainerEventStream> {
    return watchDockerHostEvents(
      host,
      (event) => {
        const runId = event.labels[BERTH_LABELS.run];
        if (!runId || !isBerthContainer(event.labels)) return;
        void refreshDockerRun(runId, host, event.id).catch((error: unknown) =>
          console.warn(`berth: run ${runId} on Docker host ${host.name}: ${describeDockerError(error).message}`),
        );
      },
      () => {
        this.streams.delete(host.id);
        // The engine closed the stream (restart, network): open it again, then catch up.
        setTimeout(() => void this.resume(host.id), RESUBSCRIBE_MS).unref?.();
      },
    );
  }

  private async resume(hostId: number): Promise<void> {
    const host = findDockerHost(hostId);
    if (!host || !liveDockerRuns(hostId).length) return;
    try {
      await this.watch(host);
      await reconcileDockerHost(host);
    } catch {
      setTimeout(() => void this.resume(hostId), RESUBSCRIBE_MS).unref?.();
    }
  }

  close(): void {
    for (const stream of this.streams.values()) void stream.then((open) => open.close()).catch(() => undefined);
    this.streams.clear();
  }
}

const globalForWatcher = globalThis as unknown as { berthDockerRunWatcher?: DockerRunWatcher };
function dockerRunWatcher(): DockerRunWatcher {
  return (globalForWatcher.berthDockerRunWatcher ??= new DockerRunWatcher());
}

function liveDockerRuns(hostId?: number): RunRow[] {
  const live = and(eq(runs.workload, DOCKER_WORKLOAD), inArray(runs.status, ["queued", "pending", "running"]));
  return getDb()
    .select()
    .from(runs)
    .where(hostId === undefined ? live : and(live, eq(runs.dockerHostId, hostId)))
    .all();
}

/** Reads every live run of a host from the engine once: its container by Berth's run label. */
async function reconcileDockerHost(host: DockerHost): Promise<void> {
  const client = clientOf(host);
  for (const run of liveDockerRuns(host.id)) {
    if (run.status === "queued") {
      await launchDockerRun(run);
      continue;
    }
    const found = await listContainersByLabels(client, { [BERTH_LABELS.run]: run.id });
    const id = found[0]?.id ?? run.containers[0];
    if (id) await refreshDockerRun(run.id, host, id);
    else
      saveRunChange(run.id, {
        status: "lost",
        reason: `The container is no longer on Docker host ${host.name}`,
        finishedAt: new Date(),
      });
  }
}

/**
 * After a console restart: follows every Docker host with live runs again and reconciles those
 * runs from the engine by Berth's labels (ended meanwhile, still running, or gone). A host that
 * cannot be reached is tried again later; its runs keep their last known status meanwhile.
 */
export async function reconcileDockerRuns(): Promise<void> {
  const hostIds = [
    ...new Set(
      liveDockerRuns()
        .map((run) => run.dockerHostId)
        .filter((id): id is number => id !== null),
    ),
  ];
  for (const run of liveDockerRuns().filter(
    (candidate) => candidate.dockerHostId === null || !findDockerHost(candidate.dockerHostId),
  )) {
    saveRunChange(run.id, {
      status: "lost",
      reason: `Docker host ${run.dockerHost ?? "of the run"} was removed`,
      finishedAt: new Date(),
    });
  }
  for (const hostId of hostIds) {
    const host = findDockerHost(hostId);
    if (!host) continue;
    try {
      await dockerRunWatcher().watch(host);
      await reconcileDockerHost(host);
    } catch (error) {
      console.warn(
        `berth: runs on Docker host ${host.name} could not be reconciled: ${describeDockerError(error).message}`,
      );
      setTimeout(() => void reconcileDockerRuns(), RESUBSCRIBE_MS * 12).unref?.();
    }
  }
}

/** Stops every events subscription (tests, shutdown). */
export function stopDockerRunWatches(): void {
  dockerRunWatcher().close();
}

/**
 * Kills and removes a run's containers for an abort (after keeping the end of its log), and
 * returns once the engine confirms they are gone. An unreachable host is a 503: the run is not
 * recorded as aborted while its container may still run.
 */
export async function abortDockerContainers(run: RunRow): Promise<void> {
  const host = findDockerHost(run.dockerHostId);
  if (!host) return;
  aborting.add(run.id);
  try {
    const client = clientOf(host);
    const found = await listContainersByLabels(client, { [BERTH_LABELS.run]: run.id });
    const ids = [...new Set([...run.containers, ...found.map((container) => container.id)])];
    if (ids[0]) {
      const tail = await readContainerLogs(client, ids[0], LOG_TAIL_LINES).catch(() => null);
      if (tail) getDb().update(runs).set({ logTail: tail }).where(eq(runs.id, run.id)).run();
    }
    for (const id of ids) await killAndRemoveContainer(client, id);
  } catch (error) {
    const failure = error instanceof DockerCallError ? error.failure : describeDockerError(error);
    throw new DomainError(
      failure.status === 503 ? 503 : 502,
      `Run ${run.id} was not aborted: Docker host ${host.name} answered: ${failure.message}`,
    );
  } finally {
    // The abort's write follows at once; later events find the run final.
    setTimeout(() => aborting.delete(run.id), 0);
  }
}

/** Removes a finished run's containers for retention; a container already gone is fine. */
export async function removeDockerContainers(run: RunRow): Promise<void> {
  const host = findDockerHost(run.dockerHostId);
  if (!host) return;
  const client = clientOf(host);
  const found = await listContainersByLabels(client, { [BERTH_LABELS.run]: run.id });
  for (const id of new Set([...run.containers, ...found.map((container) => container.id)]))
    await killAndRemoveContainer(client, id);
}

/**
 * A Docker run's log as lines: while it runs and `follow` is set, the container's output as it
 * is written; otherwise what the container has (or the kept tail once it is removed).
 */
export async function* dockerRunLogLines(
  run: RunRow,
  options: { follow: boolean; signal: AbortSignal },
): AsyncGenerator<string> {
  const host = findDockerHost(run.dockerHostId);
  const id = run.containers[0];
  const kept = () => (findRun(run.id)?.logTail ?? run.logTail ?? "").split("\n").filter(Boolean);
  if (!host || !id || run.cleanedUpAt) {
    yield* kept();
    return;
  }
  const client = clientOf(host);
  if (!options.follow || isFinalRunStatus(run.status)) {
    const text = await readContainerLogs(client, id).catch(() => null);
    yield* text === null ? kept() : text.split("\n").filter(Boolean);
    return;
  }
  let stream;
  try {
    stream = await containerLogs(client, id, { follow: true, signal: options.signal });
  } catch {
    yield* kept();
    return;
  }
  let pending = "";
  for await (const chunk of stream) {
    const { lines, rest } = splitLines(pending, (chunk as Buffer).toString("utf8"));
    pending = rest;
    yield* lines;
  }
  if (pending) yield pending;
}
