"use client";

import { ConfirmButton } from "@/components/ui/confirm-button";

import { deleteExecutionConfigAction } from "../actions";

export function DeleteExecutionConfigButton({ configId, name }: { configId: number; name: string }) {
  return (
    <ConfirmButton
      label="Delete"
      size="md"
      title={`Delete ${name}?`}
      confirmLabel="Delete execution config"
      onConfirm={() => deleteExecutionConfigAction(configId)}
    >
      Refused while a project, an override or a default setting uses it. The history stays in the audit log.
    </ConfirmButton>
  );
}
