import "server-only";

import { and, desc, eq, isNotNull } from "drizzle-orm";

import { getDb } from "@/db";
import { runs, type Project, type RunStatus } from "@/db/schema";
import type { Actor } from "@/lib/permissions";
import { isActivityType, type ActivityType } from "@/lib/resolution/activities";
import type { Resolution } from "@/lib/resolution/resolve";

import { resolutionContext, type ResolutionContext } from "./queries";

/** A recipe, notebook or ML task of a project: one with an override, or one runs named. */
export interface ProjectObject {
  objectId: string;
  /** The override's activity type, else the activity of its latest run. */
  activity: ActivityType;
  hasOverride: boolean;
  runCount: number;
  lastRun?: { id: string; status: RunStatus; createdAt: string };
  /** What a run of it gets now, for the actor. */
  resolution: Resolution;
}

/** How many past runs are read to find a project's objects (the newest first). */
const RUNS_SCANNED = 5_000;

/**
 * The project's objects, by id: those with an override and those its runs named, each with the
 * effective config a run of it would get now (for this actor) and its latest run.
 */
export function listProjectObjects(
  actor: Actor,
  project: Project,
  context: ResolutionContext = resolutionContext(project),
): ProjectObject[] {
  const found = new Map<string, Omit<ProjectObject, "resolution">>();
  for (const [objectId, override] of context.overrides) {
    found.set(objectId, {
      objectId,
      activity: isActivityType(override.activityType) ? override.activityType : "python-recipe",
      hasOverride: true,
      runCount: 0,
    });
  }
  const rows = getDb()
    .select({
      id: runs.id,
      object: runs.object,
      activity: runs.activity,
      status: runs.status,
      createdAt: runs.createdAt,
    })
    .from(runs)
    .where(and(eq(runs.projectId, project.id), isNotNull(runs.object)))
    .orderBy(desc(runs.createdAt), desc(runs.id))
    .limit(RUNS_SCANNED)
    .all();
  for (const row of rows) {
    const objectId = row.object!;
    const known = found.get(objectId);
    const lastRun = { id: row.id, status: row.status, createdAt: row.createdAt.toISOString() };
    if (!known) {
      found.set(objectId, {
        objectId,
        activity: isActivityType(row.activity) ? row.activity : "python-recipe",
        hasOverride: false,
        runCount: 1,
        lastRun,
      });
      continue;
    }
    known.runCount += 1;
    known.lastRun ??= lastRun;
  }
  return [...found.values()]
    .sort((a, b) => a.objectId.localeCompare(b.objectId))
    .map((object) => ({ ...object, resolution: context.resolve(actor, object.activity, object.objectId) }));
}

/** Object ids of each project, for the run form's suggestions. */
export function projectObjectIds(project: Project, context: ResolutionContext = resolutionContext(project)): string[] {
  const ids = new Set(context.overrides.keys());
  const rows = getDb()
    .selectDistinct({ object: runs.object })
    .from(runs)
    .where(and(eq(runs.projectId, project.id), isNotNull(runs.object)))
    .limit(RUNS_SCANNED)
    .all();
  for (const row of rows) ids.add(row.object!);
  return [...ids].sort();
}
