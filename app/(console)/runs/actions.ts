"use server";

import { redirect } from "next/navigation";
import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { abortRun } from "@/lib/runs/abort";
import { submitRunFormSchema } from "@/lib/runs/schema";
import { submitRun } from "@/lib/runs/submit";
import { fieldErrorsFrom, type FieldErrors } from "@/lib/validation";
import { simAnnotationsFromLines } from "./_components/run-form-input";

const PAGES = ["/runs"];
const FORM_FIELDS = ["project", "activity", "codeEnv", "command", "script", "env", "executionConfig", "sparkConfig", "cluster", "annotations"];

function merge(...lists: (FieldErrors | undefined)[]): FieldErrors {
  const merged: FieldErrors = {};
  for (const list of lists) for (const [field, messages] of Object.entries(list ?? {})) merged[field] = [...(merged[field] ?? []), ...messages];
  return merged;
}

/** Submits the new-run form (command one argument per line, env NAME=value lines) and opens the run's page. */
export async function submitRunAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const form = formInput(formData);
  const parsed = submitRunFormSchema.safeParse(form);
  const simulated = simAnnotationsFromLines(typeof form.annotations === "string" ? form.annotations : "");
  if (!parsed.success || Object.keys(simulated.fieldErrors).length > 0) {
    const schemaErrors = parsed.success ? undefined : foldFieldErrors(fieldErrorsFrom(parsed.error), FORM_FIELDS);
    return { ok: false, error: "Some fields are not valid", fieldErrors: merge(schemaErrors, simulated.fieldErrors) };
  }
  const result = await runServerAction(submitRun, { ...parsed.data, ...(simulated.annotations ? { annotations: simulated.annotations } : {}) }, PAGES);
  if (!result.ok) return { ...result, fieldErrors: foldFieldErrors(result.fieldErrors, FORM_FIELDS) };
  redirect(`/runs/${result.data.id}`);
}

/** Aborts a run from its page; the page follows the status change live. */
export async function abortRunAction(id: string): Promise<ObjectActionResult> {
  return runServerAction(abortRun, { id }, PAGES);
}
