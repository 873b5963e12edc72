"use client";

import { ActionForm, CheckboxGroup, Field, SelectField } from "@/components/ui/form";

import { createUserAction } from "../actions";

export function CreateUserForm({ groupNames }: { groupNames: string[] }) {
  return (
    <ActionForm action={createUserAction} label="Create user" submitLabel="Create user" success={() => "User created."}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="username" label="Username" autoComplete="off" hint="Lowercase letters, digits, '.', '_' or '-'." />
        <Field name="displayName" label="Display name" autoComplete="off" />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters, mixing two kinds."
        />
        <SelectField
          name="role"
          label="Role"
          defaultValue="user"
          options={[
            { value: "user", label: "User" },
            { value: "admin", label: "Admin (everything)" },
          ]}
        />
      </div>
      <CheckboxGroup name="groups" label="Groups" options={groupNames} />
    </ActionForm>
  );
}
