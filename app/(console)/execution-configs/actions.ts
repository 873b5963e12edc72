"use server";

import { redirect } from "next/navigation";

import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { formAction } from "@/lib/actions/form-action";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { runExecutionConfigTest, type ExecutionConfigTestResult } from "@/lib/execution-configs/cluster-actions";
import { FORM_FIELDS, formToExecutionConfigInput } from "@/lib/execution-configs/form";
import {
  createExecutionConfig,
  deleteExecutionConfig,
  importExecutionConfig,
  restoreExecutionConfig,
  updateExecutionConfig,
} from "@/lib/execution-configs/mutations";
import { createExecutionConfigSchema } from "@/lib/execution-configs/schema";
import type { FieldErrors } from "@/lib/validation";

const PAGES = ["/execution-configs"];

const readConfigForm = (formData: FormData) => formToExecutionConfigInput(formInput(formData, ["usableBy.groups"]));
const onFormFields = (errors: FieldErrors) => foldFieldErrors(errors, FORM_FIELDS);
const configPage = (config: { name: string }) => `/execution-configs/${encodeURIComponent(config.name)}`;

export const createExecutionConfigAction = formAction(createExecutionConfig, {
  revalidate: PAGES,
  read: readConfigForm,
  fieldErrors: onFormFields,
  redirectTo: configPage,
});

export const updateExecutionConfigAction = formAction(updateExecutionConfig, {
  revalidate: PAGES,
  read(formData) {
    const { input, fieldErrors } = readConfigForm(formData);
    return {
      input: { ...input, config: String(formData.get("config")), version: formData.get("version") ?? undefined },
      fieldErrors,
    };
  },
  readSchema: createExecutionConfigSchema,
  notInReadSchema: ["config", "version"],
  fieldErrors: onFormFields,
  redirectTo: configPage,
});

export async function deleteExecutionConfigAction(config: number): Promise<ObjectActionResult> {
  const result = await runServerAction(deleteExecutionConfig, { config }, PAGES);
  if (!result.ok) return result;
  redirect("/execution-configs");
}

export async function restoreExecutionConfigAction(config: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreExecutionConfig, { config, auditEventId }, PAGES);
}

export const importExecutionConfigAction = formAction(importExecutionConfig, {
  revalidate: PAGES,
  redirectTo: configPage,
});

export async function testExecutionConfigAction(
  config: number,
): Promise<{ ok: true; data: ExecutionConfigTestResult } | { ok: false; error: string }> {
  const result = await runServerAction(runExecutionConfigTest, { config }, PAGES);
  return result.ok || result.status !== 404 ? result : { ok: false, error: "This execution config no longer exists" };
}
