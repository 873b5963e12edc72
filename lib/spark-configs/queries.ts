import "server-only";

import { asc, eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { clusters, sparkConfigs, type SparkConfigRow } from "@/db/schema";
import { operatorNamespaceProblem } from "@/lib/clusters/spark-operator-namespaces";
import { isIdRef } from "@/lib/objects/versioned";
import { can, mayUse, type Actor } from "@/lib/permissions";
import { getInstanceDefaults } from "@/lib/settings/queries";

import type { SparkConfigInput, SparkConfigSpec, SparkConfigView } from "./schema";

type Reader = ReturnType<typeof getDb> | Tx;

export const SPARK_CONFIG_KIND = "SparkConfig";
export const SPARK_CONFIG_OBJECT_TYPE = "spark-config";

/** Finds a Spark config row by numeric id or by name. */
export function findSparkConfig(ref: string | number, db: Reader = getDb()): SparkConfigRow | undefined {
  return db
    .select()
    .from(sparkConfigs)
    .where(isIdRef(ref) ? eq(sparkConfigs.id, Number(ref)) : eq(sparkConfigs.name, String(ref)))
    .get();
}

function clusterName(clusterId: number | null, db: Reader): string | null {
  if (clusterId === null) return null;
  return db.select({ name: clusters.name }).from(clusters).where(eq(clusters.id, clusterId)).get()?.name ?? null;
}

/** The whole body of a config as the create schema takes it: what history saves and YAML exports. */
export function sparkConfigBody(row: SparkConfigRow, db: Reader = getDb()): SparkConfigInput {
  const spec = row.spec as unknown as SparkConfigSpec;
  return {
    name: row.name,
    description: row.description,
    conf: spec.conf,
    managed: spec.managed,
    image: spec.image,
    registry: spec.registry,
    executorPodTemplate: spec.executorPodTemplate,
    cluster: clusterName(row.clusterId, db),
    usableBy: row.usableBy,
  };
}

export function toSparkConfigView(row: SparkConfigRow, actor: Actor | null, db: Reader = getDb()): SparkConfigView {
  return {
    ...sparkConfigBody(row, db),
    id: row.id,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    mayUse: actor ? mayUse(actor, row.usableBy) : false,
  };
}

/** The configs an actor may see: all for those who manage configs, else the ones their groups may use. */
export function listSparkConfigs(actor: Actor, manage: boolean): SparkConfigView[] {
  const db = getDb();
  return db
    .select()
    .from(sparkConfigs)
    .orderBy(asc(sparkConfigs.name))
    .all()
    .filter((row) => manage || mayUse(actor, row.usableBy))
    .map((row) => toSparkConfigView(row, actor, db));
}

/** A config the actor may see (those who manage configs see all), else undefined. */
export function findVisibleSparkConfig(actor: Actor, ref: string | number): SparkConfigRow | undefined {
  const row = findSparkConfig(ref);
  return row && (can(actor, "configs.manage") || mayUse(actor, row.usableBy)) ? row : undefined;
}

/** The API server URL of the cluster a config runs on (its own, else the embedded one), for previews. */
export function previewServer(row: SparkConfigRow, db: Reader = getDb()): string {
  const own =
    row.clusterId === null
      ? undefined
      : db.select({ server: clusters.server }).from(clusters).where(eq(clusters.id, row.clusterId)).get();
  const fallback =
    own ?? db.select({ server: clusters.server }).from(clusters).where(eq(clusters.embedded, true)).get();
  return fallback?.server ?? "https://kubernetes.default.svc";
}

/**
 * Why Spark runs of a config would not be handled by the spark-operator of its cluster (its own,
 * else the instance default), from the job namespaces recorded for that cluster; null when fine or not known.
 */
export function operatorNamespaceWarning(row: SparkConfigRow, db: Reader = getDb()): string | null {
  const clusterId = row.clusterId ?? getInstanceDefaults(db).clusterId;
  if (clusterId === null) return null;
  const cluster = db
    .select({ name: clusters.name, sparkJobNamespaces: clusters.sparkJobNamespaces })
    .from(clusters)
    .where(eq(clusters.id, clusterId))
    .get();
  if (!cluster) return null;
  const spec = row.spec as unknown as SparkConfigSpec;
  const namespace = spec.managed.enabled
    ? spec.managed.namespace
    : (spec.conf["spark.kubernetes.namespace"] ?? "default");
  const problem = operatorNamespaceProblem(namespace, cluster.sparkJobNamespaces);
  return problem ? `Cluster ${cluster.name}: ${problem}.` : null;
}
