"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { currentActor } from "@/lib/auth/session";
import { SPARK_FORM_FIELDS, sparkConfigFormInput } from "@/lib/spark-configs/form";
import { createSparkConfig, deleteSparkConfig, importSparkConfig, restoreSparkConfig, updateSparkConfig } from "@/lib/spark-configs/mutations";

const SPARK_PAGES = ["/spark-configs"];

/**
 * Nested errors shown on the form field that edits them. Conf messages already name their key,
 * so they join the conf field as they are; others keep their path ("usableBy.groups.0: …").
 */
function onFormFields(result: ObjectActionResult): ObjectActionResult {
  if (result.ok || !result.fieldErrors) return result;
  const fieldErrors: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(result.fieldErrors)) {
    const field = path.startsWith("conf.") ? "conf" : path;
    fieldErrors[field] = [...(fieldErrors[field] ?? []), ...messages];
  }
  return { ...result, fieldErrors: foldFieldErrors(fieldErrors, SPARK_FORM_FIELDS) };
}

const fromForm = (formData: FormData) => sparkConfigFormInput(formInput(formData, ["usableByGroups"]));
const unreadable = (fieldErrors: Record<string, string[]>): ObjectActionResult => ({ ok: false, error: "Some fields are not valid", fieldErrors });

export async function createSparkConfigAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const { input, fieldErrors } = fromForm(formData);
  if (fieldErrors) return unreadable(fieldErrors);
  const result = await runServerAction(createSparkConfig, input, SPARK_PAGES);
  if (!result.ok) return onFormFields(result);
  redirect(`/spark-configs/${encodeURIComponent(result.data.name)}`);
}

export async function updateSparkConfigAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const { input, fieldErrors } = fromForm(formData);
  if (fieldErrors) return unreadable(fieldErrors);
  const result = await runServerAction(updateSparkConfig, input, SPARK_PAGES);
  if (!result.ok) return onFormFields(result);
  // A rename moves the page.
  if (result.data.name !== formData.get("originalName")) redirect(`/spark-configs/${encodeURIComponent(result.data.name)}`);
  return result;
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
