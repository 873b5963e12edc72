import "server-only";

import { eq, inArray, sql } from "drizzle-orm";

import type { Tx } from "@/db";
import { groups, projectMembers, projectOverrides, projects, type Project } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { conflictView, versionToRestore } from "@/lib/objects/history";
import { assertFreshVersion } from "@/lib/objects/versioned";
import { fromYamlDocument } from "@/lib/objects/yaml";
import { can, mayUse, type Actor, type ProjectRole } from "@/lib/permissions";
import { findInCatalog, KIND_WORDS, loadCatalog, type Catalog, type CatalogKind } from "@/lib/resolution/catalog";
import type { FieldErrors } from "@/lib/validation";

import { findOverride, findProject, toOverrideView, toProjectView } from "./queries";
import {
  createProjectSchema,
  deleteOverrideSchema,
  importProjectSchema,
  projectDocumentSchema,
  projectRefInputSchema,
  putOverrideSchema,
  putProjectMemberSchema,
  removeProjectMemberSchema,
  restoreProjectSchema,
  setProjectMembersSchema,
  updateProjectSchema,
  type ProjectChanges,
  type ProjectView,
} from "./schema";

/** The scope of a change to one project; a 404 when the project does not exist. */
function projectScope(input: { project: string | number }) {
  const project = findProject(input.project);
  if (!project) throw notFound(`Project "${input.project}"`);
  return { project: project.id };
}

function requireProject(tx: Tx, ref: string | number): Project {
  const project = findProject(ref, tx);
  if (!project) throw notFound(`Project "${ref}"`);
  return project;
}

/** The project as saved in the audit log: enough to restore it or export it. */
function projectBody(view: ProjectView): Record<string, unknown> {
  const { name, description, ownerGroup, executionConfig, visualRecipeExecutionConfig, sparkConfig, cluster, members } =
    view;
  return {
    key: view.key,
    name,
    description,
    ownerGroup,
    executionConfig,
    visualRecipeExecutionConfig,
    sparkConfig,
    cluster,
    members,
  };
}

function projectAudit(project: Project) {
  return { objectType: "project", objectId: project.id, objectName: project.key };
}

/**
 * A config or cluster named in a change, as an id. The actor must be allowed to use what they
 * pick (configs: "usable by"; clusters: the use grant); a value that does not change is not
 * re-checked, so a project admin can edit other fields of a project set up by a Berth admin.
 * undefined: no change (or an error was recorded).
 */
function usableRef(
  actor: Actor,
  catalog: Catalog,
  kind: CatalogKind,
  field: string,
  ref: string | number | null | undefined,
  currentId: number | null,
  errors: FieldErrors,
): number | null | undefined {
  if (ref === undefined || ref === null) return ref;
  const item = findInCatalog<{ id: number; name: string; usableBy?: "all" | { groups: string[] } }>(catalog[kind], ref);
  if (!item) {
    errors[field] = [`No ${KIND_WORDS[kind]} named "${ref}"`];
    return undefined;
  }
  if (item.id === currentId) return item.id;
  const allowed =
    kind === "clusters" ? can(actor, "clusters.use", { cluster: item.id }) : mayUse(actor, item.usableBy ?? "all");
  if (!allowed) {
    errors[field] = [`no usage permission for ${kind === "clusters" ? "cluster" : "config"} ${item.name}`];
    return undefined;
  }
  return item.id;
}

type ProjectValues = Partial<
  Pick<
    Project,
    | "name"
    | "description"
    | "ownerGroupId"
    | "executionConfigId"
    | "visualRecipeExecutionConfigId"
    | "sparkConfigId"
    | "clusterId"
  >
>;

/** Turns names into ids, checking every one; all problems at once as field errors, nothing written. */
function resolveChanges(tx: Tx, actor: Actor, current: Project | null, changes: ProjectChanges, catalog: Catalog) {
  const errors: FieldErrors = {};
  const values: ProjectValues = {};
  if (changes.name !== undefined) values.name = changes.name;
  if (changes.description !== undefined) values.description = changes.description;
  if (changes.ownerGroup !== undefined) {
    const owner =
      changes.ownerGroup === null ? null : tx.select().from(groups).where(eq(groups.name, changes.ownerGroup)).get();
    if (owner === undefined) errors.ownerGroup = [`No group named "${changes.ownerGroup}"`];
    else values.ownerGroupId = owner?.id ?? null;
  }
  const settings = [
    ["executionConfig", "executionConfigs", "executionConfigId"],
    ["visualRecipeExecutionConfig", "executionConfigs", "visualRecipeExecutionConfigId"],
    ["sparkConfig", "sparkConfigs", "sparkConfigId"],
    ["cluster", "clusters", "clusterId"],
  ] as const;
  for (const [field, kind, column] of settings) {
    const id = usableRef(actor, catalog, kind, field, changes[field], current?.[column] ?? null, errors);
    if (id !== undefined) values[column] = id;
  }
  let members: { groupId: number; role: ProjectRole }[] | undefined;
  if (changes.members) {
    const names = changes.members.map((member) => member.group);
    const found = names.length ? tx.select().from(groups).where(inArray(groups.name, names)).all() : [];
    members = [];
    changes.members.forEach((member, index) => {
      const group = found.find((candidate) => candidate.name === member.group);
      if (!group) errors[`members.${index}.group`] = [`No group named "${member.group}"`];
      else if (names.indexOf(member.group) !== index)
        errors[`members.${index}.group`] = [`${member.group} is listed twice`];
      else members!.push({ groupId: group.id, role: member.role });
    });
  }
  if (Object.keys(errors).length) throw new DomainError(422, "Some fields are not valid", errors);
  return { values, members };
}

