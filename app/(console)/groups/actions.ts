"use server";

import { redirect } from "next/navigation";

import { formAction } from "@/lib/actions/form-action";
import { runServerAction } from "@/lib/actions/server-action";
import { addGroupMember, createGroup, deleteGroup, removeGroupMember, updateGroup } from "@/lib/groups/mutations";

const GROUP_PAGES = ["/groups", "/users"];

export const createGroupAction = formAction(createGroup, { revalidate: GROUP_PAGES });

export const updateGroupAction = formAction(updateGroup, { revalidate: GROUP_PAGES });

export const addGroupMemberAction = formAction(addGroupMember, { revalidate: GROUP_PAGES });

export async function removeGroupMemberAction(group: number, username: string) {
  return runServerAction(removeGroupMember, { group, username }, GROUP_PAGES);
}

export async function deleteGroupAction(group: number) {
  const result = await runServerAction(deleteGroup, { group }, GROUP_PAGES);
  if (!result.ok) return result;
  redirect("/groups");
}
