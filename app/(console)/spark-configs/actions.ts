"use server";

import { redirect } from "next/navigation";

import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { formAction } from "@/lib/actions/form-action";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { SPARK_FORM_FIELDS, sparkConfigFormInput } from "@/lib/spark-configs/form";
import {
  createSparkConfig,
  deleteSparkConfig,
  importSparkConfig,
  restoreSparkConfig,
  updateSparkConfig,
} from "@/lib/spark-configs/mutations";
import { createSparkConfigSchema } from "@/lib/spark-configs/schema";
import type { FieldErrors } from "@/lib/validation";

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

const sparkConfigForm = {
  revalidate: SPARK_PAGES,
  read: (formData: FormData) => sparkConfigFormInput(formInput(formData, ["usableByGroups"])),
  // The create schema checks the fields an edit shares with it; the edit's config and version are not among them.
  readSchema: createSparkConfigSchema,
  notInReadSchema: ["config", "version"],
  fieldErrors: sparkFieldErrors,
  // Saved: back to the config's page (under its new name after a rename), as every config's edit page does.
  redirectTo: (config: { name: string }) => `/spark-configs/${encodeURIComponent(config.name)}`,
};

export const createSparkConfigAction = formAction(createSparkConfig, sparkConfigForm);

export const updateSparkConfigAction = formAction(updateSparkConfig, sparkConfigForm);

export async function restoreSparkConfigAction(config: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreSparkConfig, { config, auditEventId }, SPARK_PAGES);
}

export const importSparkConfigAction = formAction(importSparkConfig, { revalidate: SPARK_PAGES });

export async function deleteSparkConfigAction(config: number) {
  const result = await runServerAction(deleteSparkConfig, { config }, SPARK_PAGES);
  if (!result.ok) return result;
  redirect("/spark-configs");
}
