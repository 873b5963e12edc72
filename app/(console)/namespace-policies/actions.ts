"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";

import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { formAction } from "@/lib/actions/form-action";
import { executeMutation } from "@/lib/actions/mutation";
import { DomainError, type Result } from "@/lib/actions/result";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { currentActor } from "@/lib/auth/session";
import { clusterNamespaceNames } from "@/lib/namespace-policies/cluster-view";
import { POLICY_FORM_FIELDS, policyFormInput } from "@/lib/namespace-policies/form";
import {
  applyPolicyNow,
  createPolicy,
  deletePolicy,
  importPolicy,
  restorePolicy,
  updatePolicy,
} from "@/lib/namespace-policies/mutations";
import type { ApplyOutcome } from "@/lib/namespace-policies/schema";
import { can } from "@/lib/permissions";
import type { FieldErrors } from "@/lib/validation";

const POLICY_PAGES = ["/namespace-policies"];

/** Nested errors on the form field that edits them; a quota error names its resource line. */
function policyFieldErrors(errors: FieldErrors): FieldErrors | undefined {
  const fieldErrors: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(errors)) {
    const quotaKey = path.startsWith("resourceQuota.hard.") ? path.slice("resourceQuota.hard.".length) : undefined;
    const field = quotaKey ? "resourceQuota" : path;
    fieldErrors[field] = [
      ...(fieldErrors[field] ?? []),
      ...messages.map((message) => (quotaKey ? `${quotaKey}: ${message}` : message)),
    ];
  }
  return foldFieldErrors(fieldErrors, POLICY_FORM_FIELDS);
}

const readPolicyForm = (formData: FormData) => policyFormInput(formInput(formData));

export const createPolicyAction = formAction(createPolicy, {
  revalidate: POLICY_PAGES,
  read: readPolicyForm,
  fieldErrors: policyFieldErrors,
  redirectTo: (policy) => `/namespace-policies/${encodeURIComponent(policy.name)}`,
});

export const updatePolicyAction = formAction(updatePolicy, {
  revalidate: POLICY_PAGES,
  read: readPolicyForm,
  fieldErrors: policyFieldErrors,
});

export async function restorePolicyAction(policy: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restorePolicy, { policy, auditEventId }, POLICY_PAGES);
}

export const importPolicyAction = formAction(importPolicy, { revalidate: POLICY_PAGES });

/** "Apply now" and its dry run; only a real apply changes what the pages show. */
export async function applyPolicyAction(
  policy: number,
  request: { cluster: string; namespaces?: string[]; create: boolean; dryRun: boolean },
): Promise<Result<ApplyOutcome>> {
  const result = await executeMutation(applyPolicyNow, { policy, ...request }, await currentActor(), "ui");
  if (result.ok && !request.dryRun) revalidatePath("/namespace-policies", "layout");
  return result;
}

/** The cluster's namespace names, for the form's live preview of what a pattern matches. Reads only. */
export async function clusterNamespacesAction(cluster: string): Promise<Result<string[]>> {
  const actor = await currentActor();
  if (!actor || !can(actor, "policies.manage"))
    return { ok: false, status: 403, error: 'You do not have the permission "policies.manage"' };
  try {
    return { ok: true, data: await clusterNamespaceNames(cluster) };
  } catch (error) {
    if (error instanceof DomainError) return { ok: false, status: error.status, error: error.message };
    throw error;
  }
}

export async function deletePolicyAction(policy: number) {
  const result = await runServerAction(deletePolicy, { policy }, POLICY_PAGES);
  if (!result.ok) return result;
  redirect("/namespace-policies");
}
