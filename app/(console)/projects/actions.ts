"use server";

import { redirect } from "next/navigation";

import type { ObjectActionResult } from "@/components/objects/types";
import { formAction } from "@/lib/actions/form-action";
import { runServerAction } from "@/lib/actions/server-action";
import {
  createProject,
  deleteOverride,
  deleteProject,
  importProject,
  putOverride,
  putProjectMember,
  removeProjectMember,
  restoreProject,
  updateProject,
} from "@/lib/projects/mutations";

const PROJECT_PAGES = ["/projects"];

export const createProjectAction = formAction(createProject, {
  revalidate: PROJECT_PAGES,
  redirectTo: (project) => `/projects/${encodeURIComponent(project.key)}`,
});

export const updateProjectAction = formAction(updateProject, { revalidate: PROJECT_PAGES });

export const putProjectMemberAction = formAction(putProjectMember, { revalidate: PROJECT_PAGES });

export async function removeProjectMemberAction(project: number, group: string) {
  return runServerAction(removeProjectMember, { project, group }, PROJECT_PAGES);
}

export const putOverrideAction = formAction(putOverride, { revalidate: PROJECT_PAGES });

export async function deleteOverrideAction(project: number, objectId: string) {
  return runServerAction(deleteOverride, { project, objectId }, PROJECT_PAGES);
}

export async function restoreProjectAction(project: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreProject, { project, auditEventId }, PROJECT_PAGES);
}

export const importProjectAction = formAction(importProject, { revalidate: PROJECT_PAGES });

export async function deleteProjectAction(project: number) {
  const result = await runServerAction(deleteProject, { project }, PROJECT_PAGES);
  if (!result.ok) return result;
  redirect("/projects");
}
