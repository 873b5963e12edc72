import "server-only";

import { eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { clusters, executionConfigs, settings } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { getInstanceDefaults, getSettingsView } from "@/lib/settings/queries";

import { EXECUTION_CONFIG_OBJECT_TYPE, executionConfigBody } from "./queries";
import { createExecutionConfigSchema, type ExecutionConfigSpec } from "./schema";

/** The settings row that records what the first start seeded; once present, nothing is seeded again. */
const STARTING_POINTS_KEY = "startingPoints";

export const STARTER_CONFIG_NAME = "starter-cpu";

/** What Berth seeded on the first start with the embedded cluster, so pages can mark it as a starting point. */
export interface StartingPoints {
  seededAt: string;
  /** The execution config it created (null when one of that name already existed). */
  executionConfigId: number | null;
  /** The embedded cluster it made the default and opened to everyone. */
  clusterId: number;
}

type Reader = ReturnType<typeof getDb> | Tx;

/** What was seeded, or null on an install that never started with the embedded cluster. */
export function startingPoints(db: Reader = getDb()): StartingPoints | null {
  const value = db.select().from(settings).where(eq(settings.key, STARTING_POINTS_KEY)).get()?.value;
  return value && typeof value === "object" ? (value as StartingPoints) : null;
}

/** A small CPU config every user may run with: enough for a first notebook or recipe, nothing a cluster would miss. */
const STARTER_CONFIG = createExecutionConfigSchema.parse({
  name: STARTER_CONFIG_NAME,
  description:
    "Starting point created by Berth on its first start: a small CPU config everyone may use, set as the instance default. Change it, or delete it once another default is set.",
  image: "python:3.12-slim",
  namespace: "berth-${project}",
  createNamespace: true,
  resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
  usableBy: "all",
});

const STARTER_CLUSTER_NOTE =
  "Starting point: everyone may run work on it and it is the instance default cluster; change either under Permissions and Settings.";

/**
 * On the first start with the embedded cluster, makes a fresh install able to run at once: the
 * embedded cluster becomes the instance default cluster, usable by everyone, and a small CPU
 * execution config (usable by everyone) the default for user code and visual recipes. Each is
 * done only where the admin has not already set one, all of it once: what an admin later changes
 * or deletes is not brought back at the next start. Audited as system.
 */
export function seedStartingPoints(): StartingPoints | null {
  const db = getDb();
  return db.transaction((tx) => {
    if (startingPoints(tx)) return null;
    const embedded = tx.select().from(clusters).where(eq(clusters.embedded, true)).get();
    if (!embedded) return null;
    const defaults = getInstanceDefaults(tx);
    const before = getSettingsView(tx);

    const opened = tx
      .update(clusters)
      .set({
        usableByAll: true,
        description: embedded.description ? `${embedded.description}. ${STARTER_CLUSTER_NOTE}` : STARTER_CLUSTER_NOTE,
        updatedAt: new Date(),
      })
      .where(eq(clusters.id, embedded.id))
      .returning()
      .get();
    recordAudit(tx, null, "system", {
      action: "cluster.set-grants",
      objectType: "cluster",
      objectId: opened.id,
      objectName: opened.name,
      before: { usableByAll: embedded.usableByAll },
      after: { usableByAll: true, startingPoint: true },
    });

    let configId: number | null = null;
    if (
      !tx
        .select({ id: executionConfigs.id })
        .from(executionConfigs)
        .where(eq(executionConfigs.name, STARTER_CONFIG_NAME))
        .get()
    ) {
      const { name, description, usableBy } = STARTER_CONFIG;
      // The body's columns are stored apart; the rest is the spec (as lib/execution-configs stores it).
      const spec = Object.fromEntries(
        Object.entries(STARTER_CONFIG).filter(([key]) => !["name", "description", "cluster", "usableBy"].includes(key)),
      ) as ExecutionConfigSpec;
      const row = tx
        .insert(executionConfigs)
        .values({ name, description, clusterId: null, usableBy, spec: spec as Record<string, unknown> })
        .returning()
        .get();
      configId = row.id;
      recordAudit(tx, null, "system", {
        action: "execution-config.create",
        objectType: EXECUTION_CONFIG_OBJECT_TYPE,
        objectId: row.id,
        objectName: row.name,
        after: executionConfigBody(row, tx),
      });
    }

    const put = (key: string, value: number) =>
      tx
        .insert(settings)
        .values({ key, value })
        .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } })
        .run();
    if (defaults.clusterId === null) put("defaultCluster", embedded.id);
    if (configId !== null && defaults.executionConfigId === null) put("defaultExecutionConfig", configId);
    if (configId !== null && defaults.visualRecipeExecutionConfigId === null)
      put("defaultVisualRecipeExecutionConfig", configId);
    const after = getSettingsView(tx);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      recordAudit(tx, null, "system", {
        action: "settings.update",
        objectType: "settings",
        objectId: "instance",
        objectName: "instance defaults",
        before,
        after: { ...after, startingPoint: true },
      });
    }

    const seeded: StartingPoints = {
      seededAt: new Date().toISOString(),
      executionConfigId: configId,
      clusterId: embedded.id,
    };
    tx.insert(settings).values({ key: STARTING_POINTS_KEY, value: seeded }).run();
    return seeded;
  });
}
