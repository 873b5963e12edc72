"use client";

import { useId, useState } from "react";

import { ConflictNotice, useConflictAwareAction } from "@/components/objects/conflict-notice";
import { TextareaField } from "@/components/objects/textarea-field";
import type { ObjectActionResult } from "@/components/objects/types";
import { ActionForm, CheckboxGroup, Field, SelectField, useFieldErrors } from "@/components/ui/form";
import { buildForMode, packagesToLines, type BuildForMode } from "@/lib/code-envs/form";
import type { CodeEnvSpec } from "@/lib/code-envs/schema";

const MODES: { value: BuildForMode; label: string }[] = [
  { value: "none", label: "None" },
  { value: "all", label: "All" },
  { value: "selected", label: "Selected" },
];

function BuildForField({
  field,
  legend,
  value,
  options,
}: {
  field: "executionConfigs" | "sparkConfigs";
  legend: string;
  value: CodeEnvSpec["buildFor"]["executionConfigs"];
  options: string[];
}) {
  const initial = buildForMode(value);
  const [mode, setMode] = useState(initial.mode);
  const name = `buildFor.${field}`;
  const errors = useFieldErrors(name);
  const id = useId();
  return (
    <fieldset aria-describedby={errors ? `${id}-errors` : undefined}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className="mt-1 flex gap-4 text-sm text-slate-700">
        {MODES.map((option) => (
          <label key={option.value} className="flex items-center gap-1.5">
            <input
              type="radio"
              name={`${name}Mode`}
              value={option.value}
              checked={mode === option.value}
              onChange={() => setMode(option.value)}
            />
            {option.label}
          </label>
        ))}
      </div>
      {mode === "selected" && (
        <div className="mt-2">
          <CheckboxGroup
            name={name}
            label={legend.replace(/^Build for /, "")}
            options={options}
            defaultChecked={initial.names}
          />
        </div>
      )}
      {errors && (
        <ul id={`${id}-errors`} className="mt-1 space-y-0.5 text-xs text-red-700">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

const EMPTY: CodeEnvSpec = {
  name: "",
  description: "",
  language: "python",
  packages: [],
  pythonVersion: null,
  buildFor: { executionConfigs: "none", sparkConfigs: "none" },
  dockerfileStart: "",
  dockerfileBeforePackages: "",
  dockerfileAfterPackages: "",
  dockerfileEnd: "",
};

const FRAGMENTS = [
  ["dockerfileStart", "At start", "Right after FROM, as root."],
  [
    "dockerfileBeforePackages",
    "Before packages",
    "After the virtualenv is made (Python), before the packages install.",
  ],
  ["dockerfileAfterPackages", "After packages", "After the packages install."],
  ["dockerfileEnd", "At end", "Last, before the image switches to the non-root user."],
] as const;

/** Create (no codeEnv) or edit a code env; a stale edit shows the other person's change. */
export function CodeEnvForm({
  codeEnv,
  version,
  values = EMPTY,
  executionConfigs,
  sparkConfigs,
  action,
}: {
  codeEnv?: number;
  version?: number;
  values?: CodeEnvSpec;
  executionConfigs: string[];
  sparkConfigs: string[];
  action: (previous: unknown, formData: FormData) => Promise<ObjectActionResult>;
}) {
  const [conflictAware, conflict] = useConflictAwareAction(action);
  const [language, setLanguage] = useState(values.language);
  const fragmentsSet = FRAGMENTS.some(([name]) => values[name]);
  return (
    <div className="space-y-4">
      <ConflictNotice current={conflict} />
      <ActionForm
        action={conflictAware}
        label={codeEnv ? "Edit code env" : "New code env"}
        submitLabel={codeEnv ? "Save changes" : "Create code env"}
        resetOnSuccess={false}
      >
        {codeEnv && (
          <>
            <input type="hidden" name="codeEnv" value={codeEnv} />
            <input type="hidden" name="version" value={version} />
          </>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            name="name"
            label="Name"
            defaultValue={values.name}
            autoComplete="off"
            hint="Lowercase letters, digits and '-'. Part of the image tag."
          />
          <Field name="description" label="Description" defaultValue={values.description} autoComplete="off" />
          <SelectField
            name="language"
            label="Language"
            defaultValue={values.language}
            onChange={(event) => setLanguage(event.target.value as CodeEnvSpec["language"])}
            options={[
              { value: "python", label: "Python" },
              { value: "r", label: "R" },
            ]}
          />
          {language === "python" && (
            <Field
              name="pythonVersion"
              label="Python version"
              defaultValue={values.pythonVersion ?? ""}
              autoComplete="off"
              placeholder="3.11"
              hint="One the base image has as python3.X. Empty: its python3."
            />
          )}
        </div>
        <TextareaField
          name="packages"
          label="Packages"
          rows={8}
          defaultValue={packagesToLines(values)}
          placeholder={
            language === "python"
              ? "pandas==2.2.3\nscikit-learn>=1.5,<2\n# comments and blank lines are ignored"
              : "data.table\nggplot2>=3.4.0"
          }
          hint={
            language === "python"
              ? "One pip requirement per line, as in requirements.txt (no -r or --options)."
              : "One CRAN package per line, optionally with a minimum version: name>=1.2.0."
          }
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <BuildForField
            field="executionConfigs"
            legend="Build for execution configs"
            value={values.buildFor.executionConfigs}
            options={executionConfigs}
          />
          <BuildForField
            field="sparkConfigs"
            legend="Build for Spark configs"
            value={values.buildFor.sparkConfigs}
            options={sparkConfigs}
          />
        </div>
        <p className="text-xs text-slate-500">
          One image is built per distinct base image of the chosen configs; pods of those configs run it when a run
          names this code env.
        </p>
        <details open={fragmentsSet} className="rounded-md border border-slate-200 p-4">
          <summary className="cursor-pointer text-sm font-medium text-slate-800">Dockerfile fragments</summary>
          <div className="mt-3 grid gap-4 sm:grid-cols-2">
            {FRAGMENTS.map(([name, label, hint]) => (
              <TextareaField
                key={name}
                name={name}
                label={label}
                rows={3}
                defaultValue={values[name]}
                hint={`${hint} Dockerfile instructions; no FROM.`}
              />
            ))}
          </div>
        </details>
      </ActionForm>
    </div>
  );
}
