"use client";

import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field, SelectField } from "@/components/ui/form";
import type { UserView } from "@/lib/users/schema";

import { resetPasswordAction, setUserDisabledAction, updateUserAction } from "../actions";

export function ProfileForm({ user, isSelf }: { user: UserView; isSelf: boolean }) {
  return (
    <ActionForm
      action={updateUserAction}
      label="Profile"
      submitLabel="Save"
      resetOnSuccess={false}
      success={() => "Saved."}
    >
      <input type="hidden" name="user" value={user.id} />
      <Field name="displayName" label="Display name" defaultValue={user.displayName ?? ""} />
      <SelectField
        name="role"
        label="Role"
        defaultValue={user.role}
        disabled={isSelf}
        hint={isSelf ? "You cannot change your own role." : undefined}
        options={[
          { value: "user", label: "User" },
          { value: "admin", label: "Admin (everything)" },
        ]}
      />
    </ActionForm>
  );
}

export function ResetPasswordForm({ userId }: { userId: number }) {
  return (
    <ActionForm
      action={resetPasswordAction}
      label="Reset password"
      submitLabel="Set password"
      success={() => "Password changed."}
    >
      <input type="hidden" name="user" value={userId} />
      <Field
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 10 characters, mixing two kinds."
      />
    </ActionForm>
  );
}

export function UserStatusButton({
  userId,
  username,
  disabled,
}: {
  userId: number;
  username: string;
  disabled: boolean;
}) {
  return disabled ? (
    <ConfirmButton
      label="Enable user"
      variant="secondary"
      size="md"
      title={`Enable ${username}?`}
      confirmLabel="Enable"
      onConfirm={() => setUserDisabledAction(userId, false)}
    >
      {username} will be able to sign in and use their API tokens again.
    </ConfirmButton>
  ) : (
    <ConfirmButton
      label="Disable user"
      size="md"
      title={`Disable ${username}?`}
      confirmLabel="Disable"
      onConfirm={() => setUserDisabledAction(userId, true)}
    >
      {username} is signed out at their next request and cannot sign in or use API tokens until enabled again.
    </ConfirmButton>
  );
}
