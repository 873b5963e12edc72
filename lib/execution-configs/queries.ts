import "server-only";

import { asc, eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { clusters, dockerHosts, executionConfigs, type ExecutionConfigRow } from "@/db/schema";
import { isIdRef } from "@/lib/objects/versioned";
import { toYamlDocument } from "@/lib/objects/yaml";
import { mayUse, type Actor } from "@/lib/permissions";

import { NO_GPU } from "./gpu";
import type { ExecutionConfigInput, ExecutionConfigSpec, ExecutionConfigView } from "./schema";

export type { ExecutionConfigRow } from "@/db/schema";

type Reader = ReturnType<typeof getDb> | Tx;

export const EXECUTION_CONFIG_KIND = "ExecutionConfig";
export const EXECUTION_CONFIG_OBJECT_TYPE = "execution-config";

/** Finds a config row by numeric id or by name. */
export function findExecutionConfig(ref: string | number, db: Reader = getDb()): ExecutionConfigRow | undefined {
  return db
    .select()
    .from(executionConfigs)
    .where(isIdRef(ref) ? eq(executionConfigs.id, Number(ref)) : eq(executionConfigs.name, String(ref)))
    .get();
}

function clusterName(clusterId: number | null, db: Reader): string | null {
  if (clusterId === null) return null;
  return db.select({ name: clusters.name }).from(clusters).where(eq(clusters.id, clusterId)).get()?.name ?? null;
}

function dockerHostName(dockerHostId: number | null, db: Reader): string | null {
  if (dockerHostId === null) return null;
  return (
    db.select({ name: dockerHosts.name }).from(dockerHosts).where(eq(dockerHosts.id, dockerHostId)).get()?.name ?? null
  );
}

/** The whole body of a config as the create schema takes it: what history saves and YAML exports. */
export function executionConfigBody(row: ExecutionConfigRow, db: Reader = getDb()): ExecutionConfigInput {
  return {
    name: row.name,
    description: row.description,
    cluster: clusterName(row.clusterId, db),
    usableBy: row.usableBy,
    engine: row.engine,
    dockerHost: dockerHostName(row.dockerHostId, db),
    ...(row.spec as unknown as ExecutionConfigSpec),
    // Configs saved before docker configs existed have none.
    workingDir: (row.spec as Partial<ExecutionConfigSpec>).workingDir ?? "",
    // Configs saved before the field existed have none.
    allowedReservedEnv: (row.spec as Partial<ExecutionConfigSpec>).allowedReservedEnv ?? [],
    runAsUser: (row.spec as Partial<ExecutionConfigSpec>).runAsUser ?? null,
    // Such configs ask GPUs in resources, if at all: read there (configGpuCount), with the default toleration key.
    gpu: (row.spec as Partial<ExecutionConfigSpec>).gpu ?? { ...NO_GPU },
  };
}

export function toExecutionConfigView(
  row: ExecutionConfigRow,
  actor: Actor | null,
  db: Reader = getDb(),
): ExecutionConfigView {
  return {
    ...executionConfigBody(row, db),
    id: row.id,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    mayUse: actor ? mayUse(actor, row.usableBy) : false,
  };
}

/**
 * The configs an actor may see: all of them for those who manage configs, else only the ones
 * their groups may use.
 */
export function listExecutionConfigs(actor: Actor, manage: boolean): ExecutionConfigView[] {
  const db = getDb();
  return db
    .select()
    .from(executionConfigs)
    .orderBy(asc(executionConfigs.name))
    .all()
    .filter((row) => manage || mayUse(actor, row.usableBy))
    .map((row) => toExecutionConfigView(row, actor, db));
}

/** The config as a YAML document (`kind: ExecutionConfig`), the form YAML import accepts. */
export function executionConfigYaml(row: ExecutionConfigRow, db: Reader = getDb()): string {
  const { name, description, ...spec } = executionConfigBody(row, db);
  return toYamlDocument(EXECUTION_CONFIG_KIND, { name, description }, spec);
}
