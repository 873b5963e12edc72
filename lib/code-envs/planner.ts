/**
 * Which images a code env needs and which of them are built: pure, so the detail page, the
 * build endpoint and the execution config preview agree on one answer.
 *
 * A code env needs one image per distinct base image reference among the configs it is built
 * for (the reference a pod or Spark job would pull, registry prefix included). For each one the
 * current image is derived from the builds alone (no other state): the latest pushed build of
 * (env, base reference) with the env's current inputs, else the latest pushed one, which is then
 * stale (built from other packages, fragments or Python version). An image is also stale when
 * the Berth base image at that reference was pushed again after the build pulled it.
 */
import type { ImageBuildRow } from "@/db/schema";
import { parseImageReference } from "@/lib/images/reference";
import type { BaseImageSpec } from "@/lib/images/schema";
import { resolveImage } from "@/lib/kube/pod-builder";
import { sparkImage, type SparkConfigBody } from "@/lib/spark-configs/builders";

import { codeEnvBaseProblem, codeEnvDockerfile, codeEnvInputsHash } from "./dockerfile";
import { codeEnvPushTarget } from "./push-target";
import type { CodeEnvSpec } from "./schema";

export type ConfigKind = "execution" | "spark";

/** An execution config as the planner needs it. */
export interface PlannerExecutionConfig {
  name: string;
  image: string;
  registry: string;
  /** Why its image cannot be built on (a Berth base image never built), when it cannot. */
  problem?: string;
}

/** A Spark config as the planner needs it. */
export type PlannerSparkConfig = Pick<SparkConfigBody, "name" | "image" | "registry">;

/** The facts of a build the planner reads. */
export type PlannerBuild = Pick<
  ImageBuildRow,
  "id" | "status" | "baseRef" | "inputsHash" | "image" | "digest" | "queuedAt" | "startedAt" | "finishedAt"
>;

/** A Berth base image pushed at a reference: its spec (to check R / Python) and when it was last pushed there. */
export interface PushedBaseImage {
  ref: string;
  name: string;
  spec: BaseImageSpec;
  pushedAt: Date;
}

export interface PlannerInput {
  env: CodeEnvSpec;
  executionConfigs: PlannerExecutionConfig[];
  sparkConfigs: PlannerSparkConfig[];
  /** Every build of this code env (any status). */
  builds: PlannerBuild[];
  /** Base images Berth has pushed, by reference; references not listed are external images. */
  baseImages?: PushedBaseImage[];
}

export type PlannedImageStatus = "missing" | "stale" | "current";

export interface PlannedImage {
  /** The FROM of the image: the configs' image with its registry prefix. */
  baseRef: string;
  /** The configs whose pods (or Spark jobs) run on this base reference. */
  configs: { kind: ConfigKind; name: string }[];
  /** The reference this env's image is pushed to for the current inputs (see codeEnvPushTarget); "" when there is no registry to push to (see problem). */
  image: string;
  dockerfile: string;
  inputsHash: string;
  status: PlannedImageStatus;
  /** Why it is stale or missing, in words; null when current. */
  reason: string | null;
  /** The pushed build pods use now: of the current inputs when there is one, else the latest (stale). */
  current: PlannerBuild | null;
  /** A queued or running build of the current inputs: no need to queue another. */
  building: PlannerBuild | null;
  /** The newest build of any status, for the status table's link. */
  latest: PlannerBuild | null;
  /** Why this env cannot be built on this base (R env on a base without R, bad reference), or null. */
  problem: string | null;
}

export interface CodeEnvPlan {
  codeEnv: string;
  images: PlannedImage[];
  /** Names in buildFor that match no config (deleted or renamed since the env was saved). */
  unknownConfigs: { kind: ConfigKind; name: string }[];
  counts: Record<PlannedImageStatus, number>;
}

const ACTIVE = new Set<PlannerBuild["status"]>(["queued", "running"]);

function selected<T extends { name: string }>(
  configs: T[],
  choice: CodeEnvSpec["buildFor"]["executionConfigs"],
): { chosen: T[]; unknown: string[] } {
  if (choice === "none") return { chosen: [], unknown: [] };
  if (choice === "all") return { chosen: configs, unknown: [] };
  const byName = new Map(configs.map((config) => [config.name, config]));
  return {
    chosen: choice.flatMap((name) => byName.get(name) ?? []),
    unknown: choice.filter((name) => !byName.has(name)),
  };
}

/** The base image reference an execution config's pods pull (what buildPod would use). */
export const executionConfigBaseRef = (config: PlannerExecutionConfig) => resolveImage(config);

/** The base image reference a Spark config's driver and executors pull. */
// sparkImage reads only image and registry of the body.
export const sparkConfigBaseRef = (config: PlannerSparkConfig) => sparkImage(config as SparkConfigBody);

const newest = (builds: PlannerBuild[]) =>
  builds.reduce<PlannerBuild | null>((best, build) => (!best || build.id > best.id ? build : best), null);

/** When a build pulled its base: its start, else its queueing. */
const pulledAt = (build: PlannerBuild) => build.startedAt ?? build.queuedAt;

