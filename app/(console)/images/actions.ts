"use server";

import { redirect } from "next/navigation";
import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { currentActor } from "@/lib/auth/session";
import { BASE_IMAGE_FORM_FIELDS, formToBaseImageInput } from "@/lib/images/form";
import {
  buildBaseImage,
  cancelImageBuild,
  clearRegistryCredentials,
  createBaseImage,
  deleteBaseImage,
  importBaseImage,
  markBuildCurrent,
  restoreBaseImage,
  setRegistryCredentials,
  updateBaseImage,
} from "@/lib/images/mutations";
import { baseImageSchema } from "@/lib/images/schema";
import { fieldErrorsFrom } from "@/lib/validation";

const PAGES = ["/images", "/image-builds"];

function forForm<R extends ObjectActionResult>(result: R): R {
  return result.ok ? result : { ...result, fieldErrors: foldFieldErrors(result.fieldErrors, BASE_IMAGE_FORM_FIELDS) };
}

/** Reads the form; lines that cannot be read are refused together with every other field error. */
function readForm(formData: FormData): { ok: true; input: Record<string, unknown> } | { ok: false; result: ObjectActionResult } {
  const { input, fieldErrors } = formToBaseImageInput(formInput(formData));
  if (Object.keys(fieldErrors).length === 0) return { ok: true, input };
  const parsed = baseImageSchema.safeParse(input);
  const schemaErrors = parsed.success ? {} : foldFieldErrors(fieldErrorsFrom(parsed.error), BASE_IMAGE_FORM_FIELDS)!;
  for (const [field, messages] of Object.entries(fieldErrors)) schemaErrors[field] = [...messages, ...(schemaErrors[field] ?? [])];
  return { ok: false, result: { ok: false, error: "Some fields are not valid", fieldErrors: schemaErrors } };
}

const detailPath = (name: string) => `/images/${encodeURIComponent(name)}`;

export async function createBaseImageAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const form = readForm(formData);
  if (!form.ok) return form.result;
  const result = await runServerAction(createBaseImage, form.input, PAGES);
  if (!result.ok) return forForm(result);
  redirect(detailPath(result.data.name));
}

export async function updateBaseImageAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const form = readForm(formData);
  if (!form.ok) return form.result;
  const result = await runServerAction(updateBaseImage, { ...form.input, baseImage: Number(formData.get("baseImage")), version: formData.get("version") ?? undefined }, PAGES);
  if (!result.ok) return forForm(result);
  redirect(detailPath(result.data.name));
}

export async function deleteBaseImageAction(baseImage: number): Promise<ObjectActionResult> {
  const result = await runServerAction(deleteBaseImage, { baseImage }, PAGES);
  if (!result.ok) return result;
  redirect("/images");
}

export async function restoreBaseImageAction(baseImage: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreBaseImage, { baseImage, auditEventId }, PAGES);
}

export async function importBaseImageAction(_previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const result = await importBaseImage(String(formData.get("yaml") ?? ""), await currentActor(), "ui");
  if (!result.ok) return result;
  redirect(detailPath(result.data.name));
}

/** Starts a build and opens its page, where the log streams. */
export async function buildBaseImageAction(baseImage: number): Promise<ObjectActionResult> {
  const result = await runServerAction(buildBaseImage, { baseImage }, PAGES);
  if (!result.ok) return result;
  redirect(`/image-builds/${result.data.id}`);
}

export async function markBuildCurrentAction(baseImage: number, build: number): Promise<ObjectActionResult> {
  return runServerAction(markBuildCurrent, { baseImage, build }, PAGES);
}

export async function setRegistryCredentialsAction(baseImage: number, _previous: unknown, formData: FormData): Promise<ObjectActionResult> {
  const input = formInput(formData);
  // Only what the person typed goes on; the answer carries no credentials back.
  const result = await runServerAction(setRegistryCredentials, { baseImage, username: input.username ?? "", password: input.password ?? "", dockerConfigJson: input.dockerConfigJson ?? "" }, PAGES);
  return result.ok ? { ok: true } : result;
}

export async function clearRegistryCredentialsAction(baseImage: number): Promise<ObjectActionResult> {
  const result = await runServerAction(clearRegistryCredentials, { baseImage }, PAGES);
  return result.ok ? { ok: true } : result;
}

export async function cancelBuildAction(build: number): Promise<ObjectActionResult> {
  const result = await runServerAction(cancelImageBuild, { build }, PAGES);
  return result.ok ? { ok: true } : result;
}
