import "server-only";

import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { z } from "zod";

import { getDb, type Tx } from "@/db";
import { clusters, runs, settings, type RunRow } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { describeKubeError } from "@/lib/kube/errors";
import { deleteRunObjects } from "@/lib/kube/run-workloads";

import { isDockerRun, removeDockerContainers } from "./docker";
import { publishRunChange, runChangeOf } from "./events";
import { FINAL_RUN_STATUSES } from "./status";
import { runObjectsOf } from "./views";

type Reader = ReturnType<typeof getDb> | Tx;

export const DEFAULT_RETENTION_SECONDS = 3600;
export const DEFAULT_LOG_TAIL_KB = 64;
const RETENTION_KEY = "runs.retentionSeconds";
const LOG_TAIL_KEY = "runs.logTailKb";

/** How long a finished run's pods stay on the cluster, and how much of its log the database keeps. */
export interface RunSettings {
  retentionSeconds: number;
  logTailKb: number;
}

function positiveInteger(key: string, db: Reader): number | null {
  const value = db.select().from(settings).where(eq(settings.key, key)).get()?.value;
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : null;
}

/** The run settings, defaults filled in (`GET /api/v1/runs/settings`). */
export function runSettings(db: Reader = getDb()): RunSettings {
  return {
    retentionSeconds: positiveInteger(RETENTION_KEY, db) ?? DEFAULT_RETENTION_SECONDS,
    logTailKb: positiveInteger(LOG_TAIL_KEY, db) ?? DEFAULT_LOG_TAIL_KB,
  };
}

const WEEK_SECONDS = 7 * 24 * 3600;

export const runSettingsSchema = z.strictObject({
  retentionSeconds: z
    .number({ error: "retentionSeconds must be a whole number of seconds" })
    .int("retentionSeconds must be a whole number of seconds")
    .min(0, "retentionSeconds cannot be negative (0 deletes pods as soon as the run ends)")
    .max(WEEK_SECONDS, "retentionSeconds is at most 604800 (a week)")
    .nullable()
    .optional(),
  logTailKb: z
    .number({ error: "logTailKb must be a whole number of KB" })
    .int("logTailKb must be a whole number of KB")
    .min(1, "logTailKb is at least 1")
    .max(1024, "logTailKb is at most 1024 (1 MB per run)")
    .nullable()
    .optional(),
});

// The reconciler reschedules its retention timer when the settings change.
const globalForSettings = globalThis as unknown as { berthRunSettingsListeners?: Set<() => void> };
const listeners = (globalForSettings.berthRunSettingsListeners ??= new Set());

/** Calls `listener` after the run settings change, until the returned function is called. */
export function onRunSettingsChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Sets how long finished runs' pods are kept and how many KB of log a run keeps (null: the default). */
export const updateRunSettings = defineMutation({
  name: "settings.runs.update",
  permission: "settings.manage",
  schema: runSettingsSchema,
  run(input, ctx) {
    const result = ctx.write((tx) => {
      const before = runSettings(tx);
      const write = (key: string, value: number | null | undefined) => {
        if (value === undefined) return;
        if (value === null) tx.delete(settings).where(eq(settings.key, key)).run();
        else
          tx.insert(settings)
            .values({ key, value })
            .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } })
            .run();
      };
      write(RETENTION_KEY, input.retentionSeconds);
      write(LOG_TAIL_KEY, input.logTailKb);
      const after = runSettings(tx);
      return {
        result: after,
        audit: {
          objectType: "settings",
          objectId: "instance",
          objectName: "runs",
          before: { ...before },
          after: { ...after },
        },
      };
    });
    for (const listener of listeners) listener();
    return result;
  },
});

/** When a finished run's pods are due for deletion. */
export function cleanupDueAt(run: Pick<RunRow, "finishedAt">, retentionSeconds: number): Date | null {
  return run.finishedAt ? new Date(run.finishedAt.getTime() + retentionSeconds * 1000) : null;
}

/** A failed deletion (cluster unreachable) is tried again after this long. */
const RETRY_AFTER_MS = 60_000;
/** The timer never sleeps longer than this, so a changed clock or a missed event heals. */
const MAX_SLEEP_MS = 3_600_000;

function finishedNotCleaned(db: Reader): RunRow[] {
  return db
    .select()
    .from(runs)
    .where(and(inArray(runs.status, [...FINAL_RUN_STATUSES]), isNull(runs.cleanedUpAt), isNotNull(runs.finishedAt)))
    .all();
}

/**
 * Deletes the cluster objects of every finished run whose retention period is over (its pods,
 * Spark executors included, SparkApplication and per-job account) and records cleanedUpAt; the
 * run row, its final status, events and log tail stay. Returns when the next run is due, or null.
 */
export async function cleanUpFinishedRuns(now: Date): Promise<Date | null> {
  const db = getDb();
  const { retentionSeconds } = runSettings(db);
  let next: Date | null = null;
  const later = (date: Date) => {
    if (!next || date < next) next = date;
  };
  for (const run of finishedNotCleaned(db)) {
    const due = cleanupDueAt(run, retentionSeconds)!;
    if (due > now) {
      later(due);
      continue;
    }
    const cluster =
      run.clusterId === null ? undefined : db.select().from(clusters).where(eq(clusters.id, run.clusterId)).get();
    try {
      if (cluster) await deleteRunObjects(cluster, run.id, run.namespace, runObjectsOf(run));
      if (isDockerRun(run)) await removeDockerContainers(run);
    } catch (error) {
      console.warn(`berth: could not delete the pods of run ${run.id}: ${describeKubeError(error).message}`);
      later(new Date(now.getTime() + RETRY_AFTER_MS));
      continue;
    }
    const saved = db
      .update(runs)
      .set({ cleanedUpAt: new Date() })
      .where(and(eq(runs.id, run.id), isNull(runs.cleanedUpAt)))
      .returning()
      .get();
    if (saved) publishRunChange(runChangeOf(saved));
  }
  return next;
}

/**
 * One timer per server process that cleans up finished runs when they fall due: it sleeps until
 * the next due run (not a poll of the cluster), and is woken when a run finishes or the settings change.
 */
export class RetentionTimer {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private again = false;

  /** Sweeps now, then sleeps until the next run falls due. */
  wake(): void {
    if (this.sweeping) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sweeping = cleanUpFinishedRuns(new Date())
      .catch((error: unknown) => {
        console.error("berth: run retention sweep failed", error);
        return new Date(Date.now() + RETRY_AFTER_MS);
      })
      .then((next) => {
        this.sweeping = null;
        if (this.again) {
          this.again = false;
          this.wake();
          return;
        }
        if (!next) return;
        const delay = Math.min(MAX_SLEEP_MS, Math.max(0, next.getTime() - Date.now()));
        this.timer = setTimeout(() => this.wake(), delay);
        this.timer.unref?.();
      });
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
