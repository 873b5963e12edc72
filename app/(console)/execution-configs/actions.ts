"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { ObjectActionResult } from "@/components/objects/types";
import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import { DomainError } from "@/lib/actions/result";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { currentActor } from "@/lib/auth/session";
import { testExecutionConfig, type ExecutionConfigTestResult } from "@/lib/execution-configs/cluster-actions";
import { FORM_FIELDS, formToExecutionConfigInput } from "@/lib/execution-configs/form";
import { createExecutionConfig, deleteExecutionConfig, importExecutionConfig, restoreExecutionConfig, updateExecutionConfig } from "@/lib/execution-configs/mutations";
import { findExecutionConfig } from "@/lib/execution-configs/queries";
import { createExecutionConfigSchema } from "@/lib/execution-configs/schema";
import { can } from "@/lib/permissions";
import { fieldErrorsFrom } from "@/lib/validation";

const PAGES = ["/execution-configs"];

/** Reads the form; lines that cannot be read are refused together with every other field error. */
function readForm(formData: FormData): { ok: true; input: Record<string, unknown> } | { ok: false; result: ObjectActionResult } {
  const { input, fieldErrors } = formToExecutionConfigInput(formInput(formData, ["usableBy.groups"]));
  if (Object.keys(fieldErrors).length === 0) return { ok: true, input };
  const parsed = createExecutionConfigSchema.safeParse(input);
  const schemaErrors = parsed.success ? {} : foldFieldErrors(fieldErrorsFrom(parsed.error), FORM_FIELDS)!;
  for (const [field, messages] of Object.entries(fieldErrors)) schemaErrors[field] = [...messages, ...(schemaErrors[field] ?? [])];
  return { ok: false, result: { ok: false, error: "Some fields are not valid", fieldErrors: schemaErrors } };
}

function forForm<R extends ObjectActionResult>(result: R): R {
  return result.ok ? result : { ...result, fieldErrors: foldFieldErrors(result.fieldErrors, FORM_FIELDS) };
}

export async function createExecutionConfigAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const form = readForm(formData);
  if (!form.ok) return form.result;
  const result = await runServerAction(createExecutionConfig, form.input, PAGES);
  if (!result.ok) return forForm(result);
  redirect(`/execution-configs/${encodeURIComponent(result.data.name)}`);
}

export async function updateExecutionConfigAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const form = readForm(formData);
  if (!form.ok) return form.result;
  const result = await runServerAction(updateExecutionConfig, { ...form.input, config: String(formData.get("config")), version: formData.get("version") ?? undefined }, PAGES);
  if (!result.ok) return forForm(result);
  redirect(`/execution-configs/${encodeURIComponent(result.data.name)}`);
}

export async function deleteExecutionConfigAction(config: number): Promise<ObjectActionResult> {
  const result = await runServerAction(deleteExecutionConfig, { config }, PAGES);
  if (!result.ok) return result;
  redirect("/execution-configs");
}

export async function restoreExecutionConfigAction(config: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreExecutionConfig, { config, auditEventId }, PAGES);
}

export async function importExecutionConfigAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const result = await importExecutionConfig(String(formData.get("yaml") ?? ""), await currentActor(), "ui");
  if (!result.ok) return result;
  redirect(`/execution-configs/${encodeURIComponent(result.data.name)}`);
}

export async function testExecutionConfigAction(config: number): Promise<{ ok: true; data: ExecutionConfigTestResult } | { ok: false; error: string }> {
  const actor = await currentActor();
  if (!actor || !can(actor, "configs.manage")) return { ok: false, error: 'You do not have the permission "configs.manage"' };
  const row = findExecutionConfig(config);
  if (!row) return { ok: false, error: "This execution config no longer exists" };
  try {
    const data = await testExecutionConfig(row, actor, "ui");
    revalidatePath("/execution-configs", "layout");
    return { ok: true, data };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, error: error.message };
    throw error;
  }
}
