"use client";

import { startTransition, useActionState, useId, useRef, type ChangeEvent, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { fileInputClasses } from "@/components/ui/form";

import { foldFieldErrors } from "./fold-field-errors";
import type { ObjectActionResult } from "./types";

/**
 * Paste or upload a YAML document of an object and import it (a server action that calls
 * `fromYamlDocument` then the create or update mutation). Every field error is listed, saying in
 * words which field of the document it is about.
 */
export function YamlImportForm({
  action,
  label = "Import YAML",
  hint,
  successMessage = "Imported.",
}: {
  /** Receives the form data with a `yaml` field. */
  action: (previous: ObjectActionResult | null, formData: FormData) => Promise<ObjectActionResult>;
  label?: string;
  hint?: string;
  successMessage?: string;
}) {
  const [state, dispatch, pending] = useActionState(action, null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const textId = useId();
  const fileId = useId();

  async function loadFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file && textRef.current) textRef.current.value = await file.text();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formData = new FormData(event.currentTarget);
    startTransition(() => dispatch(formData));
  }

  const errors = state && !state.ok ? Object.entries(foldFieldErrors(state.fieldErrors, ["yaml"]) ?? {}) : [];
  return (
    <form aria-label={label} onSubmit={onSubmit} noValidate className="space-y-3">
      {state && !state.ok && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <p className="font-medium">{state.error}</p>
          {errors.length > 0 && (
            <ul aria-label="Import errors" className="mt-1 list-disc space-y-0.5 pl-5 text-xs">
              {errors.flatMap(([field, messages]) =>
                messages.map((message) => <li key={`${field}:${message}`}>{message}</li>),
              )}
            </ul>
          )}
        </div>
      )}
      {state?.ok && (
        <div
          role="status"
          className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
        >
          {successMessage}
        </div>
      )}
      <div>
        <label htmlFor={textId} className="block text-sm font-medium text-slate-800">
          YAML document
        </label>
        <textarea
          id={textId}
          ref={textRef}
          name="yaml"
          rows={10}
          spellCheck={false}
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs shadow-sm focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100"
        />
        {hint && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor={fileId} className="text-sm text-slate-700">
          Or upload a file
        </label>
        <input
          id={fileId}
          type="file"
          accept=".yaml,.yml,text/yaml,text/plain"
          onChange={loadFile}
          className={fileInputClasses}
        />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Importing…" : label}
      </Button>
    </form>
  );
}