/** Replaces the member list (when given) and keeps the owner group a project admin. */
function writeMembers(tx: Tx, project: Project, members: { groupId: number; role: ProjectRole }[] | undefined) {
  if (members) {
    tx.delete(projectMembers).where(eq(projectMembers.projectId, project.id)).run();
    for (const member of members)
      tx.insert(projectMembers)
        .values({ projectId: project.id, ...member })
        .run();
  }
  if (project.ownerGroupId != null) {
    tx.insert(projectMembers)
      .values({ projectId: project.id, groupId: project.ownerGroupId, role: "admin" })
      .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.groupId], set: { role: "admin" } })
      .run();
  }
}

/** The one write path of an existing project: update, members, restore and import all go through it. */
function applyChanges(
  tx: Tx,
  actor: Actor,
  project: Project,
  changes: ProjectChanges,
  expectedVersion: number | undefined,
  action?: string,
) {
  const catalog = loadCatalog(tx);
  const before = toProjectView(project, tx, catalog);
  assertFreshVersion(
    `Project ${project.key}`,
    project,
    expectedVersion,
    conflictView("project", project.id, before, tx),
  );
  const { values, members } = resolveChanges(tx, actor, project, changes, catalog);
  const saved = tx
    .update(projects)
    .set({ ...values, version: project.version + 1, updatedAt: new Date() })
    .where(eq(projects.id, project.id))
    .returning()
    .get();
  writeMembers(tx, saved, members);
  const after = toProjectView(saved, tx, catalog);
  return {
    result: after,
    audit: { ...projectAudit(saved), action, before: projectBody(before), after: projectBody(after) },
  };
}

function createInTx(tx: Tx, actor: Actor, key: string, changes: ProjectChanges) {
  if (findProject(key, tx)) throw conflict("key", `A project with the key "${key}" already exists`);
  const catalog = loadCatalog(tx);
  const { values, members } = resolveChanges(tx, actor, null, changes, catalog);
  const project = tx
    .insert(projects)
    .values({ key, name: values.name ?? key, ...values })
    .returning()
    .get();
  writeMembers(tx, project, members);
  const view = toProjectView(project, tx, catalog);
  return { result: view, audit: { ...projectAudit(project), action: "project.create", after: projectBody(view) } };
}

export const createProject = defineMutation({
  name: "project.create",
  permission: "projects.create",
  schema: createProjectSchema,
  run(input, ctx) {
    const { key, ...changes } = input;
    return ctx.write((tx) => createInTx(tx, ctx.actor, key, changes));
  },
});

/** Name, description, owner, settings (null inherits) and members of one project. */
export const updateProject = defineMutation({
  name: "project.update",
  permission: "projects.manage",
  scope: projectScope,
  schema: updateProjectSchema,
  run(input, ctx) {
    const { project: ref, version, ...changes } = input;
    return ctx.write((tx) => applyChanges(tx, ctx.actor, requireProject(tx, ref), changes, version));
  },
});

export const setProjectMembers = defineMutation({
  name: "project.set-members",
  permission: "projects.manage",
  scope: projectScope,
  schema: setProjectMembersSchema,
  run(input, ctx) {
    return ctx.write((tx) =>
      applyChanges(tx, ctx.actor, requireProject(tx, input.project), { members: input.members }, input.version),
    );
  },
});

export const putProjectMember = defineMutation({
  name: "project.put-member",
  permission: "projects.manage",
  scope: projectScope,
  schema: putProjectMemberSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const project = requireProject(tx, input.project);
      const members = toProjectView(project, tx).members.filter((member) => member.group !== input.group);
      return applyChanges(
        tx,
        ctx.actor,
        project,
        { members: [...members, { group: input.group, role: input.role }] },
        undefined,
      );
    });
  },
});

export const removeProjectMember = defineMutation({
  name: "project.remove-member",
  permission: "projects.manage",
  scope: projectScope,
  schema: removeProjectMemberSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const project = requireProject(tx, input.project);
      const view = toProjectView(project, tx);
      if (!view.members.some((member) => member.group === input.group))
        throw notFound(`Member group "${input.group}" of ${project.key}`);
      if (view.ownerGroup === input.group)
        throw conflict("group", `${input.group} owns ${project.key}; change the owner group first`);
      return applyChanges(
        tx,
        ctx.actor,
        project,
        { members: view.members.filter((member) => member.group !== input.group) },
        undefined,
      );
    });
  },
});

