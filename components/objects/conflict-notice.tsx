"use client";

import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";

import { Button } from "@/components/ui/button";
import type { FieldChange } from "@/lib/audit/diff";
import { formatDateTime } from "@/lib/format";

import { FieldChanges } from "./field-changes";
import type { ObjectActionResult } from "./types";

/** The `details.current` of a 409: the object as saved now, with its last change when known. */
export interface ConflictCurrent {
  version?: number;
  lastChange?: { actor: string; at: string; action: string; changes: FieldChange[] };
  [field: string]: unknown;
}

/**
 * Shown when a save is refused because someone else saved first: who saved, when, and what they
 * changed, with a reload that brings the form to the current version.
 */
export function ConflictNotice({ current }: { current: ConflictCurrent | null }) {
  const router = useRouter();
  if (!current) return null;
  const change = current.lastChange;
  return (
    <section
      aria-label="Conflicting change"
      className="rounded-md border border-amber-300 bg-amber-50 px-3 py-3 text-sm text-amber-900"
    >
      <p className="font-medium">
        {change
          ? `${change.actor} saved version ${current.version ?? "?"} at ${formatDateTime(change.at)}`
          : `Someone saved version ${current.version ?? "?"}`}
        {" — your save was not applied."}
      </p>
      {change && (
        <div className="mt-2">
          <p className="mb-1 text-xs font-medium">Their change:</p>
          <FieldChanges label="Their change" changes={change.changes} />
        </div>
      )}
      <Button variant="secondary" size="sm" className="mt-3" onClick={() => router.refresh()}>
        Reload the current version
      </Button>
    </section>
  );
}

/**
 * Wraps a form's server action to remember the `details.current` of a 409 refusal, for a
 * ConflictNotice rendered inside the form.
 */
export function useConflictAwareAction<P>(action: (previous: P, formData: FormData) => Promise<ObjectActionResult>) {
  const [current, setCurrent] = useState<ConflictCurrent | null>(null);
  const wrapped = useCallback(
    async (previous: P, formData: FormData) => {
      const result = await action(previous, formData);
      const conflicting = !result.ok && result.details?.current;
      setCurrent(conflicting && typeof conflicting === "object" ? (conflicting as ConflictCurrent) : null);
      return result;
    },
    [action],
  );
  return [wrapped, current] as const;
}
