import "server-only";

import { and, eq } from "drizzle-orm";

import { getDb } from "@/db";
import { runs, type Cluster, type Project, type RunRow, type RunWorkload, type UsableBy } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { DomainError } from "@/lib/actions/result";
import { findCluster } from "@/lib/clusters/queries";
import { unhandledNamespaceRefusal } from "@/lib/clusters/spark-operator-namespaces";
import { codeEnvImageFor } from "@/lib/code-envs/queries";
import { PodBuildError, RunEnvError } from "@/lib/execution-configs/pod";
import { executionConfigBody, findExecutionConfig } from "@/lib/execution-configs/queries";
import { runEnvProblems } from "@/lib/execution-configs/reserved-env";
import { BaseImageUnavailable, withBaseImageResolved } from "@/lib/images/base-image-resolve";
import { describeKubeError, KubeCallError, type KubeFailure } from "@/lib/kube/errors";
import { resolveImage } from "@/lib/kube/pod-builder";
import { formatQuotaRefusal } from "@/lib/kube/quota-refusal";
import { createRunObjects, deleteRunObjects, sparkOperatorInstalled } from "@/lib/kube/run-workloads";
import { ensureNamespace } from "@/lib/namespace-policies/apply";
import { can, mayUse, type Actor } from "@/lib/permissions";
import { findOverride, findProject } from "@/lib/projects/queries";
import { isSparkActivity, type ActivityType } from "@/lib/resolution/activities";
import { findInCatalog, KIND_WORDS, loadCatalog, type Catalog, type CatalogKind } from "@/lib/resolution/catalog";
import {
  blockingError,
  describeOrigin,
  resolveEffectiveConfig,
  type EffectiveValue,
  type ObjectOverride,
  type Resolution,
} from "@/lib/resolution/resolve";
import { getInstanceDefaults } from "@/lib/settings/queries";
import { sparkImage, sparkNamespace } from "@/lib/spark-configs/builders";
import { findSparkConfig, sparkConfigBody } from "@/lib/spark-configs/queries";
import type { FieldErrors } from "@/lib/validation";

import { refuseNeverFits } from "./admission";
import { cannotStartHelp, cannotStartWords } from "./cannot-start";
import { submitOnDockerHost } from "./docker";
import { publishRunChange, runChangeOf } from "./events";
import { newRunId } from "./ids";
import { defaultRunName } from "./names";
import {
  configGpus,
  podRunObjects,
  sparkApplicationRunObjects,
  sparkDriverRunObjects,
  type RunIdentity,
  type RunPayload,
} from "./objects";
import { findRun } from "./queries";
import { submitRunSchema, type EffectiveChoice, type SubmitRunInput } from "./schema";
import { appendTransition } from "./status";
import { runObjectsOf, toRunView, type RunObjects, type StoredRunRequest, type StoredRunResolution } from "./views";
import { runWarnings } from "./warnings";

export const RUN_OBJECT_TYPE = "run";

/** The project a run is submitted to; an unknown one is a 422 on `project`. */
function projectOr422(ref: string | number): Project {
  const project = findProject(ref);
  if (!project) throw new DomainError(422, `No project "${ref}"`, { project: [`No project "${ref}"`] });
  return project;
}

/** "group ml", "groups ml, sales", or "user bob (in no group)": who is refused, for 403 messages. */
export function refusedWho(actor: Actor): string {
  if (actor.groups.length === 0) return `user ${actor.username} (in no group)`;
  return `${actor.groups.length === 1 ? "group" : "groups"} ${actor.groups.join(", ")}`;
}

/** The per-run choices as the resolver's run level (ids); unknown names are 422s on their fields. */
function runChoices(input: SubmitRunInput, catalog: Catalog): ObjectOverride {
  const fieldErrors: FieldErrors = {};
  const pick = (kind: CatalogKind, field: "executionConfig" | "sparkConfig" | "cluster"): number | null => {
    const name = input[field];
    if (!name) return null;
    const found = findInCatalog(catalog[kind], name);
    if (!found) fieldErrors[field] = [`No ${KIND_WORDS[kind]} named "${name}"`];
    return found?.id ?? null;
  };
  const override = {
    executionConfigId: pick("executionConfigs", "executionConfig"),
    sparkConfigId: pick("sparkConfigs", "sparkConfig"),
    clusterId: pick("clusters", "cluster"),
  };
  if (Object.keys(fieldErrors).length) throw new DomainError(422, "Some choices do not exist", fieldErrors);
  return override;
}

