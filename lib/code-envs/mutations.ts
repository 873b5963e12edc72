import "server-only";

import { and, asc, eq, inArray, ne } from "drizzle-orm";
import { z } from "zod";

import { getDb, type Tx } from "@/db";
import { codeEnvs, executionConfigs, imageBuilds, sparkConfigs, type CodeEnvRow } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { findDockerHost } from "@/lib/docker-hosts/queries";
import { queueBuild, resolveBuildCluster } from "@/lib/images/builds";
import { conflictView, versionToRestore } from "@/lib/objects/history";
import { assertFreshVersion } from "@/lib/objects/versioned";
import { fromYamlDocument } from "@/lib/objects/yaml";
import { can } from "@/lib/permissions";
import { fieldErrorsFrom } from "@/lib/validation";

import { imagesToBuild, type CodeEnvPlan } from "./planner";
import {
  CODE_ENV_KIND,
  CODE_ENV_OBJECT_TYPE,
  codeEnvBody,
  findCodeEnv,
  planCodeEnv,
  planContext,
  toCodeEnvView,
} from "./queries";
import {
  buildCodeEnvSchema,
  createCodeEnvSchema,
  deleteCodeEnvSchema,
  importCodeEnvSchema,
  restoreCodeEnvSchema,
  updateCodeEnvSchema,
  type CodeEnvSpec,
  type QueuedBuild,
  type StoredCodeEnvSpec,
} from "./schema";

function requireCodeEnv(tx: Tx, ref: string | number): CodeEnvRow {
  const row = findCodeEnv(ref, tx);
  if (!row) throw notFound(`Code env "${ref}"`);
  return row;
}

/** Refuses names in buildFor that match no config, each on its own field. */
function assertConfigsExist(tx: Tx, body: CodeEnvSpec) {
  const fieldErrors: Record<string, string[]> = {};
  const check = (
    field: "executionConfigs" | "sparkConfigs",
    table: typeof executionConfigs | typeof sparkConfigs,
    what: string,
  ) => {
    const wanted = body.buildFor[field];
    if (!Array.isArray(wanted)) return;
    const found = new Set(
      tx
        .select({ name: table.name })
        .from(table)
        .where(inArray(table.name, wanted))
        .all()
        .map((row) => row.name),
    );
    wanted.forEach((name, index) => {
      if (!found.has(name)) fieldErrors[`buildFor.${field}.${index}`] = [`No ${what} named "${name}"`];
    });
  };
  check("executionConfigs", executionConfigs, "execution config");
  check("sparkConfigs", sparkConfigs, "Spark config");
  if (Object.keys(fieldErrors).length)
    throw new DomainError(422, "Some configs to build for do not exist", fieldErrors);
}

function columnsOf(tx: Tx, body: CodeEnvSpec) {
  assertConfigsExist(tx, body);
  const { name, description, ...spec } = body;
  return { name, description, spec: spec satisfies StoredCodeEnvSpec as unknown as Record<string, unknown> };
}

const audit = (row: CodeEnvRow) => ({ objectType: CODE_ENV_OBJECT_TYPE, objectId: row.id, objectName: row.name });

function assertNameFree(tx: Tx, name: string, exceptId?: number) {
  const taken = tx
    .select({ id: codeEnvs.id })
    .from(codeEnvs)
    .where(exceptId ? and(eq(codeEnvs.name, name), ne(codeEnvs.id, exceptId)) : eq(codeEnvs.name, name))
    .get();
  if (taken) throw conflict("name", `A code env named "${name}" already exists`);
}

/** A body validated as a whole; a refusal carries every field error. */
function parseBody(raw: Record<string, unknown>): CodeEnvSpec {
  const parsed = createCodeEnvSchema.safeParse(raw);
  if (!parsed.success) throw new DomainError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  return parsed.data;
}

/** Saves a whole body over an existing code env as its next version. */
function saveVersion(tx: Tx, before: CodeEnvRow, body: CodeEnvSpec) {
  assertNameFree(tx, body.name, before.id);
  const after = tx
    .update(codeEnvs)
    .set({ ...columnsOf(tx, body), version: before.version + 1, updatedAt: new Date() })
    .where(eq(codeEnvs.id, before.id))
    .returning()
    .get();
  return { after, audit: { ...audit(after), before: codeEnvBody(before), after: codeEnvBody(after) } };
}

