"use client";

import { useCallback, useState } from "react";

import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field, SelectField, type FormState } from "@/components/ui/form";
import type { CleanupResult } from "@/lib/clusters/schema";

import { cleanupClusterAction, cleanupClusterNowAction } from "../actions";
import { formInputFromForm } from "./form-input";

function NameList({ label, names }: { label: string; names: string[] }) {
  return (
    <ul aria-label={label} className="mt-1 max-h-48 overflow-y-auto font-mono text-xs">
      {names.map((name) => (
        <li key={name}>{name}</li>
      ))}
    </ul>
  );
}

/**
 * A dry run first: the form lists what would go; only then does "Delete" run the same cleanup
 * for real, after confirming.
 */
export function CleanupForm({ clusterId, namespaces }: { clusterId: number; namespaces: string[] }) {
  const [asked, setAsked] = useState<{ input: Record<string, unknown>; count: number } | null>(null);
  const [done, setDone] = useState<CleanupResult | null>(null);
  const dryRun = useCallback(async (previous: FormState, formData: FormData) => {
    setDone(null);
    const result = await cleanupClusterAction(previous, formData);
    const listed = result.ok ? (result.data as Extract<CleanupResult, { dryRun: true }>).wouldDelete.length : 0;
    setAsked(listed ? { input: formInputFromForm(formData), count: listed } : null);
    return result;
  }, []);

  return (
    <div className="space-y-4">
      <ActionForm
        action={dryRun}
        label="Cleanup"
        submitLabel="Dry run"
        submitVariant="secondary"
        resetOnSuccess={false}
        success={(data) => {
          const names = (data as Extract<CleanupResult, { dryRun: true }>).wouldDelete;
          return names.length ? (
            <div>
              <p className="font-medium">Would delete {names.length}:</p>
              <NameList label="Would delete" names={names} />
            </div>
          ) : (
            "Nothing matches: nothing would be deleted."
          );
        }}
      >
        <input type="hidden" name="cluster" value={clusterId} />
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectField
            name="target"
            label="What"
            options={[
              { value: "pods", label: "Finished pods (Succeeded or Failed)" },
              { value: "jobs", label: "Finished jobs (Complete)" },
            ]}
          />
          <SelectField
            name="namespace"
            label="Namespace"
            options={[
              { value: "", label: "All namespaces" },
              ...namespaces.map((namespace) => ({ value: namespace, label: namespace })),
            ]}
          />
          <Field name="labelSelector" label="Label selector" placeholder="app=spark,team!=web" autoComplete="off" />
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input type="checkbox" name="includeFailed" className="rounded border-slate-300" />
          Jobs: also delete failed jobs
        </label>
      </ActionForm>
      {asked && (
        <ConfirmButton
          label={`Delete the ${asked.count} listed`}
          size="md"
          title="Delete for real?"
          confirmLabel="Delete"
          onConfirm={async () => {
            const result = await cleanupClusterNowAction(asked.input);
            if (result.ok) {
              setDone(result.data);
              setAsked(null);
            }
            return result;
          }}
        >
          The same cleanup runs again without the dry run; what matches now is deleted.
        </ConfirmButton>
      )}
      {done && !done.dryRun && (
        <div
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
        >
          <p className="font-medium">Deleted {done.deleted.length}.</p>
          <NameList label="Deleted" names={done.deleted} />
          {done.failed.map((failure) => (
            <p key={failure.name} className="text-red-700">
              {failure.error}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}