/** The object's override as the resolver takes it; an object without one inherits everything. */
function objectOverride(project: Project, objectId: string | undefined): ObjectOverride | null {
  const row = objectId ? findOverride(project.id, objectId) : undefined;
  return row
    ? { executionConfigId: row.executionConfigId, sparkConfigId: row.sparkConfigId, clusterId: row.clusterId }
    : null;
}

/** Where a value came from in words, naming the object whose override set it. */
function originWords(effective: EffectiveValue, objectId: string | undefined): string {
  const words = describeOrigin(effective);
  return effective.origin === "object" && objectId
    ? words.replace("object override", `override of ${objectId}`)
    : words;
}

/** An effective value as stored on the run, with its origin (run, object, project or instance). */
function choiceOf(effective: EffectiveValue, objectId: string | undefined): EffectiveChoice {
  return { value: effective.value, origin: effective.origin, from: originWords(effective, objectId) };
}

function summaryOf(resolution: Resolution, spark: boolean, objectId: string | undefined): string {
  const part = (what: string, effective: EffectiveValue) =>
    `${what} ${effective.value} (${originWords(effective, objectId)})`;
  const running = spark
    ? part("Spark config", resolution.sparkConfig)
    : part("execution config", resolution.executionConfig);
  return `${running}; ${part("cluster", resolution.cluster)}`;
}

/** The field a blocking resolution error belongs to. */
function blockingField(resolution: Resolution, spark: boolean): "executionConfig" | "sparkConfig" | "cluster" {
  if (spark) return resolution.sparkConfig.error ? "sparkConfig" : "cluster";
  return resolution.executionConfig.error ? "executionConfig" : "cluster";
}

/** The first of the actor's groups the config's "usable by" names (what `${group}` becomes). */
function grantingGroup(actor: Actor, usableBy: UsableBy): string | undefined {
  if (usableBy === "all") return actor.groups[0];
  return actor.groups.find((group) => usableBy.groups.includes(group)) ?? actor.groups[0];
}

/** Everything decided before the cluster is touched. */
interface RunPlan {
  project: Project;
  cluster: Cluster;
  resolution: Resolution;
  spark: boolean;
  executionConfig: string | null;
  sparkConfig: string | null;
  identity: RunIdentity;
  payload: RunPayload;
  /** The config's pod for non-Spark runs; Spark objects wait for the operator check. */
  build(mode: RunWorkload): {
    objects: RunObjects;
    namespace: string;
    createNamespace: boolean;
    gpus: number;
    image: string;
  };
}

/**
 * Resolves the run's config and cluster, then checks in this order: a blocking resolution error
 * (422), the user's groups may use the config (403), may use the cluster (403), the code env has
 * an image for the config (422), the config can produce the run's objects (422). Reads only the
 * database: nothing reaches the cluster before every check passed.
 */