export const createCodeEnv = defineMutation({
  name: "code-env.create",
  permission: "images.manage",
  schema: createCodeEnvSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      assertNameFree(tx, input.name);
      const row = tx.insert(codeEnvs).values(columnsOf(tx, input)).returning().get();
      return { result: toCodeEnvView(row, planContext(tx), tx), audit: { ...audit(row), after: codeEnvBody(row) } };
    });
  },
});

export const updateCodeEnv = defineMutation({
  name: "code-env.update",
  permission: "images.manage",
  schema: updateCodeEnvSchema,
  run(input, ctx) {
    const { codeEnv, version, ...changes } = input;
    return ctx.write((tx) => {
      const before = requireCodeEnv(tx, codeEnv);
      assertFreshVersion(
        "This code env",
        before,
        version,
        conflictView(CODE_ENV_OBJECT_TYPE, before.id, toCodeEnvView(before, planContext(tx), tx), tx),
      );
      const { after, audit } = saveVersion(tx, before, parseBody({ ...codeEnvBody(before), ...changes }));
      return { result: toCodeEnvView(after, planContext(tx), tx), audit };
    });
  },
});

/** Saves an older version (an audit row's `after`) again, as a new version. */
export const restoreCodeEnv = defineMutation({
  name: "code-env.restore",
  permission: "images.manage",
  schema: restoreCodeEnvSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const before = requireCodeEnv(tx, input.codeEnv);
      const body = versionToRestore(CODE_ENV_OBJECT_TYPE, before.id, input.auditEventId, codeEnvBody(before), tx);
      delete body.restoredFrom;
      const { after, audit } = saveVersion(tx, before, parseBody(body));
      return {
        result: toCodeEnvView(after, planContext(tx), tx),
        audit: { ...audit, after: { ...audit.after, restoredFrom: input.auditEventId } },
      };
    });
  },
});

export const deleteCodeEnv = defineMutation({
  name: "code-env.delete",
  permission: "images.manage",
  schema: deleteCodeEnvSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const row = requireCodeEnv(tx, input.codeEnv);
      const active = tx
        .select({ id: imageBuilds.id })
        .from(imageBuilds)
        .where(and(eq(imageBuilds.codeEnvId, row.id), inArray(imageBuilds.status, ["queued", "running"])))
        .all();
      if (active.length) {
        const ids = active.map((build) => `#${build.id}`).join(", ");
        throw new DomainError(
          409,
          `Code env "${row.name}" has builds in progress (${ids}): wait for them or cancel them first`,
          undefined,
          { builds: active.map((build) => build.id) },
        );
      }
      tx.delete(codeEnvs).where(eq(codeEnvs.id, row.id)).run();
      return { result: { id: row.id, name: row.name }, audit: { ...audit(row), before: codeEnvBody(row) } };
    });
  },
});

export interface CodeEnvBuildOutcome {
  codeEnv: string;
  queued: QueuedBuild[];
  /** Images that cannot be built on their base (e.g. an R env on a base without R). */
  blocked: { baseRef: string; problem: string }[];
  /** Said when nothing was queued: why. */
  message: string | null;
}

function blockedImages(plan: CodeEnvPlan) {
  return plan.images.flatMap((image) => (image.problem ? [{ baseRef: image.baseRef, problem: image.problem }] : []));
}

function nothingToBuild(plan: CodeEnvPlan): string {
  if (plan.images.length === 0)
    return `Code env ${plan.codeEnv} is built for no config: choose execution or Spark configs in "build for"`;
  if (plan.counts.current === plan.images.length) return `Every image of code env ${plan.codeEnv} is current`;
  if (plan.images.some((image) => image.building && image.status !== "current"))
    return `The images of code env ${plan.codeEnv} that are not current are already being built`;
  return `Code env ${plan.codeEnv} cannot be built on its remaining base images: ${blockedImages(plan)
    .map((image) => image.problem)
    .join("; ")}`;
}

