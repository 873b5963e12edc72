import "server-only";

import { and, eq, inArray, ne, or } from "drizzle-orm";

import type { Tx } from "@/db";
import {
  baseImages,
  dockerHostGrants,
  dockerHosts,
  executionConfigs,
  groups,
  projectOverrides,
  projects,
  settings,
  type ExecutionConfigRow,
} from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { findCluster } from "@/lib/clusters/queries";
import { BASE_IMAGE_PREFIX, baseImageNameOf } from "@/lib/images/base-image-ref";
import { conflictView, versionToRestore } from "@/lib/objects/history";
import { assertFreshVersion } from "@/lib/objects/versioned";
import { fromYamlDocument } from "@/lib/objects/yaml";
import { fieldErrorsFrom } from "@/lib/validation";

import {
  EXECUTION_CONFIG_KIND,
  EXECUTION_CONFIG_OBJECT_TYPE,
  executionConfigBody,
  findExecutionConfig,
  toExecutionConfigView,
} from "./queries";
import {
  createExecutionConfigSchema,
  deleteExecutionConfigSchema,
  importExecutionConfigSchema,
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

/** Checks the names a body refers to (cluster, Docker host, groups) and turns it into column values. */
function columnsOf(tx: Tx, input: ExecutionConfigInput) {
  const { name, description, cluster, usableBy, engine, dockerHost, ...spec } = input;
  const fieldErrors: Record<string, string[]> = {};
  let clusterId: number | null = null;
  if (cluster) {
    const row = findCluster(cluster, tx);
    if (row) clusterId = row.id;
    else fieldErrors.cluster = [`No cluster named "${cluster}"`];
  }
  let dockerHostId: number | null = null;
  if (dockerHost) {
    const host = tx
      .select({ id: dockerHosts.id, usableByAll: dockerHosts.usableByAll })
      .from(dockerHosts)
      .where(eq(dockerHosts.name, dockerHost))
      .get();
    if (!host) fieldErrors.dockerHost = [`No Docker host named "${dockerHost}"`];
    else {
      dockerHostId = host.id;
      const refused = groupsWithoutDockerHostUse(tx, host, usableBy);
      if (refused) fieldErrors.dockerHost = [refused];
    }
  }
  if (usableBy !== "all") {
    const found = tx
      .select({ name: groups.name })
      .from(groups)
      .where(inArray(groups.name, usableBy.groups))
      .all()
      .map((row) => row.name);
    usableBy.groups.forEach((group, index) => {
      if (!found.includes(group)) fieldErrors[`usableBy.groups.${index}`] = [`No group named "${group}"`];
    });
  }
  const baseImage = baseImageNameOf(spec.image);
  if (
    baseImage !== null &&
    !tx.select({ id: baseImages.id }).from(baseImages).where(eq(baseImages.name, baseImage)).get()
  ) {
    fieldErrors.image = [
      `No base image named "${baseImage}" (images named ${BASE_IMAGE_PREFIX}<name> are base images built in Berth)`,
    ];
  }
  if (Object.keys(fieldErrors).length) throw new DomainError(422, "Some referenced objects do not exist", fieldErrors);
  return {
    name,
    description,
    clusterId,
    engine,
    dockerHostId,
    usableBy: usableBy === "all" ? ("all" as const) : { groups: [...new Set(usableBy.groups)] },
    spec: spec satisfies ExecutionConfigSpec as Record<string, unknown>,
  };
}

/**
 * Why the groups a docker config is usable by could not run on its host, or undefined when they
 * all may: a config whose users are refused by its host at every run would only fail later.
 */
function groupsWithoutDockerHostUse(
  tx: Tx,
  host: { id: number; usableByAll: boolean },
  usableBy: ExecutionConfigInput["usableBy"],
): string | undefined {
  if (host.usableByAll) return undefined;
  if (usableBy === "all")
    return `Docker host ${dockerHostNameOf(tx, host.id)} is not usable by everyone, but this config is: let everyone use the host, or limit the config to groups granted use on it`;
  const granted = tx
    .select({ name: groups.name })
    .from(dockerHostGrants)
    .innerJoin(groups, eq(groups.id, dockerHostGrants.groupId))
    .where(eq(dockerHostGrants.dockerHostId, host.id))
    .all()
    .map((row) => row.name);
  const missing = usableBy.groups.filter((group) => !granted.includes(group));
  if (!missing.length) return undefined;
  return `${missing.length === 1 ? "Group" : "Groups"} ${missing.join(", ")} may not use Docker host ${dockerHostNameOf(tx, host.id)}: grant ${missing.length === 1 ? "it" : "them"} use on the host first`;
}

function dockerHostNameOf(tx: Tx, id: number): string {
  return tx.select({ name: dockerHosts.name }).from(dockerHosts).where(eq(dockerHosts.id, id)).get()?.name ?? `#${id}`;
}

function audit(row: ExecutionConfigRow) {
  return { objectType: EXECUTION_CONFIG_OBJECT_TYPE, objectId: row.id, objectName: row.name };
}

function assertNameFree(tx: Tx, name: string, exceptId?: number) {
  const taken = tx
    .select({ id: executionConfigs.id })
    .from(executionConfigs)
    .where(
      exceptId
        ? and(eq(executionConfigs.name, name), ne(executionConfigs.id, exceptId))
        : eq(executionConfigs.name, name),
    )
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
  return {
    after,
    audit: { ...audit(after), before: executionConfigBody(before, tx), after: executionConfigBody(after, tx) },
  };
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
      return {
        result: toExecutionConfigView(row, ctx.actor, tx),
        audit: { ...audit(row), after: executionConfigBody(row, tx) },
      };
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
      assertFreshVersion(
        "This execution config",
        before,
        version,
        conflictView(EXECUTION_CONFIG_OBJECT_TYPE, before.id, toExecutionConfigView(before, ctx.actor, tx), tx),
      );
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
      const body = versionToRestore(
        EXECUTION_CONFIG_OBJECT_TYPE,
        before.id,
        input.auditEventId,
        executionConfigBody(before, tx),
        tx,
      );
      const { after, audit } = saveVersion(tx, before, parseBody(body));
      return {
        result: toExecutionConfigView(after, ctx.actor, tx),
        audit: { ...audit, after: { ...audit.after, restoredFrom: input.auditEventId } },
      };
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
    if (/executionconfig/i.test(setting.key) && (setting.value === row.id || setting.value === String(row.id)))
      references.push(`the setting ${setting.key}`);
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
        throw new DomainError(
          409,
          `Execution config "${row.name}" is still used by ${references.join(", ")}: change those first`,
          undefined,
          { references },
        );
      }
      tx.delete(executionConfigs).where(eq(executionConfigs.id, row.id)).run();
      return { result: { id: row.id, name: row.name }, audit: { ...audit(row), before: executionConfigBody(row, tx) } };
    });
  },
});

/**
 * Imports a YAML document `{ yaml }`: creates the config, or saves it as the next version of the config of
 * that name, through the create or update mutation (their permissions and audit rows apply).
 */
export const importExecutionConfig = defineMutation({
  name: "execution-config.import",
  permission: createExecutionConfig.permission,
  schema: importExecutionConfigSchema,
  run(input, ctx) {
    const parsed = fromYamlDocument(input.yaml, EXECUTION_CONFIG_KIND, createExecutionConfigSchema);
    if (!parsed.ok) throw new DomainError(400, parsed.error, parsed.fieldErrors);
    const existing = findExecutionConfig(parsed.value.name);
    return existing
      ? ctx.delegate(updateExecutionConfig, { ...parsed.value, config: existing.id })
      : ctx.delegate(createExecutionConfig, parsed.value);
  },
});
