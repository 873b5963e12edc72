import "server-only";

import { and, desc, eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { auditEvents } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { diffObjects, type FieldChange } from "@/lib/audit/diff";
import { REDACTED } from "@/lib/audit/redact";

/** Who last saved an object and what they changed: shown beside a refused (409) save. */
export interface LastChange {
  actor: string;
  at: string;
  action: string;
  changes: FieldChange[];
}

type Reader = ReturnType<typeof getDb> | Tx;

/** The newest audit row of an object as a LastChange, or undefined when it has none. */
export function lastChange(
  objectType: string,
  objectId: string | number,
  db: Reader = getDb(),
): LastChange | undefined {
  const row = db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.objectType, objectType), eq(auditEvents.objectId, String(objectId))))
    .orderBy(desc(auditEvents.id))
    .limit(1)
    .get();
  return (
    row && {
      actor: row.actorName,
      at: row.at.toISOString(),
      action: row.action,
      changes: diffObjects(row.before, row.after),
    }
  );
}

/** What a 409 carries in `details.current`: the object as saved now, plus its last change. */
export function conflictView<V extends object>(
  objectType: string,
  objectId: string | number,
  view: V,
  db: Reader = getDb(),
): V & { lastChange?: LastChange } {
  return { ...view, lastChange: lastChange(objectType, objectId, db) };
}

/**
 * The saved body of an older version (the `after` of one of the object's audit rows), ready to
 * save again. Values the audit log redacted are taken from the current body, so restoring never
 * writes "[redacted]" over a secret.
 */
export function versionToRestore(
  objectType: string,
  objectId: string | number,
  auditEventId: number,
  current: Record<string, unknown>,
  db: Reader = getDb(),
): Record<string, unknown> {
  const row = db.select().from(auditEvents).where(eq(auditEvents.id, auditEventId)).get();
  if (!row || row.objectType !== objectType || row.objectId !== String(objectId)) {
    throw new DomainError(404, `Audit event ${auditEventId} is not a version of this object`, {
      auditEventId: ["Not a version of this object"],
    });
  }
  if (!row.after)
    throw new DomainError(422, "That history entry has no saved version to restore (it records a deletion)", {
      auditEventId: ["Nothing to restore"],
    });
  return unredact(row.after, current) as Record<string, unknown>;
}

function unredact(saved: unknown, current: unknown): unknown {
  if (saved === REDACTED) return current;
  if (saved && typeof saved === "object" && !Array.isArray(saved)) {
    const base =
      current && typeof current === "object" && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(saved).map(([key, value]) => [key, unredact(value, base[key])]));
  }
  return saved;
}
