"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { ObjectActionResult } from "@/components/objects/types";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { currentActor } from "@/lib/auth/session";
import { codeEnvFormErrors, codeEnvFormInput } from "@/lib/code-envs/form";
import { buildCodeEnv, createCodeEnv, deleteCodeEnv, importCodeEnv, rebuildStaleCodeEnvs, restoreCodeEnv, updateCodeEnv } from "@/lib/code-envs/mutations";
import { ensureBuildRunner } from "@/lib/images/build-runner";

const CODE_ENV_PAGES = ["/code-envs"];

const fromForm = (formData: FormData) => codeEnvFormInput(formInput(formData, ["buildFor.executionConfigs", "buildFor.sparkConfigs"]));
const onFormFields = (result: ObjectActionResult): ObjectActionResult => (result.ok ? result : { ...result, fieldErrors: codeEnvFormErrors(result.fieldErrors) });

export async function createCodeEnvAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const result = await runServerAction(createCodeEnv, fromForm(formData), CODE_ENV_PAGES);
  if (!result.ok) return onFormFields(result);
  redirect(`/code-envs/${encodeURIComponent(result.data.name)}`);
}

export async function updateCodeEnvAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const result = await runServerAction(updateCodeEnv, fromForm(formData), CODE_ENV_PAGES);
  if (!result.ok) return onFormFields(result);
  redirect(`/code-envs/${encodeURIComponent(result.data.name)}`);
}

export async function restoreCodeEnvAction(codeEnv: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreCodeEnv, { codeEnv, auditEventId }, CODE_ENV_PAGES);
}

export async function importCodeEnvAction(_previous: ObjectActionResult | null, formData: FormData): Promise<ObjectActionResult> {
  const result = await importCodeEnv(String(formData.get("yaml") ?? ""), await currentActor(), "ui");
  if (result.ok) revalidatePath("/code-envs", "layout");
  return result;
}

export async function deleteCodeEnvAction(codeEnv: number) {
  const result = await runServerAction(deleteCodeEnv, { codeEnv }, CODE_ENV_PAGES);
  if (!result.ok) return result;
  redirect("/code-envs");
}

/** "Build what is stale" for one env: the answer says what was queued, or why nothing was. */
export async function buildCodeEnvAction(codeEnv: number): Promise<{ ok: true; message: string } | { ok: false; error: string }> {
  const result = await runServerAction(buildCodeEnv, { codeEnv }, CODE_ENV_PAGES);
  if (!result.ok) return result;
  const { queued, message } = result.data;
  if (queued.length) ensureBuildRunner();
  return { ok: true, message: queued.length ? `Queued ${queued.length} build${queued.length === 1 ? "" : "s"}: ${queued.map((build) => `#${build.id}`).join(", ")}` : (message ?? "Nothing to build") };
}

/** "Rebuild all stale": every code env's missing or stale images. */
export async function rebuildStaleCodeEnvsAction(): Promise<{ ok: true; message: string } | { ok: false; error: string }> {
  const result = await rebuildStaleCodeEnvs(await currentActor(), "ui");
  if (!result.ok) return result;
  revalidatePath("/code-envs", "layout");
  const count = result.data.reduce((total, outcome) => total + outcome.queued.length, 0);
  if (count) ensureBuildRunner();
  return { ok: true, message: count ? `Queued ${count} build${count === 1 ? "" : "s"} for ${result.data.map((outcome) => outcome.codeEnv).join(", ")}` : "Every code env image is current" };
}
