"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { executeMutation } from "@/lib/actions/mutation";
import type { Result } from "@/lib/actions/result";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { currentActor } from "@/lib/auth/session";
import { POLICY_FORM_FIELDS, policyFormInput } from "@/lib/namespace-policies/form";
import { applyPolicyNow, createPolicy, deletePolicy, importPolicy, restorePolicy, updatePolicy } from "@/lib/namespace-policies/mutations";
import type { ApplyOutcome } from "@/lib/namespace-policies/schema";

const POLICY_PAGES = ["/namespace-policies"];

/** Nested errors on the form field that edits them; a quota error names its resource line. */
function onFormFields(result: ObjectActionResult): ObjectActionResult {
  if (result.ok || !result.fieldErrors) return result;
  const fieldErrors: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(result.fieldErrors)) {
    const quotaKey = path.startsWith("resourceQuota.hard.") ? path.slice("resourceQuota.hard.".length) : undefined;
    const field = quotaKey ? "resourceQuota" : path;
    fieldErrors[field] = [...(fieldErrors[field] ?? []), ...messages.map((message) => (quotaKey ? `${quotaKey}: ${message}` : message))];
  }
  return { ...result, fieldErrors: foldFieldErrors(fieldErrors, POLICY_FORM_FIELDS) };
}

export async function createPolicyAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const { input, fieldErrors } = policyFormInput(formInput(formData));
  if (fieldErrors) return { ok: false, error: "Some fields are not valid", fieldErrors };
  const result = await runServerAction(createPolicy, input, POLICY_PAGES);
  if (!result.ok) return onFormFields(result);
  redirect(`/namespace-policies/${encodeURIComponent(result.data.name)}`);
}

export async function updatePolicyAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const { input, fieldErrors } = policyFormInput(formInput(formData));
  if (fieldErrors) return { ok: false, error: "Some fields are not valid", fieldErrors };
  return onFormFields(await runServerAction(updatePolicy, input, POLICY_PAGES));
}

export async function restorePolicyAction(policy: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restorePolicy, { policy, auditEventId }, POLICY_PAGES);
}

export async function importPolicyAction(_previous: ObjectActionResult | null, formData: FormData): Promise<ObjectActionResult> {
  const result = await importPolicy(String(formData.get("yaml") ?? ""), await currentActor(), "ui");
  if (result.ok) revalidatePath("/namespace-policies", "layout");
  return result;
}

/** "Apply now" and its dry run; only a real apply changes what the pages show. */
export async function applyPolicyAction(policy: number, request: { cluster: string; namespaces?: string[]; create: boolean; dryRun: boolean }): Promise<Result<ApplyOutcome>> {
  const result = await executeMutation(applyPolicyNow, { policy, ...request }, await currentActor(), "ui");
  if (result.ok && !request.dryRun) revalidatePath("/namespace-policies", "layout");
  return result;
}

export async function deletePolicyAction(policy: number) {
  const result = await runServerAction(deletePolicy, { policy }, POLICY_PAGES);
  if (!result.ok) return result;
  redirect("/namespace-policies");
}
