import "server-only";
import { and, eq, inArray, ne, or } from "drizzle-orm";
import type { Tx } from "@/db";
import { baseImages, executionConfigs, groups, projectOverrides, projects, settings, type ExecutionConfigRow } from "@/db/schema";
import { defineMutation, executeMutation } from "@/lib/actions/mutation";
import { DomainError, conflict, notFound, type Result } from "@/lib/actions/result";
import type { AuditSource } from "@/lib/audit/record";
import { findCluster } from "@/lib/clusters/queries";
import { BASE_IMAGE_PREFIX, baseImageNameOf } from "@/lib/images/base-image-ref";
import { conflictView, versionToRestore } from "@/lib/objects/history";
import { importRefusal } from "@/lib/objects/import";
import { assertFreshVersion } from "@/lib/objects/versioned";
import { fromYamlDocument } from "@/lib/objects/yaml";
import type { Actor } from "@/lib/permissions";
import { fieldErrorsFrom } from "@/lib/validation";
import { EXECUTION_CONFIG_KIND, EXECUTION_CONFIG_OBJECT_TYPE, executionConfigBody, findExecutionConfig, toExecutionConfigView } from "./queries";
import {
  createExecutionConfigSchema,
  deleteExecutionConfigSchema,
  restoreExecutionConfigSchema,
  updateExecutionConfigSchema,
  type ExecutionConfigInput,
  type ExecutionConfigSpec,
} from "./schema";

const READ_ONLY_FIELDS = new Set(["config", "version", "id", "mayUse", "createdAt", "updatedAt"]);

function requireConfig(tx: Tx, ref: string | number): ExecutionConfigRow {
  const row = findExecutionConfig(ref, tx);
  if (!row) throw notFound(`Execution config "${ref}"`);
  return row;
}

/** Checks the names a body refers to (cluster, groups) and turns it into column values. */
function columnsOf(tx: Tx, input: ExecutionConfigInput) {
  const { name, description, cluster, usableBy, ...spec } = input;
  const fieldErrors: Record<string, string[]> = {};
  let clusterId: number | null = null;
  if (cluster) {
    const row = findCluster(cluster, tx);
    if (row) clusterId = row.id;
    else fieldErrors.cluster = [`No cluster named "${cluster}"`];
  }
  if (usableBy !== "all") {
    const found = tx.select({ name: groups.name }).from(groups).where(inArray(groups.name, usableBy.groups)).all().map((row) => row.name);
    usableBy.groups.forEach((group, index) => {
      if (!found.includes(group)) fieldErrors[`usableBy.groups.${index}`] = [`No group named "${group}"`];
    });
  }
  const baseImage = baseImageNameOf(spec.image);
  if (baseImage !== null && !tx.select({ id: baseImages.id }).from(baseImages).where(eq(baseImages.name, baseImage)).get()) {
    fieldErrors.image = [`No base image named "${baseImage}" (images named ${BASE_IMAGE_PREFIX}<name> are base images built in Berth)`];
  }
  if (Object.keys(fieldErrors).length) throw new DomainError(422, "Some referenced objects do not exist", fieldErrors);
  return {
    name,
    description,
    clusterId,
    usableBy: usableBy === "all" ? ("all" as const) : { groups: [...new Set(usableBy.groups)] },
    spec: (spec satisfies ExecutionConfigSpec) as Record<string, unknown>,
  };
}

function audit(row: ExecutionConfigRow) {
  return { objectType: EXECUTION_CONFIG_OBJECT_TYPE, objectId: row.id, objectName: row.name };
}

function assertNameFree(tx: Tx, name: string, exceptId?: number) {
  const taken = tx
    .select({ id: executionConfigs.id })
    .from(executionConfigs)
    .where(exceptId ? and(eq(executionConfigs.name, name), ne(executionConfigs.id, exceptId)) : eq(executionConfigs.name, name))
    .get();
  if (taken) throw conflict("name", `An execution config named "${name}" already exists`);
}

/** Saves a whole body over an existing config as its next version. */
function saveVersion(tx: Tx, before: ExecutionConfigRow, body: ExecutionConfigInput) {
  assertNameFree(tx, body.name, before.id);
  const after = tx
    .update(executionConfigs)
    .set({ ...columnsOf(tx, body), version: before.version + 1, updatedAt: new Date() })
    .where(eq(executionConfigs.id, before.id))
    .returning()
    .get();
  return { after, audit: { ...audit(after), before: executionConfigBody(before, tx), after: executionConfigBody(after, tx) } };
}

/** A body validated as a whole; a refusal carries every field error. */
function parseBody(raw: Record<string, unknown>): ExecutionConfigInput {
  const parsed = createExecutionConfigSchema.safeParse(raw);
  if (!parsed.success) throw new DomainError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  return parsed.data;
}

