"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { currentActor } from "@/lib/auth/session";
import { SPARK_FORM_FIELDS, sparkConfigFormInput } from "@/lib/spark-configs/form";
import { createSparkConfig, deleteSparkConfig, importSparkConfig, restoreSparkConfig, updateSparkConfig } from "@/lib/spark-configs/mutations";
import { createSparkConfigSchema } from "@/lib/spark-configs/schema";
import { withSchemaErrors, type FieldErrors } from "@/lib/validation";

const SPARK_PAGES = ["/spark-configs"];

/**
 * Nested errors shown on the form field that edits them. Conf messages already name their key,
 * so they join the conf field as they are; others say where in words ("Group 1: …").
 */
function sparkFieldErrors(errors: FieldErrors): FieldErrors | undefined {
  const fieldErrors: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(errors)) {
    const field = path.startsWith("conf.") ? "conf" : path;
    fieldErrors[field] = [...(fieldErrors[field] ?? []), ...messages];
  }
  return foldFieldErrors(fieldErrors, SPARK_FORM_FIELDS);
}

const onFormFields = (result: ObjectActionResult): ObjectActionResult => (result.ok || !result.fieldErrors ? result : { ...result, fieldErrors: sparkFieldErrors(result.fieldErrors) });

const fromForm = (formData: FormData) => sparkConfigFormInput(formInput(formData, ["usableByGroups"]));

/** Conf lines the form could not read, refused together with every other field's error. */
function unreadable(readErrors: FieldErrors, input: Record<string, unknown>): ObjectActionResult {
  // The create schema checks the fields an edit shares with it; the edit's config and version are not among them.
  const spec = Object.fromEntries(Object.entries(input).filter(([key]) => key !== "config" && key !== "version"));
  return { ok: false, error: "Some fields are not valid", fieldErrors: withSchemaErrors(readErrors, createSparkConfigSchema, spec, sparkFieldErrors) };
}

export async function createSparkConfigAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const { input, fieldErrors } = fromForm(formData);
  if (fieldErrors) return unreadable(fieldErrors, input);
  const result = await runServerAction(createSparkConfig, input, SPARK_PAGES);
  if (!result.ok) return onFormFields(result);
  redirect(`/spark-configs/${encodeURIComponent(result.data.name)}`);
}

export async function updateSparkConfigAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const { input, fieldErrors } = fromForm(formData);
  if (fieldErrors) return unreadable(fieldErrors, input);
  const result = await runServerAction(updateSparkConfig, input, SPARK_PAGES);
  if (!result.ok) return onFormFields(result);
  // Saved: back to the config's page (under its new name after a rename), as every config's edit page does.
  redirect(`/spark-configs/${encodeURIComponent(result.data.name)}`);
}

export async function restoreSparkConfigAction(config: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreSparkConfig, { config, auditEventId }, SPARK_PAGES);
}

export async function importSparkConfigAction(_previous: ObjectActionResult | null, formData: FormData): Promise<ObjectActionResult> {
  const result = await importSparkConfig(String(formData.get("yaml") ?? ""), await currentActor(), "ui");
  if (result.ok) revalidatePath("/spark-configs", "layout");
  return result;
}

export async function deleteSparkConfigAction(config: number) {
  const result = await runServerAction(deleteSparkConfig, { config }, SPARK_PAGES);
  if (!result.ok) return result;
  redirect("/spark-configs");
}
