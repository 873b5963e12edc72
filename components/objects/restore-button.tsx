"use client";

import { ConfirmButton } from "@/components/ui/confirm-button";
import type { FieldChange } from "@/lib/audit/diff";

import { FieldChanges } from "./field-changes";
import type { ObjectActionResult } from "./types";

/** Asks, naming the version, then saves it again as a new version (through the normal update path). */
export function RestoreButton({
  auditEventId,
  version,
  when,
  restore,
  changes,
}: {
  auditEventId: number;
  /** The version number that row saved; unknown for rows older than the history kept. */
  version?: number;
  when: string;
  restore: (auditEventId: number) => Promise<ObjectActionResult>;
  /** What restoring changes against the current version (current → restored), when known. */
  changes?: FieldChange[];
}) {
  const title = version ? `Restore version ${version}?` : `Restore the version saved ${when}?`;
  return (
    <ConfirmButton
      label="Restore this version"
      variant="secondary"
      title={title}
      confirmLabel={version ? `Restore version ${version}` : "Restore"}
      onConfirm={() => restore(auditEventId)}
    >
      {version ? `Version ${version} was saved ${when}. ` : ""}It is saved again as a new version, so this restore also
      appears in the history and can be undone.
      {changes && (
        <div className="mt-3">
          <p className="mb-1 font-medium text-slate-800">What it changes (now → restored)</p>
          <FieldChanges label="What restoring changes" changes={changes} />
        </div>
      )}
    </ConfirmButton>
  );
}
