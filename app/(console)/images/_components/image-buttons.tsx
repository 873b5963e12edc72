"use client";

import { useState, useTransition } from "react";

import { BuildTargetSelect, CLUSTER_TARGET } from "@/components/images/build-target-select";
import { TextareaField } from "@/components/objects/textarea-field";
import type { ObjectActionResult } from "@/components/objects/types";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field } from "@/components/ui/form";

export function DeleteBaseImageButton({ name, remove }: { name: string; remove: () => Promise<ObjectActionResult> }) {
  return (
    <ConfirmButton
      label="Delete"
      size="md"
      title={`Delete ${name}?`}
      confirmLabel="Delete base image"
      onConfirm={remove}
    >
      Refused while one of its builds is queued or running. Builds and images already pushed stay; the history stays in
      the audit log.
    </ConfirmButton>
  );
}

/** A button that runs a server action and shows its refusal beside it. */
export function ActionButton({
  label,
  run,
  variant = "primary",
  size = "md",
}: {
  label: string;
  run: () => Promise<ObjectActionResult>;
  variant?: "primary" | "secondary" | "danger";
  size?: "sm" | "md";
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant={variant}
        size={size}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await run();
            if (result && !result.ok) setError(result.error);
          })
        }
      >
        {pending ? "Working…" : label}
      </Button>
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}

/** "Build", on the cluster or on a Docker host the person picks. */
export function BuildBaseImageButton({
  dockerHosts,
  build,
}: {
  dockerHosts: string[];
  build: (dockerHost?: string) => Promise<ObjectActionResult>;
}) {
  const [target, setTarget] = useState(CLUSTER_TARGET);
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <BuildTargetSelect dockerHosts={dockerHosts} value={target} onChange={setTarget} />
      <ActionButton label="Build" run={() => build(target === CLUSTER_TARGET ? undefined : target)} />
    </span>
  );
}

/**
 * Sets registry credentials. The password field is always empty: what was saved is never sent
 * back to the browser.
 */
export function RegistryCredentialsForm({
  save,
}: {
  save: (previous: unknown, formData: FormData) => Promise<ObjectActionResult>;
}) {
  return (
    <ActionForm
      action={save}
      label="Registry credentials"
      submitLabel="Save credentials"
      success={() => "Saved. The password is stored encrypted and will not be shown again."}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="username" label="Registry username" autoComplete="off" />
        <Field name="password" label="Registry password" type="password" autoComplete="new-password" />
      </div>
      <TextareaField
        name="dockerConfigJson"
        label="Or a docker config JSON"
        rows={3}
        placeholder='{"auths": {"registry.example.com": {"auth": "…"}}}'
        hint="Instead of a username and password, e.g. the content of ~/.docker/config.json."
      />
    </ActionForm>
  );
}
