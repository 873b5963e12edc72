"use server";

import type { FormState } from "@/components/ui/form";
import { formInput, runServerAction } from "@/lib/actions/server-action";
import { updateBuildSettings } from "@/lib/images/mutations";
import { updateSettings } from "@/lib/settings/mutations";

export async function updateSettingsAction(_previous: FormState, formData: FormData) {
  return runServerAction(updateSettings, formInput(formData), ["/settings", "/projects"]);
}

/** A whole-number form field as a number, or as typed when it is not one (so the schema names the problem). */
function wholeNumberOrText(value: unknown): unknown {
  return typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
}

export async function updateBuildSettingsAction(_previous: FormState, formData: FormData) {
  const input = formInput(formData);
  // An empty image, executor or namespace field means "the default"; an empty request or limit means "none".
  const orDefault = (value: unknown) => (value === "" ? null : value);
  return runServerAction(
    updateBuildSettings,
    {
      maxConcurrentBuilds: wholeNumberOrText(input.maxConcurrentBuilds),
      executor: orDefault(input.executor),
      kanikoImage: orDefault(input.kanikoImage),
      buildkitImage: orDefault(input.buildkitImage),
      namespace: orDefault(input.namespace),
      resources: {
        requests: { cpu: input["resources.requests.cpu"], memory: input["resources.requests.memory"] },
        limits: { cpu: input["resources.limits.cpu"], memory: input["resources.limits.memory"] },
      },
    },
    ["/settings", "/image-builds"],
  );
}

/** "on"/"off" from the form as the booleans the schema takes; anything else as typed, so the schema names it. */
function switchValue(value: unknown): unknown {
  return value === "on" ? true : value === "off" ? false : value;
}

export async function updateKubeconfigSwitchesAction(_previous: FormState, formData: FormData) {
  const input = formInput(formData);
  return runServerAction(
    updateSettings,
    { allowKubeconfigExecPlugins: switchValue(input.allowKubeconfigExecPlugins), allowInsecureKubeconfigTls: switchValue(input.allowInsecureKubeconfigTls) },
    ["/settings", "/clusters"],
  );
}
