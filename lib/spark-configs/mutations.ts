import "server-only";

import { and, eq, inArray, ne } from "drizzle-orm";

import type { Tx } from "@/db";
import { groups, projectOverrides, projects, settings, sparkConfigs, type SparkConfigRow } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { findCluster } from "@/lib/clusters/queries";
import { conflictView, versionToRestore } from "@/lib/objects/history";
import { assertFreshVersion } from "@/lib/objects/versioned";
import { fromYamlDocument } from "@/lib/objects/yaml";
import { fieldErrorsFrom } from "@/lib/validation";

import {
  findSparkConfig,
  SPARK_CONFIG_KIND,
  SPARK_CONFIG_OBJECT_TYPE,
  sparkConfigBody,
  toSparkConfigView,
} from "./queries";
import {
  createSparkConfigSchema,
  deleteSparkConfigSchema,
  importSparkConfigSchema,
  restoreSparkConfigSchema,
  updateSparkConfigSchema,
  type SparkConfigInput,
  type SparkConfigSpec,
} from "./schema";

function requireConfig(tx: Tx, ref: string | number): SparkConfigRow {
  const row = findSparkConfig(ref, tx);
  if (!row) throw notFound(`Spark config "${ref}"`);
  return row;
}

/** Checks the names a body refers to (cluster, groups) and turns it into column values. */
function columnsOf(tx: Tx, input: SparkConfigInput) {
  const fieldErrors: Record<string, string[]> = {};
  let clusterId: number | null = null;
  if (input.cluster) {
    const cluster = findCluster(input.cluster, tx);
    if (cluster) clusterId = cluster.id;
    else fieldErrors.cluster = [`No cluster named "${input.cluster}"`];
  }
  if (input.usableBy !== "all") {
    const wanted = [...new Set(input.usableBy.groups)];
    const found = tx
      .select({ name: groups.name })
      .from(groups)
      .where(inArray(groups.name, wanted))
      .all()
      .map((row) => row.name);
    input.usableBy.groups.forEach((name, index) => {
      if (!found.includes(name)) fieldErrors[`usableBy.groups.${index}`] = [`No group named "${name}"`];
    });
  }
  if (Object.keys(fieldErrors).length) throw new DomainError(422, "Some referenced objects do not exist", fieldErrors);
  const spec: SparkConfigSpec = {
    conf: input.conf,
    managed: input.managed,
    image: input.image,
    registry: input.registry,
    executorPodTemplate: input.executorPodTemplate,
  };
  return {
    name: input.name,
    description: input.description,
    clusterId,
    usableBy: input.usableBy === "all" ? ("all" as const) : { groups: [...new Set(input.usableBy.groups)] },
    spec: spec as unknown as Record<string, unknown>,
  };
}

const audit = (row: SparkConfigRow) => ({
  objectType: SPARK_CONFIG_OBJECT_TYPE,
  objectId: row.id,
  objectName: row.name,
});

function assertNameFree(tx: Tx, name: string, exceptId?: number) {
  const taken = tx
    .select({ id: sparkConfigs.id })
    .from(sparkConfigs)
    .where(exceptId ? and(eq(sparkConfigs.name, name), ne(sparkConfigs.id, exceptId)) : eq(sparkConfigs.name, name))
    .get();
  if (taken) throw conflict("name", `A Spark config named "${name}" already exists`);
}

/** Saves a whole body over an existing config as its next version. */
function saveVersion(tx: Tx, before: SparkConfigRow, body: SparkConfigInput) {
  assertNameFree(tx, body.name, before.id);
  const after = tx
    .update(sparkConfigs)
    .set({ ...columnsOf(tx, body), version: before.version + 1, updatedAt: new Date() })
    .where(eq(sparkConfigs.id, before.id))
    .returning()
    .get();
  return { after, audit: { ...audit(after), before: sparkConfigBody(before, tx), after: sparkConfigBody(after, tx) } };
}

/** A body validated as a whole; a refusal carries every field error. */
function parseBody(raw: Record<string, unknown>): SparkConfigInput {
  const parsed = createSparkConfigSchema.safeParse(raw);
  if (!parsed.success) throw new DomainError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  return parsed.data;
}

