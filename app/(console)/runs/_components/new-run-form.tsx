"use client";

import { useState } from "react";
import { FormSection } from "@/components/objects/form-sections";
import { TextareaField } from "@/components/objects/textarea-field";
import { ActionForm, SelectField, type FormAction } from "@/components/ui/form";
import { ACTIVITY_LABELS, ACTIVITY_TYPES, isSparkActivity, type ActivityType } from "@/lib/resolution/activities";

/** Per project key and activity: what each choice becomes when left empty, in words. */
export type RunDefaults = Record<string, Record<string, { executionConfig: string; sparkConfig: string; cluster: string }>>;

export interface RunChoices {
  projects: { value: string; label: string }[];
  /** Only what the user may use: configs their groups may use, clusters they hold "use" on. */
  executionConfigs: string[];
  sparkConfigs: string[];
  clusters: string[];
  codeEnvs: string[];
  /** Whether the user may run on a simulated cluster, whose pods' behaviour a run may script. */
  simulated: boolean;
}

const options = (names: string[], empty: string) => [{ value: "", label: empty }, ...names.map((name) => ({ value: name, label: name }))];

/** The new-run form: what to run, where, and optional per-run choices limited to what the user may use. */
export function NewRunForm({ action, choices, defaults, initialProject }: { action: FormAction; choices: RunChoices; defaults: RunDefaults; initialProject: string }) {
  const [project, setProject] = useState(initialProject);
  const [activity, setActivity] = useState<ActivityType>("python-recipe");
  const fallback = defaults[project]?.[activity];
  const spark = isSparkActivity(activity);
  return (
    <ActionForm action={action} label="New run" submitLabel="Submit run" resetOnSuccess={false}>
      <FormSection title="What to run">
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField name="project" label="Project" options={choices.projects} value={project} onChange={(event) => setProject(event.target.value)} />
          <SelectField
            name="activity"
            label="Activity type"
            options={ACTIVITY_TYPES.map((type) => ({ value: type, label: ACTIVITY_LABELS[type] }))}
            value={activity}
            onChange={(event) => setActivity(event.target.value as ActivityType)}
          />
          <SelectField name="codeEnv" label="Code env" options={options(choices.codeEnvs, "None: the config's image")} defaultValue="" hint="Its image built for the config replaces the config's image." />
        </div>
        <TextareaField
          name="command"
          label="Command (one argument per line)"
          rows={4}
          placeholder={"python\ntrain.py\n--epochs=3"}
          hint="Each line is one argument, passed as is: no shell, no quoting. Leave empty to run the script below."
        />
        <TextareaField name="script" label="Script" rows={5} hint="Or a script, run by the activity's interpreter (Python, or R for R activities)." />
        <TextareaField name="env" label="Environment (NAME=value per line)" rows={3} placeholder={"EPOCHS=3\nDATASET=churn_2026"} hint="Inputs passed to the container as environment variables." />
      </FormSection>
      <FormSection title="Where it runs (optional)">
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            name="executionConfig"
            label="Execution config"
            options={options(choices.executionConfigs, "Resolved for the project")}
            defaultValue=""
            hint={fallback ? `Left empty: ${fallback.executionConfig}` : undefined}
          />
          <SelectField
            name="sparkConfig"
            label="Spark config"
            options={options(choices.sparkConfigs, spark ? "Resolved for the project" : "Not used by this activity")}
            defaultValue=""
            disabled={!spark}
            hint={spark && fallback ? `Left empty: ${fallback.sparkConfig}` : "Only Spark activities use a Spark config."}
          />
          <SelectField name="cluster" label="Cluster" options={options(choices.clusters, "Resolved for the project")} defaultValue="" hint={fallback ? `Left empty: ${fallback.cluster}` : undefined} />
        </div>
        <p className="text-xs text-slate-500">The lists hold only the configs your groups may use and the clusters you may run on.</p>
      </FormSection>
      {choices.simulated && (
        <details className="rounded-md border border-slate-200 px-4 py-3">
          <summary className="cursor-pointer text-sm font-medium text-slate-700">Simulated behaviour (embedded cluster only)</summary>
          <div className="mt-3">
            <TextareaField
              name="annotations"
              label="Simulated pod behaviour (name=value per line)"
              rows={3}
              placeholder={"duration=20s\nlog-rate=2\nexit-code=0"}
              hint="The embedded cluster is a simulator: these sim.berth.dev/* annotations script what the run's pods do (duration, exit-code, oom, log-lines with \n between lines, log-rate…). Real clusters ignore them."
            />
          </div>
        </details>
      )}
    </ActionForm>
  );
}