/**
 * Queues a build for every image of the env that is missing or stale (and buildable, and not
 * already building from the same inputs). Pushes use the registry credentials of the Berth base
 * image the image is built on, when it is one; the build runs on that base image's cluster.
 * Nothing is written (no audit row) when nothing needs building. Call ensureBuildRunner()
 * afterwards so the builds start.
 */
export const buildCodeEnv = defineMutation({
  name: "code-env.build",
  permission: "images.manage",
  schema: buildCodeEnvSchema,
  run(input, ctx): CodeEnvBuildOutcome {
    const existing = findCodeEnv(input.codeEnv);
    if (!existing) throw notFound(`Code env "${input.codeEnv}"`);
    const preview = planCodeEnv(existing);
    if (imagesToBuild(preview).length === 0)
      return { codeEnv: existing.name, queued: [], blocked: blockedImages(preview), message: nothingToBuild(preview) };
    return ctx.write((tx) => {
      const row = requireCodeEnv(tx, existing.id);
      const host = input.dockerHost === undefined ? undefined : findDockerHost(input.dockerHost, tx);
      if (input.dockerHost !== undefined && !host)
        throw new DomainError(422, "Some referenced objects do not exist", {
          dockerHost: [`No Docker host named "${input.dockerHost}"`],
        });
      if (host && !can(ctx.actor, "dockerHosts.use", { dockerHost: host.id }))
        throw new DomainError(403, `You may not use Docker host ${host.name}: ask one of its managers for access`);
      const context = planContext(tx);
      const plan = planCodeEnv(row, context, tx);
      const queued: QueuedBuild[] = imagesToBuild(plan).map((image) => {
        const base = context.baseImages.find((candidate) => candidate.ref === image.baseRef);
        const build = queueBuild(tx, {
          kind: "code-env",
          codeEnvId: row.id,
          baseImageId: base?.id ?? null,
          baseRef: image.baseRef,
          dockerfile: image.dockerfile,
          image: image.image,
          inputsHash: image.inputsHash,
          clusterId: host ? null : resolveBuildCluster(base?.clusterId ?? null, tx).id,
          dockerHostId: host?.id ?? null,
          startedBy: ctx.actor.id,
        });
        return { id: build.id, status: build.status, baseRef: image.baseRef, image: build.image };
      });
      return {
        result: { codeEnv: row.name, queued, blocked: blockedImages(plan), message: null },
        audit: { ...audit(row), after: { builds: queued.map(({ id, baseRef, image }) => ({ id, baseRef, image })) } },
      };
    });
  },
});

/** "Rebuild all stale": buildCodeEnv for every code env with something to build; each is audited on its own. */
export const rebuildStaleCodeEnvs = defineMutation({
  name: "code-env.rebuild-stale",
  permission: buildCodeEnv.permission,
  schema: z.object({}),
  async run(_input, ctx): Promise<CodeEnvBuildOutcome[]> {
    const context = planContext();
    const outcomes: CodeEnvBuildOutcome[] = [];
    for (const row of getDb().select().from(codeEnvs).orderBy(asc(codeEnvs.name)).all()) {
      if (imagesToBuild(planCodeEnv(row, context)).length === 0) continue;
      outcomes.push(await ctx.delegate(buildCodeEnv, { codeEnv: row.id }));
    }
    return outcomes;
  },
});

/**
 * Imports a YAML document `{ yaml }`: creates the code env, or saves it as the next version of the one of
 * that name, through the create or update mutation (their permissions and audit rows apply).
 */
export const importCodeEnv = defineMutation({
  name: "code-env.import",
  permission: createCodeEnv.permission,
  schema: importCodeEnvSchema,
  run(input, ctx) {
    const parsed = fromYamlDocument(input.yaml, CODE_ENV_KIND, createCodeEnvSchema);
    if (!parsed.ok) throw new DomainError(400, parsed.error, parsed.fieldErrors);
    const existing = findCodeEnv(parsed.value.name);
    return existing
      ? ctx.delegate(updateCodeEnv, { ...parsed.value, codeEnv: existing.id })
      : ctx.delegate(createCodeEnv, parsed.value);
  },
});
