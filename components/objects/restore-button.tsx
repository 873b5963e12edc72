"use client";

import { ConfirmButton } from "@/components/ui/confirm-button";
import type { ObjectActionResult } from "./types";

/** Asks, then saves an older version again as a new version (through the normal update path). */
export function RestoreButton({ auditEventId, when, restore }: { auditEventId: number; when: string; restore: (auditEventId: number) => Promise<ObjectActionResult> }) {
  return (
    <ConfirmButton label="Restore this version" variant="secondary" title={`Restore the version saved ${when}?`} confirmLabel="Restore" onConfirm={() => restore(auditEventId)}>
      It is saved as a new version, so this restore also appears in the history and can be undone.
    </ConfirmButton>
  );
}
