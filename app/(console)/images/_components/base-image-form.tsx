"use client";

import { useId, useState } from "react";

import { ConflictNotice, useConflictAwareAction } from "@/components/objects/conflict-notice";
import { FormSection, IdentityFields } from "@/components/objects/form-sections";
import { TextareaField } from "@/components/objects/textarea-field";
import type { ObjectActionResult } from "@/components/objects/types";
import { ActionForm, Field, SelectField, useFieldErrors } from "@/components/ui/form";
import type { BaseImageFormValues } from "@/lib/images/form";
import { CUDA_IMAGE_VERSIONS, DEFAULT_FROM_IMAGE } from "@/lib/images/schema";

function Checkbox({
  name,
  label,
  checked,
  onChange,
}: {
  name: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  const errors = useFieldErrors(name);
  return (
    <div>
      <label htmlFor={id} className="flex items-center gap-2 text-sm text-slate-800">
        <input
          id={id}
          type="checkbox"
          name={name}
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          className="rounded border-slate-300"
        />
        {label}
      </label>
      {errors && <p className="mt-1 text-xs text-red-700">{errors.join(" ")}</p>}
    </div>
  );
}

/**
 * Create or edit a base image. Editing sends the version that was read; a refused save
 * (someone else saved first) shows their change.
 */
export function BaseImageForm({
  action,
  values,
  clusterNames,
  baseImageId,
  version,
}: {
  action: (previous: unknown, formData: FormData) => Promise<ObjectActionResult>;
  values: BaseImageFormValues;
  clusterNames: string[];
  baseImageId?: number;
  version?: number;
}) {
  const [wrapped, current] = useConflictAwareAction(action);
  const [r, setR] = useState(values.r === true);
  const [cuda, setCuda] = useState(values.cuda === true);
  const text = (name: string) => String(values[name] ?? "");
  return (
    <ActionForm
      action={wrapped}
      label={baseImageId ? "Edit base image" : "New base image"}
      submitLabel={baseImageId ? "Save changes" : "Create base image"}
      resetOnSuccess={false}
      className="space-y-6"
    >
      <ConflictNotice current={current} />
      {baseImageId !== undefined && <input type="hidden" name="baseImage" value={baseImageId} />}
      {version !== undefined && <input type="hidden" name="version" value={version} />}
      <IdentityFields name={text("name")} description={text("description")} />
      <FormSection title="Contents">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            name="fromImage"
            label="Starting image"
            defaultValue={text("fromImage")}
            placeholder={cuda ? "nvidia/cuda (from the CUDA version)" : DEFAULT_FROM_IMAGE}
            hint="Empty: the default (a slim Python image, or nvidia/cuda when CUDA is on)."
          />
          <Field
            name="pythonVersions"
            label="Python versions"
            defaultValue={text("pythonVersions")}
            placeholder="3.12"
            hint="Comma-separated, such as 3.11, 3.12; the first is python3."
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-3">
          <Checkbox name="r" label="R support" checked={r} onChange={setR} />
          <Checkbox name="cuda" label="CUDA support" checked={cuda} onChange={setCuda} />
          {cuda && (
            <Field
              name="cuda.version"
              label="CUDA version"
              defaultValue={text("cuda.version") || "12.4"}
              list="cuda-versions"
              hint={`Known: ${Object.keys(CUDA_IMAGE_VERSIONS).join(", ")}`}
            />
          )}
          <datalist id="cuda-versions">
            {Object.keys(CUDA_IMAGE_VERSIONS).map((version) => (
              <option key={version} value={version} />
            ))}
          </datalist>
        </div>
        <TextareaField
          name="systemPackages"
          label="Extra system packages"
          rows={3}
          defaultValue={text("systemPackages")}
          placeholder={"git\nlibpq-dev"}
          hint="Debian packages, one per line (or separated by spaces), optionally name=version."
        />
      </FormSection>
      <FormSection title="Dockerfile fragments">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextareaField
            name="dockerfileStart"
            label="Dockerfile fragment at start"
            rows={4}
            defaultValue={text("dockerfileStart")}
            placeholder="RUN echo before Berth's steps"
            hint="Instructions after FROM, before Berth installs anything."
          />
          <TextareaField
            name="dockerfileEnd"
            label="Dockerfile fragment at end"
            rows={4}
            defaultValue={text("dockerfileEnd")}
            placeholder="ENV MY_SETTING=1"
            hint="Instructions after everything Berth installs."
          />
        </div>
        <TextareaField
          name="buildArgs"
          label="Build arguments"
          rows={2}
          defaultValue={text("buildArgs")}
          placeholder="PIP_INDEX_URL=https://pypi.example.com/simple"
          hint="One NAME=value per line; declared as ARG with that default."
        />
      </FormSection>
      <FormSection title="Where it is built and pushed">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            name="registry.url"
            label="Registry URL"
            defaultValue={text("registry.url")}
            placeholder="registry.example.com:5000"
          />
          <Field
            name="registry.repository"
            label="Repository"
            defaultValue={text("registry.repository")}
            placeholder="team/base-images"
          />
          <Field
            name="tag"
            label="Tag"
            defaultValue={text("tag")}
            placeholder="derived from the inputs"
            hint="Empty: b- followed by 12 hex digits of the inputs hash, so a change makes a new tag."
          />
          <SelectField
            name="cluster"
            label="Cluster that builds it"
            defaultValue={text("cluster")}
            options={[
              { value: "", label: "Instance default cluster (else embedded)" },
              ...clusterNames.map((name) => ({ value: name, label: name })),
            ]}
          />
        </div>
      </FormSection>
    </ActionForm>
  );
}
