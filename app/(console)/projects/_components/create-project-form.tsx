"use client";

import { ActionForm, Field, SelectField } from "@/components/ui/form";

import { createProjectAction } from "../actions";

export function CreateProjectForm({ groups }: { groups: string[] }) {
  return (
    <ActionForm action={createProjectAction} label="Create project" submitLabel="Create project">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          name="key"
          label="Key"
          autoComplete="off"
          hint="Letters, digits or '_', starting with a letter, e.g. churn; used as ${project} in namespaces."
        />
        <Field name="name" label="Name" autoComplete="off" />
      </div>
      <Field name="description" label="Description" autoComplete="off" />
      <SelectField
        name="ownerGroup"
        label="Owner group"
        hint="Its members are the project's administrators."
        options={[{ value: "", label: "— none —" }, ...groups.map((name) => ({ value: name, label: name }))]}
      />
    </ActionForm>
  );
}
