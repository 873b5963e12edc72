"use client";

import { useId } from "react";

import { ConflictNotice, useConflictAwareAction } from "@/components/objects/conflict-notice";
import { FormSection, IdentityFields } from "@/components/objects/form-sections";
import { TextareaField } from "@/components/objects/textarea-field";
import type { ObjectActionResult } from "@/components/objects/types";
import { UsableByField } from "@/components/objects/usable-by-field";
import { ActionForm, Field, SelectField, useFieldErrors } from "@/components/ui/form";
import { baseImageImage } from "@/lib/images/base-image-ref";

import { GpuFields, type GpuFactsByCluster } from "./gpu-fields";

type FormValues = Record<string, string | string[] | boolean>;

function Checkbox({ name, label, defaultChecked }: { name: string; label: string; defaultChecked: boolean }) {
  const id = useId();
  const errors = useFieldErrors(name);
  return (
    <div>
      <label htmlFor={id} className="flex items-center gap-2 text-sm text-slate-800">
        <input
          id={id}
          type="checkbox"
          name={name}
          defaultChecked={defaultChecked}
          className="rounded border-slate-300"
        />
        {label}
      </label>
      {errors && <p className="mt-1 text-xs text-red-700">{errors.join(" ")}</p>}
    </div>
  );
}

/**
 * Create or edit an execution config. Editing sends the version that was read; a refused save
 * (someone else saved first) shows their change.
 */
