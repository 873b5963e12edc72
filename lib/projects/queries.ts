import "server-only";

import { and, asc, eq, sql } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { groups, projectMembers, projectOverrides, projects, type Project } from "@/db/schema";
import { isIdRef } from "@/lib/objects/versioned";
import { can, type Actor, type ProjectRole } from "@/lib/permissions";
import { isActivityType, type ActivityType } from "@/lib/resolution/activities";
import { loadCatalog, nameOf, type Catalog } from "@/lib/resolution/catalog";
import { resolveEffectiveConfig, type ObjectOverride, type Resolution } from "@/lib/resolution/resolve";
import { getInstanceDefaults } from "@/lib/settings/queries";

import type { OverrideView, ProjectView } from "./schema";

type Reader = ReturnType<typeof getDb> | Tx;
type OverrideRow = typeof projectOverrides.$inferSelect;

/** Finds a project by numeric id or by key (keys are unique ignoring case). */
export function findProject(ref: string | number, db: Reader = getDb()): Project | undefined {
  return db
    .select()
    .from(projects)
    .where(isIdRef(ref) ? eq(projects.id, Number(ref)) : sql`lower(${projects.key}) = lower(${String(ref)})`)
    .get();
}

/** Member groups and their roles, by group name. */
export function projectMemberList(projectId: number, db: Reader = getDb()): { group: string; role: ProjectRole }[] {
  return db
    .select({ group: groups.name, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(groups, eq(groups.id, projectMembers.groupId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(groups.name))
    .all();
}

export function toProjectView(project: Project, db: Reader = getDb(), catalog: Catalog = loadCatalog(db)): ProjectView {
  const owner =
    project.ownerGroupId == null
      ? undefined
      : db.select({ name: groups.name }).from(groups).where(eq(groups.id, project.ownerGroupId)).get();
  return {
    id: project.id,
    key: project.key,
    name: project.name,
    description: project.description,
    ownerGroup: owner?.name ?? null,
    executionConfig: nameOf(catalog.executionConfigs, project.executionConfigId),
    visualRecipeExecutionConfig: nameOf(catalog.executionConfigs, project.visualRecipeExecutionConfigId),
    sparkConfig: nameOf(catalog.sparkConfigs, project.sparkConfigId),
    cluster: nameOf(catalog.clusters, project.clusterId),
    members: projectMemberList(project.id, db),
    version: project.version,
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
  };
}

/** The projects the actor may see: all for admins, else those where one of their groups has a role. */
export function listProjectsFor(actor: Actor): ProjectView[] {
  const db = getDb();
  const catalog = loadCatalog(db);
  return db
    .select()
    .from(projects)
    .orderBy(asc(projects.key))
    .all()
    .filter((project) => can(actor, "projects.read", { project: project.id }))
    .map((project) => toProjectView(project, db, catalog));
}

/** The project if the actor may see it; undefined otherwise, so non-members cannot tell it exists. */
export function findVisibleProject(actor: Actor, ref: string | number): Project | undefined {
  const project = findProject(ref);
  return project && can(actor, "projects.read", { project: project.id }) ? project : undefined;
}

export function findOverride(projectId: number, objectId: string, db: Reader = getDb()): OverrideRow | undefined {
  return db
    .select()
    .from(projectOverrides)
    .where(and(eq(projectOverrides.projectId, projectId), eq(projectOverrides.objectId, objectId)))
    .get();
}

export function toOverrideView(row: OverrideRow, catalog: Catalog): OverrideView {
  return {
    objectId: row.objectId,
    activityType: isActivityType(row.activityType) ? row.activityType : "python-recipe",
    executionConfig: nameOf(catalog.executionConfigs, row.executionConfigId),
    sparkConfig: nameOf(catalog.sparkConfigs, row.sparkConfigId),
    cluster: nameOf(catalog.clusters, row.clusterId),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function listOverrides(
  projectId: number,
  db: Reader = getDb(),
  catalog: Catalog = loadCatalog(db),
): OverrideView[] {
  return db
    .select()
    .from(projectOverrides)
    .where(eq(projectOverrides.projectId, projectId))
    .orderBy(asc(projectOverrides.objectId))
    .all()
    .map((row) => toOverrideView(row, catalog));
}

/** Everything the resolver needs about a project and its overrides, read once. */
export interface ResolutionContext {
  project: Project;
  catalog: Catalog;
  overrides: Map<string, OverrideRow>;
  resolve(actor: Actor, activity: ActivityType, objectId?: string): Resolution;
}

export function resolutionContext(project: Project, db: Reader = getDb()): ResolutionContext {
  const catalog = loadCatalog(db);
  const instance = getInstanceDefaults(db);
  const overrides = new Map(
    db
      .select()
      .from(projectOverrides)
      .where(eq(projectOverrides.projectId, project.id))
      .all()
      .map((row) => [row.objectId, row]),
  );
  return {
    project,
    catalog,
    overrides,
    resolve(actor, activity, objectId) {
      const row = objectId ? overrides.get(objectId) : undefined;
      const override: ObjectOverride | null = row
        ? { executionConfigId: row.executionConfigId, sparkConfigId: row.sparkConfigId, clusterId: row.clusterId }
        : null;
      return resolveEffectiveConfig({ instance, project, override, activity, actor, ...catalog });
    },
  };
}
