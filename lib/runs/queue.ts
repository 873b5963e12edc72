import "server-only";

import { and, asc, eq, inArray, or, type SQL } from "drizzle-orm";

import { getDb } from "@/db";
import { runs } from "@/db/schema";
import type { Actor } from "@/lib/permissions";

import { readableProjectIds } from "./access";
import type { WaitingRun } from "./queue-schema";

export type { WaitingRun };

const WAITING = ["queued", "pending"] as const;

/** What a waiting run is waiting for when the cluster has not said yet. */
function defaultReason(status: WaitingRun["status"]): string {
  return status === "queued" ? "Waiting to be created on the cluster" : "Waiting for the scheduler to place its pod";
}

/**
 * The queue: runs queued in Berth (e.g. over quota) or pending on their cluster, oldest first,
 * across the projects the actor may read (and the actor's own runs), with their reasons.
 * Positions count every waiting run of the cluster, including ones the actor may not see, so a
 * place in line is true for everyone.
 */
export function listWaitingRuns(actor: Actor, limit = 200): WaitingRun[] {
  const db = getDb();
  const waiting = db
    .select()
    .from(runs)
    .where(inArray(runs.status, [...WAITING]))
    .orderBy(asc(runs.createdAt), asc(runs.id))
    .all();
  const positions = new Map<string, number>();
  const counted = new Map<string, number>();
  for (const row of waiting) {
    const place = (counted.get(row.cluster) ?? 0) + 1;
    counted.set(row.cluster, place);
    positions.set(row.id, place);
  }
  const conditions: SQL[] = [inArray(runs.status, [...WAITING])];
  const readable = readableProjectIds(actor);
  if (readable !== "all") {
    const own = eq(runs.userId, actor.id);
    conditions.push(readable.length ? or(own, inArray(runs.projectId, readable))! : own);
  }
  return db
    .select()
    .from(runs)
    .where(and(...conditions))
    .orderBy(asc(runs.createdAt), asc(runs.id))
    .limit(limit)
    .all()
    .map((row) => {
      const status = row.status as WaitingRun["status"];
      return {
        id: row.id,
        name: row.name,
        project: row.project,
        user: row.username,
        activity: row.activity,
        cluster: row.cluster,
        namespace: row.namespace,
        status,
        gpus: row.gpus,
        reason: row.reason ?? defaultReason(status),
        position: positions.get(row.id) ?? 0,
        waitingSince: row.createdAt.toISOString(),
      };
    });
}
