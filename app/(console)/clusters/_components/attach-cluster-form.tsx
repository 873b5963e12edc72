"use client";

import { useMemo, useState, type ChangeEvent } from "react";

import { TextareaField } from "@/components/objects/textarea-field";
import { ActionForm, Field, fileInputClasses, SelectField } from "@/components/ui/form";
import { SETTINGS_DECIDE_POLICY, summarizeKubeconfig, vetKubeconfigText } from "@/lib/clusters/kubeconfig";

import { createClusterAction } from "../actions";

/** Paste or upload a kubeconfig; its contexts are listed as soon as it parses, so one can be chosen. */
export function AttachClusterForm() {
  const [kubeconfig, setKubeconfig] = useState("");
  const summary = useMemo(() => (kubeconfig.trim() ? summarizeKubeconfig(kubeconfig) : null), [kubeconfig]);
  // The same allow-list the server applies, so refused fields show while pasting, not only on submit.
  const refused = useMemo(() => {
    if (!summary?.ok) return [];
    const vetted = vetKubeconfigText(kubeconfig, SETTINGS_DECIDE_POLICY);
    return vetted.ok ? [] : vetted.problems.map((problem) => problem.message);
  }, [kubeconfig, summary]);

  async function upload(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) setKubeconfig(await file.text());
  }

  const contexts = summary?.ok ? summary.contexts : [];
  return (
    <ActionForm action={createClusterAction} label="Attach cluster" submitLabel="Attach cluster">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="name" label="Name" autoComplete="off" hint="Lowercase letters, digits and '-', e.g. gpu-prod." />
        <Field name="description" label="Description" autoComplete="off" />
      </div>
      <div>
        <label className="block text-sm font-medium text-slate-800">
          Upload a kubeconfig file
          <input
            type="file"
            accept=".yaml,.yml,.conf,.config,text/plain,application/x-yaml"
            onChange={upload}
            className={`mt-1 ${fileInputClasses}`}
          />
        </label>
      </div>
      <TextareaField
        name="kubeconfig"
        label="Kubeconfig"
        rows={10}
        value={kubeconfig}
        onChange={(event) => setKubeconfig(event.target.value)}
        hint="Stored encrypted. It is never shown again, not even to administrators. Only inline credentials (token, client certificate and key data) and https servers are accepted: no file paths, exec plugins or auth providers."
      />
      {summary && !summary.ok && <p className="text-xs text-amber-700">{summary.error}</p>}
      {refused.length > 0 && (
        <ul className="list-disc pl-5 text-xs text-amber-700">
          {refused.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          name="context"
          label="Context"
          key={contexts.map((context) => context.name).join("|")}
          defaultValue={summary?.ok ? (summary.currentContext ?? "") : ""}
          options={[
            {
              value: "",
              label: contexts.length ? "The kubeconfig's current context" : "Paste a kubeconfig to list its contexts",
            },
            ...contexts.map((context) => ({
              value: context.name,
              label: `${context.name} — ${context.server ?? "no server"}`,
            })),
          ]}
        />
        <Field
          name="prometheusUrl"
          label="Prometheus URL (optional)"
          type="url"
          autoComplete="off"
          placeholder="https://prometheus.example.com"
        />
      </div>
    </ActionForm>
  );
}
