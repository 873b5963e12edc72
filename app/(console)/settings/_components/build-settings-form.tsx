"use client";

import { ActionForm, Field } from "@/components/ui/form";
import { updateBuildSettingsAction } from "../actions";

export function BuildSettingsForm({ current, defaultKanikoImage }: { current: { maxConcurrentBuilds: number; kanikoImage: string }; defaultKanikoImage: string }) {
  return (
    <ActionForm action={updateBuildSettingsAction} label="Image builds" submitLabel="Save build settings" resetOnSuccess={false} success={() => "Build settings saved."}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="maxConcurrentBuilds" label="Builds at once per cluster" hint="More wait queued; 1 to 50." inputMode="numeric" defaultValue={String(current.maxConcurrentBuilds)} required />
        <Field
          name="kanikoImage"
          label="Kaniko executor image"
          hint={`Empty: ${defaultKanikoImage}. Use a mirror when the cluster cannot pull from gcr.io.`}
          defaultValue={current.kanikoImage === defaultKanikoImage ? "" : current.kanikoImage}
          placeholder={defaultKanikoImage}
        />
      </div>
    </ActionForm>
  );
}