function planRun(input: SubmitRunInput, actor: Actor): RunPlan {
  const project = projectOr422(input.project);
  const activity: ActivityType = input.activity;
  const spark = isSparkActivity(activity);
  const catalog = loadCatalog();
  const override = runChoices(input, catalog);
  // Resolved as if allowed to use everything, so "no config selected" (422) and "not yours to
  // use" (403) are told apart, in that order.
  const resolution = resolveEffectiveConfig({
    instance: getInstanceDefaults(),
    project,
    override: objectOverride(project, input.object),
    run: override,
    activity,
    actor: { ...actor, role: "admin" },
    ...catalog,
  });
  const blocking = blockingError(resolution, activity);
  if (blocking) {
    const advice = cannotStartWords(cannotStartHelp(blocking, project, actor));
    throw new DomainError(422, `This run cannot start: ${blocking}. ${advice}`, {
      [blockingField(resolution, spark)]: [`${blocking}. ${advice}`],
    });
  }
  const cluster = findCluster(resolution.cluster.value!)!;
  // A config pinned to a cluster runs there whatever the cluster setting: a different per-run cluster cannot be honoured.
  if (override.clusterId !== null && resolution.cluster.via !== undefined && override.clusterId !== cluster.id) {
    const config = spark ? resolution.sparkConfig.value : resolution.executionConfig.value;
    const message = `Config ${config} runs only on cluster ${cluster.name}`;
    throw new DomainError(422, message, { cluster: [message] });
  }

  const running = spark ? resolution.sparkConfig : resolution.executionConfig;
  const configFacts = findInCatalog(spark ? catalog.sparkConfigs : catalog.executionConfigs, running.value!)!;
  if (!mayUse(actor, configFacts.usableBy)) {
    throw new DomainError(
      403,
      `${refusedWho(actor)} may not use ${spark ? "Spark config" : "config"} ${configFacts.name}`,
    );
  }
  if (!can(actor, "clusters.use", { cluster: cluster.id })) {
    throw new DomainError(403, `${refusedWho(actor)} may not use cluster ${cluster.name}`);
  }
  const envImage = input.codeEnv
    ? codeEnvImageFor(input.codeEnv, spark ? "spark" : "execution", configFacts.name).image
    : undefined;

  const identity: RunIdentity = {
    runId: newRunId(),
    user: actor.username,
    project: project.key,
    group: grantingGroup(actor, configFacts.usableBy),
    activity,
  };
  const payload: RunPayload = {
    command: input.command,
    script: input.script,
    env: input.env,
    image: envImage,
    annotations: input.annotations,
    resolutionSummary: summaryOf(resolution, spark, input.object),
  };
  const invalid = (field: "executionConfig" | "sparkConfig", message: string) =>
    new DomainError(422, message, { [field]: [message] });

  let build: RunPlan["build"];
  if (spark) {
    const config = sparkConfigBody(findSparkConfig(configFacts.id)!);
    // A Spark config has no env of its own to pin or allow: reserved names are always refused.
    const envProblems = runEnvProblems({ env: [], allowedReservedEnv: [] }, input.env, `Spark config ${config.name}`);
    if (envProblems.length) throw new DomainError(422, envProblems.join("; "), { env: envProblems });
    try {
      // The only part that can fail: a namespace template this run cannot fill (e.g. ${group} without a group).
      sparkNamespace(config, {
        server: cluster.server,
        user: identity.user,
        project: identity.project,
        group: identity.group,
        jobName: "",
        mainApplicationFile: "",
      });
    } catch (error) {
      throw invalid("sparkConfig", (error as Error).message);
    }
    build = (mode) => {
      const context = { config, identity, payload, server: cluster.server };
      const { objects, plan } =
        mode === "spark-application" ? sparkApplicationRunObjects(context) : sparkDriverRunObjects(context);
      return {
        objects,
        namespace: plan.namespace,
        createNamespace: plan.createNamespace,
        gpus: plan.gpus,
        image: envImage ?? sparkImage(config),
      };
    };
  } else {
    const row = findExecutionConfig(configFacts.id)!;
    let objects: RunObjects;
    let config: ReturnType<typeof executionConfigBody> & { version: number };
    try {
      // A config naming a Berth base image runs its current revision, pinned by digest now.
      config = withBaseImageResolved({ ...executionConfigBody(row), version: row.version });
      objects = podRunObjects(config, identity, payload);
    } catch (error) {
      if (error instanceof BaseImageUnavailable)
        throw invalid("executionConfig", `Execution config ${row.name} cannot run: ${error.message}`);
      if (error instanceof RunEnvError) throw new DomainError(422, error.message, { env: error.problems });
      if (error instanceof PodBuildError) throw invalid("executionConfig", error.message);
      throw error;
    }
    const built = {
      objects,
      namespace: objects.workload.metadata.namespace,
      createNamespace: config.createNamespace,
      gpus: configGpus(config),
      image: resolveImage(config, envImage),
    };
    build = () => built;
  }
  return {
    project,
    cluster,
    resolution,
    spark,
    executionConfig: spark ? null : resolution.executionConfig.value,
    sparkConfig: spark ? resolution.sparkConfig.value : null,
    identity,
    payload,
    build,
  };
}

