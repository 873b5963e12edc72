import { Badge } from "@/components/ui/badge";
import { Table, Td, Th, ThActions } from "@/components/ui/table";
import { diffObjects } from "@/lib/audit/diff";
import { listAuditEvents } from "@/lib/audit/queries";
import { formatDateTime } from "@/lib/format";
import { restoredFromText, versionNumbers } from "@/lib/objects/history-versions";

import { FieldChanges } from "./field-changes";
import { RestoreButton } from "./restore-button";
import type { ObjectActionResult } from "./types";

const isEmpty = (value: unknown) =>
  value === "" ||
  value === null ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" && value !== null && Object.keys(value).length === 0);

/** The changes of one row; a creation lists only the fields it set. `restoredFrom` (an audit id) is said in words instead. */
function shownChanges(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  const changes = diffObjects(before, after).filter((change) => change.field !== "restoredFrom");
  return before ? changes : changes.filter((change) => !isEmpty(change.after));
}

const SAVES_VERSION = (action: string) => /\.(create|update|restore|import)$/.test(action);

/**
 * The history of one object from the audit log, newest first: who, when, what changed. With a
 * `restore` server action, every row that saved a version offers "Restore this version".
 */
export function ObjectHistory({
  objectType,
  objectId,
  restore,
  savesVersion = SAVES_VERSION,
  limit = 50,
}: {
  objectType: string;
  objectId: string | number;
  /** A server action (usually bound to the object) that re-saves the `after` of an audit row. */
  restore?: (auditEventId: number) => Promise<ObjectActionResult>;
  /** Which actions saved a full version (others, such as "test", are shown but not restorable). */
  savesVersion?: (action: string) => boolean;
  limit?: number;
}) {
  const events = listAuditEvents({ objectType, objectId: String(objectId), limit });
  const currentId = events.find((event) => event.after && savesVersion(event.action))?.id;
  // Version numbers count every save since creation, so they come from the whole history, not the rows shown.
  const versions = versionNumbers(
    events.length < limit ? events : listAuditEvents({ objectType, objectId: String(objectId), limit: 500 }),
    savesVersion,
  );
  if (events.length === 0) return <p className="text-sm text-slate-500">No recorded changes yet.</p>;
  // What a restore would change is measured against the version saved now.
  const currentBody = events.find((event) => event.id === currentId)?.after ?? null;
  return (
    <Table label="History">
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Who</Th>
          <Th>Action</Th>
          <Th>Changes</Th>
          {restore && <ThActions />}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {events.map((event) => (
          <tr key={event.id}>
            <Td className="whitespace-nowrap">{formatDateTime(event.at)}</Td>
            <Td>
              {event.actor}
              {event.source === "api" && <span className="ml-1 text-xs text-slate-400">(API)</span>}
            </Td>
            <Td>
              <Badge
                tone={event.action.endsWith(".delete") ? "red" : event.action.endsWith(".create") ? "green" : "gray"}
              >
                {event.action}
              </Badge>
              {versions.has(event.id) && (
                <span className="ml-2 text-xs text-slate-500">version {versions.get(event.id)}</span>
              )}
              {event.id === currentId && <span className="ml-2 text-xs text-slate-500">current</span>}
              {restoredFromText(event.after, versions) && (
                <span className="mt-0.5 block text-xs text-slate-500">{restoredFromText(event.after, versions)}</span>
              )}
            </Td>
            <Td>
              <FieldChanges
                label={`Changes of ${event.action} at ${formatDateTime(event.at)}`}
                changes={shownChanges(event.before, event.after)}
              />
            </Td>
            {restore && (
              <Td className="text-right">
                {event.after && event.id !== currentId && savesVersion(event.action) && (
                  <RestoreButton
                    auditEventId={event.id}
                    version={versions.get(event.id)}
                    when={formatDateTime(event.at)}
                    restore={restore}
                    changes={currentBody ? shownChanges(currentBody, event.after) : undefined}
                  />
                )}
              </Td>
            )}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