export const deleteProject = defineMutation({
  name: "project.delete",
  permission: "projects.manage",
  scope: projectScope,
  schema: projectRefInputSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const project = requireProject(tx, input.project);
      const view = toProjectView(project, tx);
      tx.delete(projects).where(eq(projects.id, project.id)).run();
      return {
        result: { id: project.id, key: project.key },
        audit: { ...projectAudit(project), before: projectBody(view) },
      };
    });
  },
});

/** Re-saves the body recorded by one of the project's audit events (a new version, audited). */
export const restoreProject = defineMutation({
  name: "project.restore",
  permission: "projects.manage",
  scope: projectScope,
  schema: restoreProjectSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const project = requireProject(tx, input.project);
      const saved = versionToRestore(
        "project",
        project.id,
        input.auditEventId,
        projectBody(toProjectView(project, tx)),
        tx,
      );
      // The key names the project and never changes; the rest of the saved body is re-applied.
      const body = Object.fromEntries(Object.entries(saved).filter(([field]) => field !== "key"));
      const parsed = updateProjectSchema.omit({ project: true, version: true }).safeParse(body);
      if (!parsed.success)
        throw new DomainError(422, "That version can no longer be restored", {
          auditEventId: ["The saved version does not fit the current rules"],
        });
      return applyChanges(tx, ctx.actor, project, parsed.data, input.version, "project.restore");
    });
  },
});

/** Creates the project of a YAML document, or updates it when its key exists. */
export const importProject = defineMutation({
  name: "project.import",
  permission: "projects.create",
  schema: importProjectSchema,
  run(input, ctx) {
    const parsed = fromYamlDocument(input.yaml, "Project", projectDocumentSchema);
    if (!parsed.ok) throw new DomainError(400, parsed.error, parsed.fieldErrors);
    const { name: key, displayName, ...rest } = parsed.value;
    const changes: ProjectChanges = { ...rest, name: displayName };
    return ctx.write((tx) => {
      const existing = findProject(key, tx);
      return existing
        ? applyChanges(tx, ctx.actor, existing, changes, undefined, "project.import")
        : createInTx(tx, ctx.actor, key, changes);
    });
  },
});

/** Sets an object's own execution config, Spark config and cluster (null inherits the project's). */
export const putOverride = defineMutation({
  name: "project.put-override",
  permission: "projects.manage",
  scope: projectScope,
  schema: putOverrideSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const project = requireProject(tx, input.project);
      const catalog = loadCatalog(tx);
      const existing = findOverride(project.id, input.objectId, tx);
      const errors: FieldErrors = {};
      const ids = {
        executionConfigId:
          usableRef(
            ctx.actor,
            catalog,
            "executionConfigs",
            "executionConfig",
            input.executionConfig,
            existing?.executionConfigId ?? null,
            errors,
          ) ?? null,
        sparkConfigId:
          usableRef(
            ctx.actor,
            catalog,
            "sparkConfigs",
            "sparkConfig",
            input.sparkConfig,
            existing?.sparkConfigId ?? null,
            errors,
          ) ?? null,
        clusterId:
          usableRef(ctx.actor, catalog, "clusters", "cluster", input.cluster, existing?.clusterId ?? null, errors) ??
          null,
      };
      if (Object.keys(errors).length) throw new DomainError(422, "Some fields are not valid", errors);
      const row = tx
        .insert(projectOverrides)
        .values({ projectId: project.id, objectId: input.objectId, activityType: input.activityType, ...ids })
        .onConflictDoUpdate({
          target: [projectOverrides.projectId, projectOverrides.objectId],
          set: { activityType: input.activityType, ...ids, updatedAt: sql`(unixepoch('subsec') * 1000)` },
        })
        .returning()
        .get();
      const view = toOverrideView(row, catalog);
      return {
        result: view,
        audit: {
          objectType: "project-override",
          objectId: `${project.key}/${row.objectId}`,
          objectName: `${row.objectId} in ${project.key}`,
          before: existing ? { ...toOverrideView(existing, catalog) } : null,
          after: { ...view },
        },
      };
    });
  },
});

export const deleteOverride = defineMutation({
  name: "project.delete-override",
  permission: "projects.manage",
  scope: projectScope,
  schema: deleteOverrideSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const project = requireProject(tx, input.project);
      const existing = findOverride(project.id, input.objectId, tx);
      if (!existing) throw notFound(`Override of "${input.objectId}" in ${project.key}`);
      tx.delete(projectOverrides).where(eq(projectOverrides.id, existing.id)).run();
      return {
        result: { objectId: existing.objectId },
        audit: {
          objectType: "project-override",
          objectId: `${project.key}/${existing.objectId}`,
          objectName: `${existing.objectId} in ${project.key}`,
          before: { ...toOverrideView(existing, loadCatalog(tx)) },
        },
      };
    });
  },
});