function imageFor(
  input: PlannerInput,
  baseRef: string,
  configs: PlannedImage["configs"],
  registries: string[],
): PlannedImage {
  const { env } = input;
  const parsed = parseImageReference(baseRef);
  const forRef = input.builds.filter((build) => build.baseRef === baseRef);
  const pushed = forRef.filter((build) => build.status === "pushed");
  const latest = newest(forRef);
  if (typeof parsed === "string") {
    const current = newest(pushed);
    return {
      baseRef,
      configs,
      image: "",
      dockerfile: "",
      inputsHash: "",
      status: current ? "stale" : "missing",
      reason: null,
      current,
      building: null,
      latest,
      problem: `The base image reference ${baseRef} ${parsed}`,
    };
  }
  const inputsHash = codeEnvInputsHash(env, baseRef);
  // A push of the current inputs (e.g. after restoring an older version) is the image; else the latest push.
  const current = newest(pushed.filter((build) => build.inputsHash === inputsHash)) ?? newest(pushed);
  const building = newest(forRef.filter((build) => ACTIVE.has(build.status) && build.inputsHash === inputsHash));
  const base = input.baseImages?.find((candidate) => candidate.ref === baseRef);
  const target = codeEnvPushTarget(env, baseRef, {
    berthBase: base?.spec,
    configs: configs.map((config, index) => ({ ...config, registry: registries[index] })),
  });
  const problem = "problem" in target ? target.problem : base ? (codeEnvBaseProblem(env, base.spec) ?? null) : null;

  let status: PlannedImageStatus = "current";
  let reason: string | null = null;
  if (!current) {
    status = "missing";
    reason = "Not built yet";
  } else if (current.inputsHash !== inputsHash) {
    status = "stale";
    reason = "The code env changed since this image was built";
  } else if (base && pulledAt(current) < base.pushedAt) {
    status = "stale";
    reason = `Base image ${base.name} was pushed again since this image was built`;
  }
  return {
    baseRef,
    configs,
    image: "image" in target ? target.image : "",
    dockerfile: codeEnvDockerfile(env, baseRef),
    inputsHash,
    status,
    reason,
    current,
    building,
    latest,
    problem,
  };
}

/** The images a code env needs, each with its Dockerfile, inputs hash and build status. */
export function planCodeEnvImages(input: PlannerInput): CodeEnvPlan {
  const execution = selected(input.executionConfigs, input.env.buildFor.executionConfigs);
  const spark = selected(input.sparkConfigs, input.env.buildFor.sparkConfigs);
  const byRef = new Map<string, { configs: PlannedImage["configs"]; registries: string[]; problem?: string }>();
  const add = (baseRef: string, kind: ConfigKind, name: string, registry: string, problem?: string) => {
    const group = byRef.get(baseRef) ?? { configs: [], registries: [], problem };
    group.configs.push({ kind, name });
    group.registries.push(registry);
    byRef.set(baseRef, group);
  };
  for (const config of execution.chosen)
    add(
      config.problem ? config.image : executionConfigBaseRef(config),
      "execution",
      config.name,
      config.registry,
      config.problem,
    );
  for (const config of spark.chosen) add(sparkConfigBaseRef(config), "spark", config.name, config.registry);

  const images = [...byRef].map(([baseRef, { configs, registries, problem }]) => {
    const image = imageFor(input, baseRef, configs, registries);
    return problem
      ? { ...image, image: "", dockerfile: "", problem: `Execution config ${configs[0].name}: ${problem}` }
      : image;
  });
  const counts: Record<PlannedImageStatus, number> = { missing: 0, stale: 0, current: 0 };
  for (const image of images) counts[image.status] += 1;
  return {
    codeEnv: input.env.name,
    images,
    unknownConfigs: [
      ...execution.unknown.map((name) => ({ kind: "execution" as const, name })),
      ...spark.unknown.map((name) => ({ kind: "spark" as const, name })),
    ],
    counts,
  };
}

/** The images to queue now: stale or missing, buildable, and not already being built from the same inputs. */
export function imagesToBuild(plan: CodeEnvPlan): PlannedImage[] {
  return plan.images.filter((image) => image.status !== "current" && !image.problem && !image.building);
}

/** The image a config's pods use with this code env (the current build's), or why there is none in words. */
export function codeEnvImageForConfig(
  plan: CodeEnvPlan,
  kind: ConfigKind,
  configName: string,
): { image: string; build: PlannerBuild; stale: boolean } | { problem: string } {
  const what = kind === "spark" ? "Spark config" : "config";
  const planned = plan.images.find((image) =>
    image.configs.some((config) => config.kind === kind && config.name === configName),
  );
  if (!planned)
    return {
      problem: `code env ${plan.codeEnv} has no image for ${what} ${configName}: it is not built for it (add it to the code env's "build for")`,
    };
  if (!planned.current) {
    const state = planned.building ? `its image is still ${planned.building.status}` : "build the code env first";
    return { problem: `code env ${plan.codeEnv} has no image for ${what} ${configName}: ${state}` };
  }
  return { image: planned.current.image, build: planned.current, stale: planned.status === "stale" };
}
