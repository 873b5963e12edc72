"use client";

import { useEffect, useId, useRef, useState } from "react";

import { Field } from "@/components/ui/form";
import { formToExecutionConfigInput } from "@/lib/execution-configs/form";
import {
  GPU_RESOURCE,
  GPU_TYPE_LABEL,
  gpuTaintWarnings,
  type GpuNodeFacts,
  type GpuSpec,
} from "@/lib/execution-configs/gpu";
import type { Toleration } from "@/lib/execution-configs/schema";

/** Per cluster name ("" = the instance default) its GPU nodes, or null when it could not be read. */
export type GpuFactsByCluster = Record<string, GpuNodeFacts | null>;

/** The warnings for the form as it is now: GPU count, resources, tolerations and cluster as typed. */
function warningsFor(
  form: HTMLFormElement,
  facts: GpuFactsByCluster,
): { warnings: string[]; cluster: string; unknown: boolean } {
  const values = Object.fromEntries(new FormData(form)) as Record<string, unknown>;
  const cluster = String(values.cluster ?? "");
  const nodes = facts[cluster];
  if (!nodes) return { warnings: [], cluster, unknown: nodes === null };
  const { input } = formToExecutionConfigInput(values);
  const gpu = input.gpu as GpuSpec;
  const config = {
    gpu: {
      ...gpu,
      count: Number.isInteger(gpu.count) ? gpu.count : 0,
      tolerationKey: gpu.tolerationKey ?? GPU_RESOURCE,
    },
    resources: input.resources as { requests: Record<string, string>; limits: Record<string, string> },
    tolerations: input.tolerations as Partial<Toleration>[],
  };
  return { warnings: gpuTaintWarnings(config, nodes), cluster, unknown: false };
}

/**
 * GPUs per pod, their model (chosen from the cluster's GPU nodes' labels) and the taint key to
 * tolerate; warns, as the form is typed, when the GPU nodes' taints would keep the pods off.
 */
export function GpuFields({
  values,
  facts,
}: {
  values: { count: string; type: string; tolerationKey: string };
  facts: GpuFactsByCluster;
}) {
  const listId = useId();
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ warnings: string[]; cluster: string; unknown: boolean }>({
    warnings: [],
    cluster: "",
    unknown: false,
  });
  useEffect(() => {
    const form = ref.current?.closest("form");
    if (!form) return;
    const update = () => setState(warningsFor(form, facts));
    update();
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    return () => {
      form.removeEventListener("input", update);
      form.removeEventListener("change", update);
    };
  }, [facts]);
  const types = [...new Set(Object.values(facts).flatMap((cluster) => cluster?.types ?? []))].sort();
  return (
    <div ref={ref} className="space-y-3">
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          name="gpu.count"
          label="GPUs per pod"
          inputMode="numeric"
          defaultValue={values.count}
          placeholder="0"
          hint={`Whole ${GPU_RESOURCE}; asked as request and limit.`}
        />
        <Field
          name="gpu.type"
          label="GPU type"
          list={listId}
          defaultValue={values.type}
          placeholder="any"
          hint={`Optional: selects nodes by ${GPU_TYPE_LABEL}.`}
        />
        <Field
          name="gpu.tolerationKey"
          label="GPU taint to tolerate"
          defaultValue={values.tolerationKey}
          hint="The taint key of the GPU nodes; empty: add no toleration."
        />
        <datalist id={listId}>
          {types.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
      </div>
      {state.warnings.length > 0 && (
        <div
          role="status"
          aria-label="GPU taint check"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
        >
          {state.warnings.map((warning) => (
            <p key={warning}>{warning}</p>
          ))}
        </div>
      )}
      {state.unknown && (
        <p className="text-xs text-slate-500">
          The GPU nodes of {state.cluster || "the default cluster"} could not be read: taints are not checked.
        </p>
      )}
    </div>
  );
}
