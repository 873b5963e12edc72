import "server-only";

import { and, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { runs, type RunRow } from "@/db/schema";
import type { Actor } from "@/lib/permissions";

import { maySeeRun, readableProjectIds } from "./access";
import type { ListRunsFilters, RunView } from "./schema";
import { toRunView } from "./views";

type Reader = ReturnType<typeof getDb> | Tx;

/** A run row by id, whoever asks (for the reconciler and the domain code). */
export function findRun(id: string, db: Reader = getDb()): RunRow | undefined {
  return db.select().from(runs).where(eq(runs.id, id)).get();
}

/** Which of these ids are runs the actor may see (pods name their run; a link must not lead to a 404). */
export function visibleRunIds(actor: Actor, ids: string[]): Set<string> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const found: RunRow[] = [];
  // SQLite limits bound parameters per statement.
  for (let start = 0; start < unique.length; start += 500)
    found.push(
      ...getDb()
        .select()
        .from(runs)
        .where(inArray(runs.id, unique.slice(start, start + 500)))
        .all(),
    );
  return new Set(found.filter((row) => maySeeRun(actor, row)).map((row) => row.id));
}

/** The run if the actor may see it; undefined otherwise, so others cannot tell it exists. */
export function findVisibleRun(actor: Actor, id: string): RunRow | undefined {
  const row = findRun(id);
  return row && maySeeRun(actor, row) ? row : undefined;
}

/** The runs the actor may see, newest first, narrowed by the filters (project by key, user by username, cluster by name). */
export function listRunsFor(actor: Actor, filters: Partial<ListRunsFilters> = {}): RunView[] {
  const conditions: SQL[] = [];
  const readable = readableProjectIds(actor);
  if (readable !== "all") {
    const own = eq(runs.userId, actor.id);
    conditions.push(readable.length ? or(own, inArray(runs.projectId, readable))! : own);
  }
  if (filters.status) conditions.push(eq(runs.status, filters.status));
  if (filters.project) conditions.push(sql`lower(${runs.project}) = lower(${filters.project})`);
  if (filters.user) conditions.push(eq(runs.username, filters.user));
  if (filters.activity) conditions.push(eq(runs.activity, filters.activity));
  if (filters.cluster) conditions.push(eq(runs.cluster, filters.cluster));
  return getDb()
    .select()
    .from(runs)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(filters.limit ?? 100)
    .all()
    .map(toRunView);
}