export function ExecutionConfigForm({
  action,
  values,
  clusterNames,
  dockerHostNames = [],
  groupNames,
  configId,
  version,
  gpuFacts = {},
  baseImages = [],
}: {
  action: (previous: unknown, formData: FormData) => Promise<ObjectActionResult>;
  values: FormValues;
  clusterNames: string[];
  /** The Docker hosts a docker config may name. */
  dockerHostNames?: string[];
  groupNames: string[];
  configId?: number;
  version?: number;
  gpuFacts?: GpuFactsByCluster;
  /** Names of the base images built in Berth, offered as images. */
  baseImages?: string[];
}) {
  const [wrapped, current] = useConflictAwareAction(action);
  const baseImageList = useId();
  const text = (name: string) => String(values[name] ?? "");
  return (
    <ActionForm
      action={wrapped}
      label={configId ? "Edit execution config" : "New execution config"}
      submitLabel={configId ? "Save changes" : "Create execution config"}
      resetOnSuccess={false}
      className="space-y-6"
    >
      <ConflictNotice current={current} />
      {configId !== undefined && <input type="hidden" name="config" value={configId} />}
      {version !== undefined && <input type="hidden" name="version" value={version} />}
      <IdentityFields name={text("name")} description={text("description")} />
      <FormSection title="Image">
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            name="image"
            label="Container image"
            defaultValue={text("image")}
            placeholder="python:3.12-slim"
            list={baseImages.length ? baseImageList : undefined}
            hint={`An image reference, or a base image built in Berth as ${baseImageImage("<name>")} (each run pulls its current revision by digest); code environments replace it with their own image.`}
          />
          {baseImages.length > 0 && (
            <datalist id={baseImageList}>
              {baseImages.map((name) => (
                <option key={name} value={baseImageImage(name)}>
                  Base image {name}
                </option>
              ))}
            </datalist>
          )}
          <Field
            name="registry"
            label="Image registry URL"
            defaultValue={text("registry")}
            placeholder="registry.example.com:5000/team"
            hint="Prefixed to images that name no registry."
          />
          <SelectField
            name="imagePullPolicy"
            label="Image pull policy"
            defaultValue={text("imagePullPolicy") || "IfNotPresent"}
            options={["IfNotPresent", "Always", "Never"].map((value) => ({ value, label: value }))}
          />
          <Field
            name="imagePullSecret"
            label="Image pull secret"
            defaultValue={text("imagePullSecret")}
            hint="Name of a docker-registry secret in the namespace (optional)."
          />
        </div>
      </FormSection>
      <FormSection title="Where it runs">
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            name="engine"
            label="Container engine"
            defaultValue={text("engine") || "kubernetes"}
            options={[
              { value: "kubernetes", label: "Kubernetes: pods on a cluster" },
              { value: "docker", label: "Docker: one container on a Docker host" },
            ]}
            hint="Docker configs use the image, CPU and memory limits, GPUs, env and working dir; cluster, namespace, node and Kubernetes-only fields must stay empty."
          />
          <SelectField
            name="dockerHost"
            label="Docker host"
            defaultValue={text("dockerHost")}
            options={[
              { value: "", label: dockerHostNames.length ? "None (Kubernetes configs)" : "No Docker host attached" },
              ...dockerHostNames.map((name) => ({ value: name, label: name })),
            ]}
          />
          <Field
            name="workingDir"
            label="Working directory (Docker)"
            defaultValue={text("workingDir")}
            placeholder="/work"
            hint="Absolute path inside the container; empty: the image's."
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            name="cluster"
            label="Cluster"
            defaultValue={text("cluster")}
            options={[
              { value: "", label: "Instance default cluster" },
              ...clusterNames.map((name) => ({ value: name, label: name })),
            ]}
          />
          <Field
            name="namespace"
            label="Namespace"
            defaultValue={text("namespace")}
            placeholder="berth-${project}"
            hint="Fixed, or templated with ${user}, ${project}, ${group}."
          />
          <Checkbox
            name="createNamespace"
            label="Create the namespace if it is missing (and apply its namespace policy)"
            defaultChecked={values.createNamespace === true}
          />
          <Field
            name="serviceAccount"
            label="Service account"
            defaultValue={text("serviceAccount")}
            hint="Empty: the namespace's default."
          />
        </div>
      </FormSection>
      <FormSection title="Resources">
        <div className="grid gap-4 sm:grid-cols-4">
          <Field
            name="resources.requests.cpu"
            label="CPU request"
            defaultValue={text("resources.requests.cpu")}
            placeholder="500m"
          />
          <Field
            name="resources.limits.cpu"
            label="CPU limit"
            defaultValue={text("resources.limits.cpu")}
            placeholder="2"
          />
          <Field
            name="resources.requests.memory"
            label="Memory request"
            defaultValue={text("resources.requests.memory")}
            placeholder="1Gi"
          />
          <Field
            name="resources.limits.memory"
            label="Memory limit"
            defaultValue={text("resources.limits.memory")}
            placeholder="4Gi"
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextareaField
            name="resources.requests"
            label="Custom requests"
            rows={2}
            defaultValue={text("resources.requests")}
            placeholder="example.com/fpga=1"
            hint="One resource=quantity per line. Extended resources need the same limit; GPUs go in the GPU section."
          />
          <TextareaField
            name="resources.limits"
            label="Custom limits"
            rows={2}
            defaultValue={text("resources.limits")}
            placeholder="example.com/fpga=1"
            hint="One resource=quantity per line."
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-4">
          <Field
            name="shmSize"
            label="/dev/shm size"
            defaultValue={text("shmSize")}
            placeholder="1Gi"
            hint="Memory-backed; empty: the runtime's 64Mi."
          />
          <Field
            name="runAsUser"
            label="Run as user id"
            inputMode="numeric"
            defaultValue={text("runAsUser")}
            placeholder="1000"
            hint={`Non-root; needed in "restricted" namespaces. Empty: the image's user.`}
          />
        </div>
      </FormSection>
      <FormSection title="GPUs">
        <GpuFields
          values={{
            count: text("gpu.count"),
            type: text("gpu.type"),
            tolerationKey: values["gpu.tolerationKey"] === undefined ? "nvidia.com/gpu" : text("gpu.tolerationKey"),
          }}
          facts={gpuFacts}
        />
      </FormSection>
      <FormSection title="Scheduling">
        <div className="grid gap-4 sm:grid-cols-2">
          <TextareaField
            name="nodeSelector"
            label="Node selector"
            rows={3}
            defaultValue={text("nodeSelector")}
            placeholder="node.kubernetes.io/instance-type=m5.2xlarge"
            hint="One label key=value per line. The GPU type is chosen in the GPU section."
          />
          <TextareaField
            name="tolerations"
            label="Tolerations"
            rows={3}
            defaultValue={text("tolerations")}
            placeholder="dedicated=ml:NoSchedule"
            hint='One per line: key=value:Effect, key:Effect (any value), key, or * (every taint); add "for 300s" for NoExecute. The GPU taint is tolerated by the GPU section.'
          />
        </div>
        <TextareaField
          name="affinity"
          label="Affinity (YAML)"
          rows={5}
          defaultValue={text("affinity")}
          placeholder={"nodeAffinity:\n  requiredDuringSchedulingIgnoredDuringExecution:\n    nodeSelectorTerms: …"}
          hint="A Kubernetes Affinity: nodeAffinity, podAffinity, podAntiAffinity."
        />
      </FormSection>
      <FormSection title="Environment and use">
        <TextareaField
          name="env"
          label="Environment variables"
          rows={3}
          defaultValue={text("env")}
          placeholder="OMP_NUM_THREADS=4"
          hint="One NAME=value per line; a run may override them."
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <TextareaField
            name="pinnedEnv"
            label="Pinned environment variables"
            rows={2}
            defaultValue={text("pinnedEnv")}
            placeholder="OMP_NUM_THREADS=4"
            hint="One NAME=value per line; runs cannot override them."
          />
          <TextareaField
            name="allowedReservedEnv"
            label="Reserved names runs may set"
            rows={2}
            defaultValue={text("allowedReservedEnv")}
            placeholder="CUDA_VISIBLE_DEVICES"
            hint="One name or PREFIX_* per line. Runs may not set NVIDIA_*, CUDA_VISIBLE_DEVICES, KUBERNETES_*, SPARK_*, BERTH_* and other device or platform variables unless listed here."
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            name="workloadType"
            label="Workload type"
            defaultValue={text("workloadType") || "any"}
            options={[
              { value: "any", label: "Any" },
              { value: "visual-recipes", label: "Visual recipes" },
              { value: "user-code", label: "User code" },
            ]}
          />
          <UsableByField
            modeName="usableBy"
            groupsName="usableBy.groups"
            initialMode={text("usableBy") === "groups" ? "groups" : "all"}
            initialGroups={(values["usableBy.groups"] as string[] | undefined) ?? []}
            groups={groupNames}
          />
        </div>
      </FormSection>
    </ActionForm>
  );
}
