"use server";

import { redirect } from "next/navigation";

import type { ObjectActionResult } from "@/components/objects/types";
import { formAction } from "@/lib/actions/form-action";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { codeEnvFormErrors, codeEnvFormInput } from "@/lib/code-envs/form";
import {
  buildCodeEnv,
  createCodeEnv,
  deleteCodeEnv,
  importCodeEnv,
  rebuildStaleCodeEnvs,
  restoreCodeEnv,
  updateCodeEnv,
} from "@/lib/code-envs/mutations";
import { ensureBuildRunner } from "@/lib/images/build-runner";

const CODE_ENV_PAGES = ["/code-envs"];

const readCodeEnvForm = (formData: FormData) => ({
  input: codeEnvFormInput(formInput(formData, ["buildFor.executionConfigs", "buildFor.sparkConfigs"])),
});
const codeEnvPage = (codeEnv: { name: string }) => `/code-envs/${encodeURIComponent(codeEnv.name)}`;

export const createCodeEnvAction = formAction(createCodeEnv, {
  revalidate: CODE_ENV_PAGES,
  read: readCodeEnvForm,
  fieldErrors: codeEnvFormErrors,
  redirectTo: codeEnvPage,
});

export const updateCodeEnvAction = formAction(updateCodeEnv, {
  revalidate: CODE_ENV_PAGES,
  read: readCodeEnvForm,
  fieldErrors: codeEnvFormErrors,
  redirectTo: codeEnvPage,
});

export async function restoreCodeEnvAction(codeEnv: number, auditEventId: number): Promise<ObjectActionResult> {
  return runServerAction(restoreCodeEnv, { codeEnv, auditEventId }, CODE_ENV_PAGES);
}

export const importCodeEnvAction = formAction(importCodeEnv, { revalidate: CODE_ENV_PAGES });

export async function deleteCodeEnvAction(codeEnv: number) {
  const result = await runServerAction(deleteCodeEnv, { codeEnv }, CODE_ENV_PAGES);
  if (!result.ok) return result;
  redirect("/code-envs");
}

/**
 * "Build what is stale" for one env, on the cluster or on the Docker host named: the answer says
 * what was queued, or why nothing was.
 */
export async function buildCodeEnvAction(
  codeEnv: number,
  dockerHost?: string,
): Promise<{ ok: true; message: string } | { ok: false; error: string }> {
  const result = await runServerAction(
    buildCodeEnv,
    { codeEnv, ...(dockerHost ? { dockerHost } : {}) },
    CODE_ENV_PAGES,
  );
  if (!result.ok) return result;
  const { queued, message } = result.data;
  if (queued.length) ensureBuildRunner();
  return {
    ok: true,
    message: queued.length
      ? `Queued ${queued.length} build${queued.length === 1 ? "" : "s"}: ${queued.map((build) => `#${build.id}`).join(", ")}`
      : (message ?? "Nothing to build"),
  };
}

/** "Rebuild all stale": every code env's missing or stale images. */
export async function rebuildStaleCodeEnvsAction(): Promise<
  { ok: true; message: string } | { ok: false; error: string }
> {
  const result = await runServerAction(rebuildStaleCodeEnvs, {}, CODE_ENV_PAGES);
  if (!result.ok) return result;
  const count = result.data.reduce((total, outcome) => total + outcome.queued.length, 0);
  if (count) ensureBuildRunner();
  return {
    ok: true,
    message: count
      ? `Queued ${count} build${count === 1 ? "" : "s"} for ${result.data.map((outcome) => outcome.codeEnv).join(", ")}`
      : "Every code env image is current",
  };
}
