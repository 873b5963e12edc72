"use client";

import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field, SelectField } from "@/components/ui/form";

import {
  addGroupMemberAction,
  createGroupAction,
  deleteGroupAction,
  removeGroupMemberAction,
  updateGroupAction,
} from "../actions";

export function CreateGroupForm() {
  return (
    <ActionForm
      action={createGroupAction}
      label="Create group"
      submitLabel="Create group"
      success={() => "Group created."}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          name="name"
          label="Name"
          autoComplete="off"
          hint="Letters, digits, '.', '_' or '-'; used in namespace templates as ${group}."
        />
        <Field name="description" label="Description" autoComplete="off" />
      </div>
    </ActionForm>
  );
}

export function GroupDescriptionForm({ groupId, description }: { groupId: number; description: string }) {
  return (
    <ActionForm
      action={updateGroupAction}
      label="Description"
      submitLabel="Save"
      resetOnSuccess={false}
      success={() => "Saved."}
    >
      <input type="hidden" name="group" value={groupId} />
      <Field name="description" label="Description" defaultValue={description} />
    </ActionForm>
  );
}

export function AddMemberForm({ groupId, candidates }: { groupId: number; candidates: string[] }) {
  if (candidates.length === 0) return <p className="text-sm text-slate-500">Every user is already a member.</p>;
  return (
    <ActionForm
      action={addGroupMemberAction}
      label="Add member"
      submitLabel="Add member"
      className="flex items-end gap-3"
    >
      <input type="hidden" name="group" value={groupId} />
      <div className="flex-1">
        <SelectField name="username" label="User" options={candidates.map((name) => ({ value: name, label: name }))} />
      </div>
    </ActionForm>
  );
}

export function RemoveMemberButton({
  groupId,
  groupName,
  username,
}: {
  groupId: number;
  groupName: string;
  username: string;
}) {
  return (
    <ConfirmButton
      label="Remove"
      title={`Remove ${username} from ${groupName}?`}
      confirmLabel="Remove"
      onConfirm={() => removeGroupMemberAction(groupId, username)}
    >
      {username} loses whatever this group grants.
    </ConfirmButton>
  );
}

export function DeleteGroupButton({
  groupId,
  groupName,
  memberCount,
}: {
  groupId: number;
  groupName: string;
  memberCount: number;
}) {
  return (
    <ConfirmButton
      label="Delete group"
      size="md"
      title={`Delete ${groupName}?`}
      confirmLabel="Delete group"
      onConfirm={() => deleteGroupAction(groupId)}
    >
      {memberCount ? `Its ${memberCount} member(s) lose what the group grants. ` : ""}This cannot be undone.
    </ConfirmButton>
  );
}
