"use server";

import { formAction } from "@/lib/actions/form-action";
import { formInput } from "@/lib/actions/server-action";
import { updateBuildSettings } from "@/lib/images/mutations";
import { updateSettings } from "@/lib/settings/mutations";

export const updateSettingsAction = formAction(updateSettings, { revalidate: ["/settings", "/projects"] });

/** A whole-number form field as a number, or as typed when it is not one (so the schema names the problem). */
function wholeNumberOrText(value: unknown): unknown {
  return typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
}

function readBuildSettingsForm(formData: FormData) {
  const input = formInput(formData);
  // An empty image, executor or namespace field means "the default"; an empty request or limit means "none".
  const orDefault = (value: unknown) => (value === "" ? null : value);
  return {
    input: {
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
  };
}

export const updateBuildSettingsAction = formAction(updateBuildSettings, {
  revalidate: ["/settings", "/image-builds"],
  read: readBuildSettingsForm,
});

/** "on"/"off" from the form as the booleans the schema takes; anything else as typed, so the schema names it. */
function switchValue(value: unknown): unknown {
  return value === "on" ? true : value === "off" ? false : value;
}

function readKubeconfigSwitches(formData: FormData) {
  const input = formInput(formData);
  return {
    input: {
      allowKubeconfigExecPlugins: switchValue(input.allowKubeconfigExecPlugins),
      allowInsecureKubeconfigTls: switchValue(input.allowInsecureKubeconfigTls),
    },
  };
}

export const updateKubeconfigSwitchesAction = formAction(updateSettings, {
  revalidate: ["/settings", "/clusters"],
  read: readKubeconfigSwitches,
});
