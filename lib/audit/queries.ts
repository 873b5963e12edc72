import "server-only";

import { and, desc, eq, gte, lt, lte, type SQL } from "drizzle-orm";

import { getDb } from "@/db";
import { auditEvents } from "@/db/schema";

import type { AuditEventView, AuditQuery } from "./schema";

/** Audit events, newest first, filtered; `before` pages back from an event id. */
export function listAuditEvents(query: AuditQuery): AuditEventView[] {
  const conditions: SQL[] = [];
  if (query.user) conditions.push(eq(auditEvents.actorName, query.user));
  if (query.objectType) conditions.push(eq(auditEvents.objectType, query.objectType));
  if (query.objectId) conditions.push(eq(auditEvents.objectId, query.objectId));
  if (query.from) conditions.push(gte(auditEvents.at, query.from));
  if (query.to) conditions.push(lte(auditEvents.at, query.to));
  if (query.before) conditions.push(lt(auditEvents.id, query.before));
  return getDb()
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.id))
    .limit(query.limit)
    .all()
    .map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: row.actorName,
      action: row.action,
      objectType: row.objectType,
      objectId: row.objectId,
      objectName: row.objectName,
      source: row.source,
      before: row.before,
      after: row.after,
    }));
}

/** The object types present in the log, for the filter menu. */
export function auditObjectTypes(): string[] {
  return getDb()
    .selectDistinct({ objectType: auditEvents.objectType })
    .from(auditEvents)
    .orderBy(auditEvents.objectType)
    .all()
    .map((row) => row.objectType);
}