/** The pods a run's workload makes first: the pod itself, or the Spark driver (`<app>-driver`). */
function firstPods(objects: RunObjects): string[] {
  const { kind, metadata } = objects.workload;
  return [kind === "SparkApplication" ? `${metadata.name}-driver` : metadata.name];
}

function failureOf(error: unknown): { failure: KubeFailure; object?: string } {
  return { failure: describeKubeError(error), object: error instanceof KubeCallError ? error.object : undefined };
}

/**
 * Saves what the cluster said about a run that was still queued, and returns the run as stored: a
 * run the reconciler or an abort moved on meanwhile keeps its state.
 */
function recordLaunchOutcome(
  row: RunRow,
  change: Pick<RunRow, "status" | "reason"> & Partial<Pick<RunRow, "pods" | "finishedAt">>,
): RunRow {
  const at = new Date();
  const timeline =
    change.status === row.status
      ? row.timeline
      : appendTransition(row.timeline, { status: change.status, at, reason: change.reason });
  const saved = getDb()
    .update(runs)
    .set({ ...change, timeline })
    .where(and(eq(runs.id, row.id), eq(runs.status, "queued")))
    .returning()
    .get();
  const current = saved ?? findRun(row.id) ?? row;
  publishRunChange(runChangeOf(current));
  return current;
}

/** The run as failed before it reached the cluster, e.g. the cluster could not be asked about Spark. */
function recordLaunchFailure(row: RunRow, error: unknown): RunRow {
  const { failure, object } = failureOf(error);
  const reason = object ? `The cluster refused ${object}: ${failure.message}` : failure.message;
  return recordLaunchOutcome(row, { status: "failed", reason, finishedAt: new Date() });
}

/**
 * Puts a queued run on its cluster: ensures the namespace (created with its policy when the
 * config allows), then creates the run's stored objects. Success → pending with its first pod;
 * a quota refusal (`exceeded quota`) → stays queued with the quota's numbers as its reason, for
 * a retry when quota frees up (calling this again is safe: existing objects are kept); any other
 * refusal → failed with the cluster's words. Never throws.
 */
export async function launchRun(queued: RunRow): Promise<RunRow> {
  // The caller's copy may be stale (a retry after an abort): only a run still queued is launched.
  const row = findRun(queued.id) ?? queued;
  if (row.status !== "queued") return row;
  const objects = runObjectsOf(row);
  const cluster = row.clusterId === null ? undefined : findCluster(row.clusterId);
  if (!objects || !cluster) {
    const reason = cluster ? "The run has no recorded objects to create" : `Cluster ${row.cluster} was removed`;
    return recordLaunchOutcome(row, { status: "failed", reason, finishedAt: new Date() });
  }
  const { createNamespace } = row.resolution as Partial<StoredRunResolution>;
  try {
    await ensureNamespace(cluster, row.namespace, { create: Boolean(createNamespace) });
    await createRunObjects(cluster, objects);
    const launched = recordLaunchOutcome(row, { status: "pending", reason: null, pods: firstPods(objects) });
    // Aborted while its objects were being created (e.g. a retry of a queued run): take them down again.
    if (launched.status === "aborted")
      await deleteRunObjects(cluster, row.id, row.namespace, objects).catch(() => undefined);
    return launched;
  } catch (error) {
    const { failure } = failureOf(error);
    if (failure.reason === "QuotaExceeded" && /exceeded quota/.test(failure.message)) {
      return recordLaunchOutcome(row, { status: "queued", reason: formatQuotaRefusal(failure.message, row.namespace) });
    }
    return recordLaunchFailure(row, error);
  }
}

