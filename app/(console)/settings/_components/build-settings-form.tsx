"use client";

import { ActionForm, Field, SelectField } from "@/components/ui/form";
import type { BuildSettingsView } from "@/lib/images/builds";

import { updateBuildSettingsAction } from "../actions";

export function BuildSettingsForm({
  current,
  defaultKanikoImage,
  defaultBuildkitImage,
  defaultNamespace,
}: {
  current: BuildSettingsView;
  defaultKanikoImage: string;
  defaultBuildkitImage: string;
  defaultNamespace: string;
}) {
  const { requests, limits } = current.resources;
  return (
    <ActionForm
      action={updateBuildSettingsAction}
      label="Image builds"
      submitLabel="Save build settings"
      resetOnSuccess={false}
      success={() => "Build settings saved."}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          name="maxConcurrentBuilds"
          label="Builds at once per cluster"
          hint="More wait queued; 1 to 50."
          inputMode="numeric"
          defaultValue={String(current.maxConcurrentBuilds)}
          required
        />
        <SelectField
          name="executor"
          label="Executor"
          hint='Kaniko runs under Pod Security "baseline" (upstream Kaniko is archived). Rootless BuildKit needs a "privileged" namespace.'
          defaultValue={current.executor}
          options={[
            { value: "kaniko", label: "Kaniko" },
            { value: "buildkit", label: "BuildKit (rootless)" },
          ]}
        />
        <Field
          name="kanikoImage"
          label="Kaniko executor image"
          hint={`Empty: ${defaultKanikoImage}. Use a mirror or a maintained fork's executor.`}
          defaultValue={current.kanikoImage === defaultKanikoImage ? "" : current.kanikoImage}
          placeholder={defaultKanikoImage}
        />
        <Field
          name="buildkitImage"
          label="BuildKit image"
          hint={`Empty: ${defaultBuildkitImage}. A rootless image with buildctl-daemonless.sh.`}
          defaultValue={current.buildkitImage === defaultBuildkitImage ? "" : current.buildkitImage}
          placeholder={defaultBuildkitImage}
        />
        <Field
          name="namespace"
          label="Build namespace"
          hint={`Empty: ${defaultNamespace}. Created when missing; an existing one keeps its Pod Security level and quotas.`}
          defaultValue={current.namespace === defaultNamespace ? "" : current.namespace}
          placeholder={defaultNamespace}
        />
      </div>
      <fieldset className="mt-4 grid gap-4 sm:grid-cols-4">
        <legend className="mb-2 text-sm font-medium text-slate-700">Builder container (empty: none)</legend>
        <Field name="resources.requests.cpu" label="CPU request" defaultValue={requests.cpu ?? ""} placeholder="500m" />
        <Field
          name="resources.requests.memory"
          label="Memory request"
          defaultValue={requests.memory ?? ""}
          placeholder="1Gi"
        />
        <Field
          name="resources.limits.cpu"
          label="CPU limit"
          hint="A namespace quota on limits.cpu needs one."
          defaultValue={limits.cpu ?? ""}
        />
        <Field
          name="resources.limits.memory"
          label="Memory limit"
          defaultValue={limits.memory ?? ""}
          placeholder="4Gi"
        />
      </fieldset>
    </ActionForm>
  );
}
