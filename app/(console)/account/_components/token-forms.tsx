"use client";

import { ConfirmButton } from "@/components/ui/confirm-button";
import { ActionForm, Field } from "@/components/ui/form";

import { createTokenAction, revokeTokenAction } from "../actions";

function NewToken({ data }: { data: unknown }) {
  const { token, name } = data as { token: string; name: string };
  return (
    <div>
      <p className="font-medium">Token “{name}” created. Copy it now: Berth will not show it again.</p>
      <code
        aria-label="New token"
        className="mt-2 block select-all break-all rounded bg-white px-2 py-1.5 font-mono text-xs text-slate-900 ring-1 ring-emerald-200"
      >
        {token}
      </code>
      <p className="mt-2 text-xs">
        Use it as <code>Authorization: Bearer &lt;token&gt;</code> on the REST API.
      </p>
    </div>
  );
}

export function CreateTokenForm() {
  return (
    <ActionForm
      action={createTokenAction}
      label="Create token"
      submitLabel="Create token"
      success={(data) => <NewToken data={data} />}
    >
      <Field name="name" label="Token name" autoComplete="off" hint="What it is for, e.g. “CI pipeline”." />
    </ActionForm>
  );
}

export function RevokeTokenButton({ id, name }: { id: number; name: string }) {
  return (
    <ConfirmButton
      label="Revoke"
      title={`Revoke “${name}”?`}
      confirmLabel="Revoke token"
      onConfirm={() => revokeTokenAction(id)}
    >
      Programs using this token are refused from now on.
    </ConfirmButton>
  );
}