export const createSparkConfig = defineMutation({
  name: "spark-config.create",
  permission: "configs.manage",
  schema: createSparkConfigSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      assertNameFree(tx, input.name);
      const row = tx.insert(sparkConfigs).values(columnsOf(tx, input)).returning().get();
      return {
        result: toSparkConfigView(row, ctx.actor, tx),
        audit: { ...audit(row), after: sparkConfigBody(row, tx) },
      };
    });
  },
});

export const updateSparkConfig = defineMutation({
  name: "spark-config.update",
  permission: "configs.manage",
  schema: updateSparkConfigSchema,
  run(input, ctx) {
    const { config, version, ...changes } = input;
    return ctx.write((tx) => {
      const before = requireConfig(tx, config);
      assertFreshVersion(
        "This Spark config",
        before,
        version,
        conflictView(SPARK_CONFIG_OBJECT_TYPE, before.id, toSparkConfigView(before, ctx.actor, tx), tx),
      );
      const { after, audit } = saveVersion(tx, before, parseBody({ ...sparkConfigBody(before, tx), ...changes }));
      return { result: toSparkConfigView(after, ctx.actor, tx), audit };
    });
  },
});

/** Saves an older version (an audit row's `after`) again, as a new version. */
export const restoreSparkConfig = defineMutation({
  name: "spark-config.restore",
  permission: "configs.manage",
  schema: restoreSparkConfigSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const before = requireConfig(tx, input.config);
      const body = versionToRestore(
        SPARK_CONFIG_OBJECT_TYPE,
        before.id,
        input.auditEventId,
        sparkConfigBody(before, tx),
        tx,
      );
      delete body.restoredFrom;
      const { after, audit } = saveVersion(tx, before, parseBody(body));
      return {
        result: toSparkConfigView(after, ctx.actor, tx),
        audit: { ...audit, after: { ...audit.after, restoredFrom: input.auditEventId } },
      };
    });
  },
});

/** What still names a Spark config, in words; a config in use may not be deleted. */
export function sparkConfigReferences(row: SparkConfigRow, tx: Tx): string[] {
  const references = [
    ...tx
      .select({ key: projects.key })
      .from(projects)
      .where(eq(projects.sparkConfigId, row.id))
      .all()
      .map((project) => `project ${project.key}`),
    ...tx
      .select({ key: projects.key, objectId: projectOverrides.objectId })
      .from(projectOverrides)
      .innerJoin(projects, eq(projects.id, projectOverrides.projectId))
      .where(eq(projectOverrides.sparkConfigId, row.id))
      .all()
      .map((override) => `the override of ${override.objectId} in project ${override.key}`),
  ];
  const setting = tx.select().from(settings).where(eq(settings.key, "defaultSparkConfig")).get();
  if (setting && (setting.value === row.id || setting.value === String(row.id)))
    references.push("the setting defaultSparkConfig");
  return references;
}

export const deleteSparkConfig = defineMutation({
  name: "spark-config.delete",
  permission: "configs.manage",
  schema: deleteSparkConfigSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const row = requireConfig(tx, input.config);
      const references = sparkConfigReferences(row, tx);
      if (references.length) {
        throw new DomainError(
          409,
          `Spark config "${row.name}" is still used by ${references.join(", ")}: change those first`,
          undefined,
          { references },
        );
      }
      tx.delete(sparkConfigs).where(eq(sparkConfigs.id, row.id)).run();
      return { result: { id: row.id, name: row.name }, audit: { ...audit(row), before: sparkConfigBody(row, tx) } };
    });
  },
});

/**
 * Imports a YAML document `{ yaml }`: creates the config, or saves it as the next version of the config of
 * that name, through the create or update mutation (their permissions and audit rows apply).
 */
export const importSparkConfig = defineMutation({
  name: "spark-config.import",
  permission: createSparkConfig.permission,
  schema: importSparkConfigSchema,
  run(input, ctx) {
    const parsed = fromYamlDocument(input.yaml, SPARK_CONFIG_KIND, createSparkConfigSchema);
    if (!parsed.ok) throw new DomainError(400, parsed.error, parsed.fieldErrors);
    const existing = findSparkConfig(parsed.value.name);
    return existing
      ? ctx.delegate(updateSparkConfig, { ...parsed.value, config: existing.id })
      : ctx.delegate(createSparkConfig, parsed.value);
  },
});
