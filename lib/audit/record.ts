import "server-only";

import { getDb, type Tx } from "@/db";
import { auditEvents } from "@/db/schema";
import type { Actor } from "@/lib/permissions";

import { redact } from "./redact";

export type AuditSource = "ui" | "api" | "system";

export interface AuditEntry {
  action: string;
  objectType: string;
  objectId?: string | number | null;
  objectName?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Writes one audit row inside the caller's transaction, secrets redacted. */
export function recordAudit(tx: Tx, actor: Actor | null, source: AuditSource, entry: AuditEntry): void {
  tx.insert(auditEvents)
    .values({
      actorId: actor?.id ?? null,
      actorName: actor?.username ?? "system",
      source,
      action: entry.action,
      objectType: entry.objectType,
      objectId: entry.objectId == null ? null : String(entry.objectId),
      objectName: entry.objectName ?? null,
      before: entry.before ? redact(entry.before) : null,
      after: entry.after ? redact(entry.after) : null,
    })
    .run();
}

/** Records an event that is not part of a mutation (sign-in, bootstrap) in its own transaction. */
export function recordStandaloneAudit(actor: Actor | null, source: AuditSource, entry: AuditEntry): void {
  getDb().transaction((tx) => recordAudit(tx, actor, source, entry));
}
