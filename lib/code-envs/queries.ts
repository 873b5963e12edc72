import "server-only";

import { and, asc, eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { baseImages, codeEnvs, executionConfigs, imageBuilds, sparkConfigs, type CodeEnvRow } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { baseImageNameOf } from "@/lib/images/base-image-ref";
import { currentBaseImageRevision } from "@/lib/images/base-image-resolve";
import { baseImageSpec } from "@/lib/images/queries";
import { isIdRef } from "@/lib/objects/versioned";
import { toYamlDocument } from "@/lib/objects/yaml";

import {
  codeEnvImageForConfig,
  planCodeEnvImages,
  type CodeEnvPlan,
  type ConfigKind,
  type PlannerBuild,
  type PlannerExecutionConfig,
  type PlannerSparkConfig,
  type PushedBaseImage,
} from "./planner";
import type { CodeEnvImageView, CodeEnvSpec, CodeEnvView, StoredCodeEnvSpec } from "./schema";

type Reader = ReturnType<typeof getDb> | Tx;

export const CODE_ENV_KIND = "CodeEnv";
export const CODE_ENV_OBJECT_TYPE = "code-env";

/** Finds a code env row by numeric id or by name. */
export function findCodeEnv(ref: string | number, db: Reader = getDb()): CodeEnvRow | undefined {
  return db
    .select()
    .from(codeEnvs)
    .where(isIdRef(ref) ? eq(codeEnvs.id, Number(ref)) : eq(codeEnvs.name, String(ref)))
    .get();
}

/** The whole body of a code env as the create schema takes it: what history saves and YAML exports. */
export function codeEnvBody(row: CodeEnvRow): CodeEnvSpec {
  return { name: row.name, description: row.description, ...(row.spec as unknown as StoredCodeEnvSpec) };
}

/** The YAML document of a code env (importable). */
export function codeEnvYaml(row: CodeEnvRow): string {
  const { name, description, ...spec } = codeEnvBody(row);
  return toYamlDocument(CODE_ENV_KIND, { name, description }, spec);
}

/** What every plan reads besides the env itself: the configs and the pushed Berth base images. */
export interface PlanContext {
  executionConfigs: PlannerExecutionConfig[];
  sparkConfigs: PlannerSparkConfig[];
  baseImages: (PushedBaseImage & { id: number; clusterId: number | null })[];
}

/**
 * An execution config as the planner sees it: one naming a Berth base image builds on that base
 * image's current revision (its pushed reference, so the env is pushed to that base image's registry).
 */
function configImage(name: string, image: string, registry: string, db: Reader): PlannerExecutionConfig {
  const baseImage = baseImageNameOf(image);
  if (baseImage === null) return { name, image, registry };
  const revision = currentBaseImageRevision(baseImage, db);
  return "problem" in revision
    ? { name, image, registry, problem: revision.problem }
    : { name, image: revision.pushedRef, registry: "" };
}

/** Reads the configs and the Berth base images pushed so far (each pushed reference, with its latest push). */
export function planContext(db: Reader = getDb()): PlanContext {
  const execution = db
    .select({ name: executionConfigs.name, spec: executionConfigs.spec })
    .from(executionConfigs)
    .orderBy(asc(executionConfigs.name))
    .all()
    .map(({ name, spec }) => configImage(name, String(spec.image ?? ""), String(spec.registry ?? ""), db));
  const spark = db
    .select({ name: sparkConfigs.name, spec: sparkConfigs.spec })
    .from(sparkConfigs)
    .orderBy(asc(sparkConfigs.name))
    .all()
    .map(({ name, spec }) => ({ name, image: String(spec.image ?? ""), registry: String(spec.registry ?? "") }));
  const pushes = db
    .select({
      ref: imageBuilds.image,
      finishedAt: imageBuilds.finishedAt,
      queuedAt: imageBuilds.queuedAt,
      base: baseImages,
    })
    .from(imageBuilds)
    .innerJoin(baseImages, eq(baseImages.id, imageBuilds.baseImageId))
    .where(and(eq(imageBuilds.kind, "base-image"), eq(imageBuilds.status, "pushed")))
    .orderBy(asc(imageBuilds.id))
    .all();
  const byRef = new Map<string, PlanContext["baseImages"][number]>();
  for (const push of pushes) {
    const pushedAt = push.finishedAt ?? push.queuedAt;
    const known = byRef.get(push.ref);
    // The base image's saved settings tell whether it has R and which Pythons.
    if (!known || known.pushedAt < pushedAt)
      byRef.set(push.ref, {
        ref: push.ref,
        name: push.base.name,
        spec: baseImageSpec(push.base, db),
        pushedAt,
        id: push.base.id,
        clusterId: push.base.clusterId,
      });
  }
  return { executionConfigs: execution, sparkConfigs: spark, baseImages: [...byRef.values()] };
}

/** Every build of one code env. */
export function codeEnvBuilds(codeEnvId: number, db: Reader = getDb()): PlannerBuild[] {
  return db
    .select({
      id: imageBuilds.id,
      status: imageBuilds.status,
      baseRef: imageBuilds.baseRef,
      inputsHash: imageBuilds.inputsHash,
      image: imageBuilds.image,
      digest: imageBuilds.digest,
      queuedAt: imageBuilds.queuedAt,
      startedAt: imageBuilds.startedAt,
      finishedAt: imageBuilds.finishedAt,
    })
    .from(imageBuilds)
    .where(and(eq(imageBuilds.kind, "code-env"), eq(imageBuilds.codeEnvId, codeEnvId)))
    .all();
}

/** The images a code env needs and their status (see planCodeEnvImages). */
export function planCodeEnv(row: CodeEnvRow, context: PlanContext = planContext(), db: Reader = getDb()): CodeEnvPlan {
  return planCodeEnvImages({ env: codeEnvBody(row), ...context, builds: codeEnvBuilds(row.id, db) });
}

const buildRef = (build: PlannerBuild | null) => build && { id: build.id, status: build.status, image: build.image };

/** A planned image without its Dockerfile, for lists and the API. */
function imageView(image: CodeEnvPlan["images"][number]): CodeEnvImageView {
  return {
    baseRef: image.baseRef,
    image: image.image,
    status: image.status,
    reason: image.reason,
    problem: image.problem,
    configs: image.configs,
    current: buildRef(image.current),
    building: buildRef(image.building),
    latest: buildRef(image.latest),
  };
}

export function toCodeEnvView(
  row: CodeEnvRow,
  context: PlanContext = planContext(),
  db: Reader = getDb(),
): CodeEnvView {
  const plan = planCodeEnv(row, context, db);
  return {
    ...codeEnvBody(row),
    id: row.id,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    images: plan.images.map(imageView),
    counts: plan.counts,
    unknownConfigs: plan.unknownConfigs,
  };
}

/** Every code env with its image status, by name. */
export function listCodeEnvs(db: Reader = getDb()): CodeEnvView[] {
  const context = planContext(db);
  return db
    .select()
    .from(codeEnvs)
    .orderBy(asc(codeEnvs.name))
    .all()
    .map((row) => toCodeEnvView(row, context, db));
}

/** Names of all code envs (for the preview's select). */
export function codeEnvNames(db: Reader = getDb()): string[] {
  return db
    .select({ name: codeEnvs.name })
    .from(codeEnvs)
    .orderBy(asc(codeEnvs.name))
    .all()
    .map((row) => row.name);
}

/** A code env by id or name, else a 404 DomainError. */
export function codeEnvOr404(ref: string): CodeEnvRow {
  const row = findCodeEnv(ref);
  if (!row) throw new DomainError(404, `Code env "${ref}" not found`);
  return row;
}

/**
 * The image a config's pods use with a code env: the current image for the config's base
 * reference. A 422 on the field `codeEnv` when the env does not exist or has no image for it.
 */
export function codeEnvImageFor(
  codeEnvName: string,
  kind: ConfigKind,
  configName: string,
  db: Reader = getDb(),
): { image: string; buildId: number; stale: boolean } {
  const row = findCodeEnv(codeEnvName, db);
  if (!row)
    throw new DomainError(422, `No code env named "${codeEnvName}"`, {
      codeEnv: [`No code env named "${codeEnvName}"`],
    });
  const found = codeEnvImageForConfig(planCodeEnv(row, planContext(db), db), kind, configName);
  if ("problem" in found) throw new DomainError(422, found.problem, { codeEnv: [found.problem] });
  return { image: found.image, buildId: found.build.id, stale: found.stale };
}
