"use client";

import { useState } from "react";

import { ConflictNotice, useConflictAwareAction } from "@/components/objects/conflict-notice";
import { TextareaField } from "@/components/objects/textarea-field";
import type { ObjectActionResult } from "@/components/objects/types";
import { UsableByField } from "@/components/objects/usable-by-field";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field, SelectField, useFieldErrors } from "@/components/ui/form";
import { DEFAULT_SPARK_IMAGE } from "@/lib/spark-configs/builders";
import { confToLines, KNOWN_SPARK_KEYS } from "@/lib/spark-configs/conf";
import type { SparkConfigView } from "@/lib/spark-configs/schema";

import { deleteSparkConfigAction } from "../actions";

function Checkbox({
  name,
  label,
  defaultChecked,
  hint,
  onChange,
}: {
  name: string;
  label: string;
  defaultChecked?: boolean;
  hint?: string;
  onChange?: (checked: boolean) => void;
}) {
  const errors = useFieldErrors(name);
  return (
    <div>
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input
          type="checkbox"
          name={name}
          defaultChecked={defaultChecked}
          onChange={(event) => onChange?.(event.target.checked)}
          className="rounded border-slate-300"
        />
        {label}
      </label>
      {hint && !errors && <p className="ml-6 text-xs text-slate-500">{hint}</p>}
      {errors?.map((message) => (
        <p key={message} className="ml-6 text-xs text-red-700">
          {message}
        </p>
      ))}
    </div>
  );
}

const EMPTY: Omit<SparkConfigView, "id" | "version" | "createdAt" | "updatedAt" | "mayUse"> = {
  name: "",
  description: "",
  image: "",
  registry: "",
  cluster: null,
  conf: {},
  managed: { enabled: false, namespace: "", createNamespace: false, serviceAccountPerJob: false },
  executorPodTemplate: "",
  usableBy: "all",
};

/** Create (no config) or edit a Spark config; a stale edit shows the other person's change. */
export function SparkConfigForm({
  config,
  clusters,
  groups,
  action,
}: {
  config?: SparkConfigView;
  clusters: string[];
  groups: string[];
  action: (previous: unknown, formData: FormData) => Promise<ObjectActionResult>;
}) {
  const [conflictAware, conflict] = useConflictAwareAction(action);
  const value = config ?? EMPTY;
  const [managed, setManaged] = useState(value.managed.enabled);
  return (
    <div className="space-y-4">
      <ConflictNotice current={conflict} />
      <ActionForm
        action={conflictAware}
        label={config ? "Edit Spark config" : "New Spark config"}
        submitLabel={config ? "Save changes" : "Create Spark config"}
        resetOnSuccess={false}
        success={() => "Saved."}
      >
        {config && (
          <>
            <input type="hidden" name="config" value={config.id} />
            <input type="hidden" name="version" value={config.version} />
            <input type="hidden" name="originalName" value={config.name} />
          </>
        )}
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            name="name"
            label="Name"
            defaultValue={value.name}
            autoComplete="off"
            hint="Lowercase letters, digits and '-'."
          />
          <Field name="description" label="Description" defaultValue={value.description} autoComplete="off" />
          <Field
            name="image"
            label="Image"
            defaultValue={value.image}
            autoComplete="off"
            placeholder="apache/spark:3.5.3"
            hint={`Base image of the driver and executors. Empty: ${DEFAULT_SPARK_IMAGE}.`}
          />
          <Field
            name="registry"
            label="Registry"
            defaultValue={value.registry}
            autoComplete="off"
            placeholder="registry.example.com/spark"
            hint="Prefixed to the image when set."
          />
          <SelectField
            name="cluster"
            label="Cluster"
            defaultValue={value.cluster ?? ""}
            options={[
              { value: "", label: "Instance default" },
              ...clusters.map((name) => ({ value: name, label: name })),
            ]}
          />
        </div>
        <TextareaField
          name="conf"
          label="Spark conf"
          rows={8}
          defaultValue={confToLines(value.conf)}
          placeholder={"spark.executor.instances=4\nspark.executor.memory=4g"}
          hint="One key=value per line; keys start with spark. Sizes are JVM sizes (512m, 4g), counts whole numbers."
        />
        <details className="text-xs text-slate-600">
          <summary className="cursor-pointer text-slate-700">Known keys</summary>
          <dl className="mt-2 grid gap-x-4 gap-y-1 sm:grid-cols-2">
            {KNOWN_SPARK_KEYS.map((known) => (
              <div key={known.key}>
                <dt className="font-mono text-slate-800">{known.key}</dt>
                <dd>{known.hint}</dd>
              </div>
            ))}
          </dl>
        </details>
        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-800">Managed Kubernetes</legend>
          <Checkbox
            name="managed.enabled"
            label="Managed mode: Berth chooses the namespace and the service account"
            defaultChecked={value.managed.enabled}
            onChange={setManaged}
          />
          {managed && (
            <>
              <Field
                name="managed.namespace"
                label="Namespace"
                defaultValue={value.managed.namespace}
                autoComplete="off"
                placeholder="spark-${project}"
                hint="Fixed, or with ${user}, ${project}, ${group}."
              />
              <Checkbox
                name="managed.createNamespace"
                label="Create the namespace if missing (its namespace policy is applied)"
                defaultChecked={value.managed.createNamespace}
              />
              <Checkbox
                name="managed.serviceAccountPerJob"
                label="A service account per job"
                defaultChecked={value.managed.serviceAccountPerJob}
                hint="A namespaced Role and RoleBinding are created for each job and removed after it."
              />
            </>
          )}
        </fieldset>
        <TextareaField
          name="executorPodTemplate"
          label="Executor pod YAML"
          rows={6}
          defaultValue={value.executorPodTemplate}
          placeholder={'metadata:\n  labels:\n    team: ml\nspec:\n  nodeSelector:\n    gpu: "true"'}
          hint="A Pod fragment (metadata, spec) merged into every executor pod."
        />
        <UsableByField
          modeName="usableByMode"
          groupsName="usableByGroups"
          errorField="usableBy"
          initialMode={value.usableBy === "all" ? "all" : "groups"}
          initialGroups={value.usableBy === "all" ? [] : value.usableBy.groups}
          groups={groups}
        />
      </ActionForm>
    </div>
  );
}

export function DeleteSparkConfigButton({ configId, name }: { configId: number; name: string }) {
  return (
    <ConfirmButton
      label="Delete"
      size="md"
      title={`Delete ${name}?`}
      confirmLabel="Delete Spark config"
      onConfirm={() => deleteSparkConfigAction(configId)}
    >
      Projects, overrides and the instance default must not use it any more. This cannot be undone.
    </ConfirmButton>
  );
}
