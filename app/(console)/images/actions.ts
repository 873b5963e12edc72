"use server";

import { redirect } from "next/navigation";

import { foldFieldErrors } from "@/components/objects/fold-field-errors";
import type { ObjectActionResult } from "@/components/objects/types";
import { formAction } from "@/lib/actions/form-action";
import { formInput, runServerAction } from "@/lib/actions/server-action";
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
import type { FieldErrors } from "@/lib/validation";

const PAGES = ["/images", "/image-builds"];

const readBaseImageForm = (formData: FormData) => formToBaseImageInput(formInput(formData));
const onFormFields = (errors: FieldErrors) => foldFieldErrors(errors, BASE_IMAGE_FORM_FIELDS);
const baseImagePage = (baseImage: { name: string }) => `/images/${encodeURIComponent(baseImage.name)}`;

export const createBaseImageAction = formAction(createBaseImage, {
  revalidate: PAGES,
  read: readBaseImageForm,
  fieldErrors: onFormFields,
  redirectTo: baseImagePage,
});

export const updateBaseImageAction = formAction(updateBaseImage, {
  revalidate: PAGES,
  read(formData) {
    const { input, fieldErrors } = readBaseImageForm(formData);
    return {
      input: { ...input, baseImage: Number(formData.get("baseImage")), version: formData.get("version") ?? undefined },
      fieldErrors,
    };
  },
  readSchema: baseImageSchema,
  notInReadSchema: ["baseImage", "version"],
  fieldErrors: onFormFields,
  redirectTo: baseImagePage,
});

export async function deleteBaseImageAction(baseImage: number): Promise<ObjectActionResult> {
  const result = await runServerAction(deleteBaseImage, { baseImage }, PAGES);
  if (!result.ok) return result;
  redirect("/images");
}

export async function restoreBaseImageAction(baseImage: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreBaseImage, { baseImage, auditEventId }, PAGES);
}

export const importBaseImageAction = formAction(importBaseImage, {
  revalidate: ["/images"],
  redirectTo: baseImagePage,
});

/** Starts a build (on the cluster, or on the Docker host named) and opens its page, where the log streams. */
export async function buildBaseImageAction(baseImage: number, dockerHost?: string): Promise<ObjectActionResult> {
  const result = await runServerAction(buildBaseImage, { baseImage, ...(dockerHost ? { dockerHost } : {}) }, PAGES);
  if (!result.ok) return result;
  redirect(`/image-builds/${result.data.id}`);
}

export async function markBuildCurrentAction(baseImage: number, build: number): Promise<ObjectActionResult> {
  return runServerAction(markBuildCurrent, { baseImage, build }, PAGES);
}

export async function setRegistryCredentialsAction(
  baseImage: number,
  _previous: unknown,
  formData: FormData,
): Promise<ObjectActionResult> {
  const input = formInput(formData);
  // Only what the person typed goes on; the answer carries no credentials back.
  const result = await runServerAction(
    setRegistryCredentials,
    {
      baseImage,
      username: input.username ?? "",
      password: input.password ?? "",
      dockerConfigJson: input.dockerConfigJson ?? "",
    },
    PAGES,
  );
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
