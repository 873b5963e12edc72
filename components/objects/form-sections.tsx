"use client";

import type { ReactNode } from "react";

import { Field } from "@/components/ui/form";

/** A titled group of fields inside a long object form. */
export function FormSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="space-y-4 border-t border-slate-100 pt-4 first:border-0 first:pt-0">
      <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{title}</legend>
      {children}
    </fieldset>
  );
}

/** The name (a DNS-1123 label) and description every named object's form starts with. */
export function IdentityFields({ name, description }: { name: string; description: string }) {
  return (
    <FormSection title="Identity">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          name="name"
          label="Name"
          defaultValue={name}
          autoComplete="off"
          hint="Lowercase letters, digits and '-' (a DNS-1123 label)."
        />
        <Field name="description" label="Description" defaultValue={description} autoComplete="off" />
      </div>
    </FormSection>
  );
}
