"use server";

import { redirect } from "next/navigation";
import type { FormState } from "@/components/ui/form";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { addGroupMember, createGroup, deleteGroup, removeGroupMember, updateGroup } from "@/lib/groups/mutations";

const GROUP_PAGES = ["/groups", "/users"];

export async function createGroupAction(_previous: FormState, formData: FormData) {
  return runServerAction(createGroup, formInput(formData), GROUP_PAGES);
}

export async function updateGroupAction(_previous: FormState, formData: FormData) {
  return runServerAction(updateGroup, formInput(formData), GROUP_PAGES);
}

export async function addGroupMemberAction(_previous: FormState, formData: FormData) {
  return runServerAction(addGroupMember, formInput(formData), GROUP_PAGES);
}

export async function removeGroupMemberAction(group: number, username: string) {
  return runServerAction(removeGroupMember, { group, username }, GROUP_PAGES);
}

export async function deleteGroupAction(group: number) {
  const result = await runServerAction(deleteGroup, { group }, GROUP_PAGES);
  if (!result.ok) return result;
  redirect("/groups");
}
