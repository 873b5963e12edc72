import { z } from "zod";

const dateParam = z
  .string()
  .trim()
  .refine((value) => !Number.isNaN(Date.parse(value)), "Use a date such as 2026-11-27 or 2026-11-27T10:00:00Z")
  .transform((value) => new Date(value));

/** Filters of the audit log, shared by the page's search params and GET /api/v1/audit. */
export const auditQuerySchema = z.strictObject({
  user: z.string().trim().max(64).optional(),
  objectType: z.string().trim().max(64).optional(),
  objectId: z.string().trim().max(64).optional(),
  from: dateParam.optional(),
  /** A bare date means the end of that day. */
  to: dateParam
    .transform((date) =>
      date.getUTCHours() === 0 && date.getUTCMinutes() === 0 && date.getUTCSeconds() === 0
        ? new Date(date.getTime() + 86_399_999)
        : date,
    )
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});
export type AuditQuery = z.output<typeof auditQuerySchema>;

export const auditEventViewSchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string().nullable(),
  objectName: z.string().nullable(),
  source: z.enum(["ui", "api", "system"]),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEventView = z.infer<typeof auditEventViewSchema>;
