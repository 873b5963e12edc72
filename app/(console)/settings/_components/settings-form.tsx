"use client";

import { ActionForm, SelectField } from "@/components/ui/form";
import type { SettingsView } from "@/lib/settings/schema";

import { updateSettingsAction } from "../actions";

const NONE = { value: "", label: "— none —" };
const options = (names: string[]) => [NONE, ...names.map((name) => ({ value: name, label: name }))];

export function SettingsForm({
  current,
  executionConfigs,
  sparkConfigs,
  clusters,
}: {
  current: SettingsView;
  executionConfigs: string[];
  sparkConfigs: string[];
  clusters: string[];
}) {
  return (
    <ActionForm
      action={updateSettingsAction}
      label="Instance defaults"
      submitLabel="Save defaults"
      resetOnSuccess={false}
      success={() => "Defaults saved."}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          name="defaultExecutionConfig"
          label="Default execution config (user code)"
          hint="Python and R recipes, notebooks, ML tasks."
          options={options(executionConfigs)}
          defaultValue={current.defaultExecutionConfig ?? ""}
        />
        <SelectField
          name="defaultVisualRecipeExecutionConfig"
          label="Default execution config (visual recipes)"
          hint="Recipes built without code."
          options={options(executionConfigs)}
          defaultValue={current.defaultVisualRecipeExecutionConfig ?? ""}
        />
        <SelectField
          name="defaultSparkConfig"
          label="Default Spark config"
          options={options(sparkConfigs)}
          defaultValue={current.defaultSparkConfig ?? ""}
        />
        <SelectField
          name="defaultCluster"
          label="Default cluster"
          hint="For configs that do not name their own cluster."
          options={options(clusters)}
          defaultValue={current.defaultCluster ?? ""}
        />
      </div>
    </ActionForm>
  );
}