/**
 * `POST /api/v1/runs` and the run form: checks everything (see planRun), records the run as
 * queued with its resolution, warnings and objects (audited), then creates it on the cluster.
 * Returns the run's view: pending, queued over quota, or failed with the cluster's reason.
 */
export const submitRun = defineMutation({
  name: "run.submit",
  permission: "projects.contribute",
  scope: (input) => ({ project: projectOr422(input.project).id }),
  schema: submitRunSchema,
  async run(input, ctx) {
    // A config with engine `docker` runs the run as a container on its Docker host instead.
    const onDocker = await submitOnDockerHost(input, ctx);
    if (onDocker) return onDocker;
    const plan = planRun(input, ctx.actor);
    let mode: RunWorkload = "pod";
    let discoveryError: unknown;
    if (plan.spark) {
      try {
        mode = (await sparkOperatorInstalled(plan.cluster)) ? "spark-application" : "spark-driver";
      } catch (error) {
        mode = "spark-application";
        discoveryError = error;
      }
    }
    const built = plan.build(mode);
    // The spark-operator acts only in its job namespaces: an application elsewhere would wait for nothing.
    const unhandled = mode === "spark-application" ? unhandledNamespaceRefusal(plan.cluster, built.namespace) : null;
    if (unhandled) throw new DomainError(422, unhandled, { sparkConfig: [unhandled] });
    await refuseNeverFits(plan.cluster, built);
    const warnings = runWarnings(input.activity, { gpus: built.gpus });
    const request: StoredRunRequest = {
      ...(input.command ? { command: input.command } : {}),
      ...(input.script ? { script: input.script } : {}),
      ...(input.env ? { env: input.env } : {}),
      ...(input.codeEnv ? { codeEnv: input.codeEnv } : {}),
      ...(input.executionConfig ? { executionConfig: input.executionConfig } : {}),
      ...(input.sparkConfig ? { sparkConfig: input.sparkConfig } : {}),
      ...(input.cluster ? { cluster: input.cluster } : {}),
      ...(input.annotations ? { annotations: input.annotations } : {}),
    };
    const summary = {
      executionConfig: choiceOf(plan.resolution.executionConfig, input.object),
      ...(plan.spark ? { sparkConfig: choiceOf(plan.resolution.sparkConfig, input.object) } : {}),
      cluster: choiceOf(plan.resolution.cluster, input.object),
      image: built.image,
      createNamespace: built.createNamespace,
    };
    const resolution: StoredRunResolution = { ...summary, objects: built.objects };
    const now = new Date();
    const row = ctx.write((tx) => {
      const inserted = tx
        .insert(runs)
        .values({
          id: plan.identity.runId,
          projectId: plan.project.id,
          project: plan.project.key,
          userId: ctx.actor.id,
          username: ctx.actor.username,
          activity: input.activity,
          name: input.name ?? defaultRunName(input),
          object: input.object ?? null,
          clusterId: plan.cluster.id,
          cluster: plan.cluster.name,
          executionConfig: plan.executionConfig,
          sparkConfig: plan.sparkConfig,
          codeEnv: input.codeEnv ?? null,
          namespace: built.namespace,
          workload: mode,
          request: { ...request },
          resolution: { ...resolution },
          warnings,
          gpus: built.gpus,
          status: "queued",
          pods: [],
          timeline: [{ status: "queued", at: now.toISOString() }],
          createdAt: now,
        })
        .returning()
        .get();
      return {
        result: inserted,
        audit: {
          objectType: RUN_OBJECT_TYPE,
          objectId: inserted.id,
          objectName: `${plan.project.key} ${input.activity}`,
          after: {
            name: inserted.name,
            ...(input.object ? { object: input.object } : {}),
            ...request,
            ...summary,
            namespace: built.namespace,
            workload: mode,
            warnings,
          },
        },
      };
    });
    publishRunChange(runChangeOf(row));
    const launched = discoveryError ? recordLaunchFailure(row, discoveryError) : await launchRun(row);
    return toRunView(launched);
  },
});
