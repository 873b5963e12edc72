import type { RunRow } from "@/db/schema";
import { can, type Actor } from "@/lib/permissions";

type RunOwnership = Pick<RunRow, "projectId" | "userId">;

/** Who sees a run: admins, its submitter, and whoever may read its project. */
export function maySeeRun(actor: Actor, run: RunOwnership): boolean {
  if (run.userId === actor.id) return true;
  return run.projectId === null ? can(actor, "projects.read") : can(actor, "projects.read", { project: run.projectId });
}

/** Who may abort a run: its submitter, or whoever manages its project (admins included). */
export function mayAbortRun(actor: Actor, run: RunOwnership): boolean {
  if (run.userId === actor.id) return true;
  return run.projectId === null
    ? can(actor, "projects.manage")
    : can(actor, "projects.manage", { project: run.projectId });
}

/**
 * The project ids whose runs the actor may see through a project role (reader or more), or
 * "all" for those who may read every project. Lets a list filter in SQL before its limit.
 */
export function readableProjectIds(actor: Actor): number[] | "all" {
  if (can(actor, "projects.read")) return "all";
  return Object.keys(actor.projectRoles ?? {})
    .map(Number)
    .filter((projectId) => can(actor, "projects.read", { project: projectId }));
}
