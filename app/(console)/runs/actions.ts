"use server";

import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { formAction } from "@/lib/actions/form-action";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { abortRun } from "@/lib/runs/abort";
import { submitRunFormSchema } from "@/lib/runs/schema";
import { submitRun } from "@/lib/runs/submit";
import { fieldErrorsFrom, type FieldErrors } from "@/lib/validation";

import { simAnnotationsFromLines } from "./_components/run-form-input";

const PAGES = ["/runs"];
const FORM_FIELDS = [
  "project",
  "activity",
  "codeEnv",
  "command",
  "script",
  "env",
  "executionConfig",
  "sparkConfig",
  "cluster",
  "annotations",
];

function merge(...lists: (FieldErrors | undefined)[]): FieldErrors {
  const merged: FieldErrors = {};
  for (const list of lists)
    for (const [field, messages] of Object.entries(list ?? {})) merged[field] = [...(merged[field] ?? []), ...messages];
  return merged;
}

const onFormFields = (errors: FieldErrors) => foldFieldErrors(errors, FORM_FIELDS);

/** Command one argument per line, env NAME=value lines, simulated behaviour as annotation lines. */
function readRunForm(formData: FormData) {
  const form = formInput(formData);
  const parsed = submitRunFormSchema.safeParse(form);
  const simulated = simAnnotationsFromLines(typeof form.annotations === "string" ? form.annotations : "");
  if (!parsed.success || Object.keys(simulated.fieldErrors).length > 0) {
    const schemaErrors = parsed.success ? undefined : onFormFields(fieldErrorsFrom(parsed.error));
    return { input: form, fieldErrors: merge(schemaErrors, simulated.fieldErrors) };
  }
  return { input: { ...parsed.data, ...(simulated.annotations ? { annotations: simulated.annotations } : {}) } };
}

/** Submits the new-run form and opens the run's page. */
export const submitRunAction = formAction(submitRun, {
  revalidate: PAGES,
  read: readRunForm,
  readSchema: submitRunFormSchema,
  fieldErrors: onFormFields,
  redirectTo: (run) => `/runs/${run.id}`,
});

/** Aborts a run from its page; the page follows the status change live. */
export async function abortRunAction(id: string): Promise<ObjectActionResult> {
  return runServerAction(abortRun, { id }, PAGES);
}