export const createExecutionConfig = defineMutation({
  name: "execution-config.create",
  permission: "configs.manage",
  schema: createExecutionConfigSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      assertNameFree(tx, input.name);
      const row = tx.insert(executionConfigs).values(columnsOf(tx, input)).returning().get();
      return { result: toExecutionConfigView(row, ctx.actor, tx), audit: { ...audit(row), after: executionConfigBody(row, tx) } };
    });
  },
});

export const updateExecutionConfig = defineMutation({
  name: "execution-config.update",
  permission: "configs.manage",
  schema: updateExecutionConfigSchema,
  run(input, ctx) {
    const { config, version } = input;
    // Read-only fields of a GET are ignored, so a client may send back what it read.
    const changes = Object.fromEntries(Object.entries(input).filter(([key]) => !READ_ONLY_FIELDS.has(key)));
    return ctx.write((tx) => {
      const before = requireConfig(tx, config);
      assertFreshVersion("This execution config", before, version, conflictView(EXECUTION_CONFIG_OBJECT_TYPE, before.id, toExecutionConfigView(before, ctx.actor, tx), tx));
      const { after, audit } = saveVersion(tx, before, parseBody({ ...executionConfigBody(before, tx), ...changes }));
      return { result: toExecutionConfigView(after, ctx.actor, tx), audit };
    });
  },
});

/** Saves an older version (an audit row's `after`) again, as a new version. */
export const restoreExecutionConfig = defineMutation({
  name: "execution-config.restore",
  permission: "configs.manage",
  schema: restoreExecutionConfigSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const before = requireConfig(tx, input.config);
      const body = versionToRestore(EXECUTION_CONFIG_OBJECT_TYPE, before.id, input.auditEventId, executionConfigBody(before, tx), tx);
      const { after, audit } = saveVersion(tx, before, parseBody(body));
      return { result: toExecutionConfigView(after, ctx.actor, tx), audit: { ...audit, after: { ...audit.after, restoredFrom: input.auditEventId } } };
    });
  },
});

/** What still names a config, in words; a config in use may not be deleted. */
export function executionConfigReferences(row: ExecutionConfigRow, tx: Tx): string[] {
  const references = [
    ...tx
      .select({ key: projects.key })
      .from(projects)
      .where(or(eq(projects.executionConfigId, row.id), eq(projects.visualRecipeExecutionConfigId, row.id)))
      .all()
      .map((project) => `project ${project.key}`),
    ...tx
      .select({ key: projects.key, objectId: projectOverrides.objectId })
      .from(projectOverrides)
      .innerJoin(projects, eq(projects.id, projectOverrides.projectId))
      .where(eq(projectOverrides.executionConfigId, row.id))
      .all()
      .map((override) => `the override of ${override.objectId} in project ${override.key}`),
  ];
  for (const setting of tx.select().from(settings).all()) {
    if (/executionconfig/i.test(setting.key) && (setting.value === row.id || setting.value === String(row.id))) references.push(`the setting ${setting.key}`);
  }
  return references;
}

export const deleteExecutionConfig = defineMutation({
  name: "execution-config.delete",
  permission: "configs.manage",
  schema: deleteExecutionConfigSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const row = requireConfig(tx, input.config);
      const references = executionConfigReferences(row, tx);
      if (references.length) {
        throw new DomainError(409, `Execution config "${row.name}" is still used by ${references.join(", ")}: change those first`, undefined, { references });
      }
      tx.delete(executionConfigs).where(eq(executionConfigs.id, row.id)).run();
      return { result: { id: row.id, name: row.name }, audit: { ...audit(row), before: executionConfigBody(row, tx) } };
    });
  },
});

/**
 * Imports a YAML document: creates the config, or saves it as the next version of the config
 * of that name. Goes through the create or update mutation, so permissions and audit apply.
 */
export async function importExecutionConfig(yaml: string, actor: Actor | null, source: AuditSource): Promise<Result<ReturnType<typeof toExecutionConfigView>>> {
  const refused = importRefusal(actor, createExecutionConfig.permission, yaml);
  if (refused) return refused;
  const parsed = fromYamlDocument(yaml, EXECUTION_CONFIG_KIND, createExecutionConfigSchema);
  if (!parsed.ok) return { ok: false, status: 400, error: parsed.error, fieldErrors: parsed.fieldErrors };
  const existing = findExecutionConfig(parsed.value.name);
  return existing
    ? executeMutation(updateExecutionConfig, { ...parsed.value, config: existing.id }, actor, source)
    : executeMutation(createExecutionConfig, parsed.value, actor, source);
}
