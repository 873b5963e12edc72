"use client";

import type { ObjectActionResult } from "@/components/objects/types";
import { ConfirmButton } from "@/components/ui/confirm-button";

export function CancelBuildButton({ id, cancel }: { id: number; cancel: () => Promise<ObjectActionResult> }) {
  return (
    <ConfirmButton
      label="Cancel build"
      size="md"
      title={`Cancel build #${id}?`}
      confirmLabel="Cancel build"
      onConfirm={cancel}
    >
      Deletes its Kubernetes Job and pod; nothing is pushed. The log so far is kept.
    </ConfirmButton>
  );
}
