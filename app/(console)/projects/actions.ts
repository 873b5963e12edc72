"use server";

import { redirect } from "next/navigation";
import type { FormState } from "@/components/ui/form";
import type { ObjectActionResult } from "@/components/objects/types";
import { formInput, runServerAction } from "@/lib/actions/server-action";
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

export async function createProjectAction(_previous: FormState, formData: FormData) {
  const result = await runServerAction(createProject, formInput(formData), PROJECT_PAGES);
  if (!result.ok) return result;
  redirect(`/projects/${encodeURIComponent(result.data.key)}`);
}

export async function updateProjectAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  return runServerAction(updateProject, formInput(formData), PROJECT_PAGES);
}

export async function putProjectMemberAction(_previous: FormState, formData: FormData) {
  return runServerAction(putProjectMember, formInput(formData), PROJECT_PAGES);
}

export async function removeProjectMemberAction(project: number, group: string) {
  return runServerAction(removeProjectMember, { project, group }, PROJECT_PAGES);
}

export async function putOverrideAction(_previous: FormState, formData: FormData) {
  return runServerAction(putOverride, formInput(formData), PROJECT_PAGES);
}

export async function deleteOverrideAction(project: number, objectId: string) {
  return runServerAction(deleteOverride, { project, objectId }, PROJECT_PAGES);
}

export async function restoreProjectAction(project: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreProject, { project, auditEventId }, PROJECT_PAGES);
}

export async function importProjectAction(_previous: ObjectActionResult | null, formData: FormData): Promise<ObjectActionResult> {
  return runServerAction(importProject, formInput(formData), PROJECT_PAGES);
}

export async function deleteProjectAction(project: number) {
  const result = await runServerAction(deleteProject, { project }, PROJECT_PAGES);
  if (!result.ok) return result;
  redirect("/projects");
}
