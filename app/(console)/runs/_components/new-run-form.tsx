"use client";

import Link from "next/link";
import { useId, useState } from "react";

import { FormSection } from "@/components/objects/form-sections";
import { TextareaField } from "@/components/objects/textarea-field";
import { ActionForm, Field, SelectField, type FormAction } from "@/components/ui/form";
import { ACTIVITY_LABELS, ACTIVITY_TYPES, isSparkActivity, type ActivityType } from "@/lib/resolution/activities";
import type { CannotStartHelp } from "@/lib/runs/cannot-start";
import type { RunFormValues } from "@/lib/runs/rerun";

/** Why runs of an activity cannot start with what the project resolves, and who fixes it where. */
export type BlockedRun = CannotStartHelp & { reason: string };

/** What each choice becomes when left empty, in words, per activity. */
export type ActivityDefaults = Record<
  string,
  { executionConfig: string; sparkConfig: string; cluster: string; blocked?: BlockedRun }
>;

/** Per project key: the project's defaults, and those of each object that has an override. */
export type RunDefaults = Record<string, { project: ActivityDefaults; objects: Record<string, ActivityDefaults> }>;

/** What the form starts with: a project's "Run" of an object, or "Run again" of a run. */
export type RunFormInitial = RunFormValues;

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

const options = (names: string[], empty: string) => [
  { value: "", label: empty },
  ...names.map((name) => ({ value: name, label: name })),
];

/** A choice the user may not (or no longer) pick is left empty rather than shown as another value. */
const known = (names: string[], value: string | undefined) => (value && names.includes(value) ? value : "");

/** "This cannot start: …", with what an admin sets where, or whom to ask. */
function BlockedNotice({
  project,
  activity,
  blocked,
}: {
  project: string;
  activity: ActivityType;
  blocked: BlockedRun;
}) {
  return (
    <div
      role="note"
      aria-label="Why it cannot start"
      className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      <p>
        A {ACTIVITY_LABELS[activity]} run in {project} cannot start with what the project resolves: {blocked.reason}.{" "}
        {blocked.advice}
      </p>
      {blocked.links.length > 0 && (
        <p className="mt-2 flex flex-wrap gap-4">
          {blocked.links.map((link) => (
            <Link key={link.href} href={link.href} className="font-medium text-brand-700 underline">
              {link.label}
            </Link>
          ))}
        </p>
      )}
    </div>
  );
}

/** The new-run form: what to run, where, and optional per-run choices limited to what the user may use. */
export function NewRunForm({
  action,
  choices,
  defaults,
  objects,
  initial,
}: {
  action: FormAction;
  choices: RunChoices;
  defaults: RunDefaults;
  /** Object ids known per project (overrides and past runs), suggested in the Object field. */
  objects: Record<string, string[]>;
  initial: RunFormInitial & { project: string };
}) {
  const [project, setProject] = useState(initial.project);
  const [activity, setActivity] = useState<ActivityType>(initial.activity ?? "python-recipe");
  const [object, setObject] = useState(initial.object ?? "");
  const objectList = useId();
  const projectDefaults = defaults[project];
  const fallback = (projectDefaults?.objects[object.trim()] ?? projectDefaults?.project)?.[activity];
  const spark = isSparkActivity(activity);
  return (
    <ActionForm action={action} label="New run" submitLabel="Submit run" resetOnSuccess={false}>
      {fallback?.blocked && <BlockedNotice project={project} activity={activity} blocked={fallback.blocked} />}
      <FormSection title="What to run">
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            name="project"
            label="Project"
            options={choices.projects}
            value={project}
            onChange={(event) => setProject(event.target.value)}
          />
          <SelectField
            name="activity"
            label="Activity type"
            options={ACTIVITY_TYPES.map((type) => ({ value: type, label: ACTIVITY_LABELS[type] }))}
            value={activity}
            onChange={(event) => setActivity(event.target.value as ActivityType)}
          />
          <SelectField
            name="codeEnv"
            label="Code env"
            options={options(choices.codeEnvs, "None: the config's image")}
            defaultValue={known(choices.codeEnvs, initial.codeEnv)}
            hint="Its image built for the config replaces the config's image."
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            name="object"
            label="Object (recipe, notebook or ML task id)"
            value={object}
            onChange={(event) => setObject(event.target.value)}
            list={objectList}
            autoComplete="off"
            placeholder="e.g. prepare_features"
            hint="Optional. Its overrides in the project apply to this run."
          />
          <datalist id={objectList}>
            {(objects[project] ?? []).map((objectId) => (
              <option key={objectId} value={objectId} />
            ))}
          </datalist>
          <Field
            name="name"
            label="Name"
            defaultValue={initial.name ?? ""}
            autoComplete="off"
            hint="Optional. Left empty: the object, else the script's file or first word."
          />
        </div>
        <TextareaField
          name="command"
          label="Command (one argument per line)"
          rows={4}
          defaultValue={initial.command}
          placeholder={"python\ntrain.py\n--epochs=3"}
          hint="Each line is one argument, passed as is: no shell, no quoting. Leave empty to run the script below."
        />
        <TextareaField
          name="script"
          label="Script"
          rows={5}
          defaultValue={initial.script}
          hint="Or a script, run by the activity's interpreter (Python, or R for R activities)."
        />
        <TextareaField
          name="env"
          label="Environment (NAME=value per line)"
          rows={3}
          defaultValue={initial.env}
          placeholder={"EPOCHS=3\nDATASET=churn_2026"}
          hint={
            initial.secretEnv?.length
              ? `Secret values are not copied: type the value of ${initial.secretEnv.join(", ")} again.`
              : "Inputs passed to the container as environment variables."
          }
        />
      </FormSection>
      <FormSection title="Where it runs (optional)">
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            name="executionConfig"
            label="Execution config"
            options={options(choices.executionConfigs, "Resolved for the project")}
            defaultValue={known(choices.executionConfigs, initial.executionConfig)}
            hint={fallback ? `Left empty: ${fallback.executionConfig}` : undefined}
          />
          <SelectField
            name="sparkConfig"
            label="Spark config"
            options={options(choices.sparkConfigs, spark ? "Resolved for the project" : "Not used by this activity")}
            defaultValue={known(choices.sparkConfigs, initial.sparkConfig)}
            disabled={!spark}
            hint={
              spark && fallback ? `Left empty: ${fallback.sparkConfig}` : "Only Spark activities use a Spark config."
            }
          />
          <SelectField
            name="cluster"
            label="Cluster"
            options={options(choices.clusters, "Resolved for the project")}
            defaultValue={known(choices.clusters, initial.cluster)}
            hint={fallback ? `Left empty: ${fallback.cluster}` : undefined}
          />
        </div>
        <p className="text-xs text-slate-500">
          The lists hold only the configs your groups may use and the clusters you may run on.
        </p>
      </FormSection>
      {choices.simulated && (
        <details className="rounded-md border border-slate-200 px-4 py-3" open={Boolean(initial.annotations)}>
          <summary className="cursor-pointer text-sm font-medium text-slate-700">
            Simulated behaviour (embedded cluster only)
          </summary>
          <div className="mt-3">
            <TextareaField
              name="annotations"
              label="Simulated pod behaviour (name=value per line)"
              rows={3}
              defaultValue={initial.annotations}
              placeholder={"duration=20s\nlog-rate=2\nexit-code=0"}
              hint="The embedded cluster is a simulator: these sim.berth.dev/* annotations script what the run's pods do (duration, exit-code, oom, log-lines with \n between lines, log-rate…). Real clusters ignore them."
            />
          </div>
        </details>
      )}
    </ActionForm>
  );
}
