import "server-only";

import type { Actor } from "@/lib/permissions";
import type { FieldErrors } from "@/lib/validation";

import { recordStandaloneAudit, type AuditEntry, type AuditSource } from "./record";

/**
 * Refusals (failed sign-ins, bad tokens, denied or invalid changes) are audited, but anyone can
 * cause them in a loop: per caller and action at most MAX_ROWS rows per WINDOW_MS, then one
 * "audit.suppressed" row with the count, so a flood cannot fill the disk.
 */
const WINDOW_MS = 60_000;
const MAX_ROWS = 10;
/** Beyond this many callers in one window, new ones share one budget per action. */
const MAX_KEYS = 5_000;

export interface Refusal {
  actor: Actor | null;
  source: AuditSource;
  /** The client address when known (BERTH_TRUST_PROXY); anonymous callers are counted by it. */
  address?: string | null;
  entry: AuditEntry;
}

interface Window {
  start: number;
  written: number;
  suppressed: number;
  actor: Actor | null;
  source: AuditSource;
  action: string;
  objectType: string;
}

interface RefusalState {
  windows: Map<string, Window>;
  timer?: NodeJS.Timeout;
}

// On globalThis: route handlers and server actions may load their own copy of this module.
const state: RefusalState = ((globalThis as { berthAuditRefusals?: RefusalState }).berthAuditRefusals ??= {
  windows: new Map(),
});

function callerKey(refusal: Refusal): string {
  return refusal.actor ? `user:${refusal.actor.id}` : `addr:${refusal.address ?? "unknown"}`;
}

function writeSummary(window: Window, end: number): void {
  recordStandaloneAudit(window.actor, window.source, {
    action: "audit.suppressed",
    objectType: window.objectType,
    objectName: window.action,
    after: {
      action: window.action,
      suppressed: window.suppressed,
      from: new Date(window.start).toISOString(),
      to: new Date(end).toISOString(),
    },
  });
}

/** Writes the "N more suppressed" rows of windows that have ended, and forgets those windows. */
export function flushSuppressedAudit(now = Date.now()): void {
  for (const [key, window] of state.windows) {
    if (now - window.start < WINDOW_MS) continue;
    state.windows.delete(key);
    if (window.suppressed > 0) writeSummary(window, window.start + WINDOW_MS);
  }
}

function scheduleFlush(at: number): void {
  if (state.timer) return;
  state.timer = setTimeout(
    () => {
      state.timer = undefined;
      flushSuppressedAudit();
      if ([...state.windows.values()].some((window) => window.suppressed > 0)) scheduleFlush(Date.now() + WINDOW_MS);
    },
    Math.max(0, at - Date.now()) + 100,
  );
  // A pending summary must not keep a test runner or a stopping server alive.
  state.timer.unref();
}

/** Audits a refusal unless its caller has had MAX_ROWS rows for this action in the current window. */
export function recordRefusal(refusal: Refusal, now = Date.now()): void {
  flushSuppressedAudit(now);
  let key = `${callerKey(refusal)}|${refusal.entry.action}`;
  if (!state.windows.has(key) && state.windows.size >= MAX_KEYS) key = `overflow|${refusal.entry.action}`;
  let window = state.windows.get(key);
  if (!window) {
    window = {
      start: now,
      written: 0,
      suppressed: 0,
      actor: refusal.actor,
      source: refusal.source,
      action: refusal.entry.action,
      objectType: refusal.entry.objectType,
    };
    state.windows.set(key, window);
  }
  if (window.written < MAX_ROWS) {
    window.written += 1;
    // The refusal is already decided: failing to note it must not turn a 4xx into a 500.
    try {
      recordStandaloneAudit(refusal.actor, refusal.source, refusal.entry);
    } catch (error) {
      console.error("berth: could not audit a refused request:", (error as Error).message);
    }
    return;
  }
  window.suppressed += 1;
  scheduleFlush(window.start + WINDOW_MS);
}

/** The statuses of a refused change worth auditing: not signed in, not allowed, invalid input. */
const AUDITED_STATUSES = new Set([400, 401, 403, 413, 415, 422]);

/**
 * Audits a refused change as `<action>.refused` under the object type "refusal" (so an object's
 * history keeps only what happened to it): its status, the reason for 401/403 (Berth's own
 * words), and for invalid input only the names of the fields in error, never their values.
 */
export function recordRefusedChange(
  refused: { action: string; actor: Actor | null; source: AuditSource; address?: string | null },
  result: { status: number; error: string; fieldErrors?: FieldErrors },
  request?: { method: string; path: string },
): void {
  if (!AUDITED_STATUSES.has(result.status)) return;
  const fields = result.fieldErrors ? Object.keys(result.fieldErrors).sort() : [];
  recordRefusal({
    actor: refused.actor,
    source: refused.source,
    address: refused.address,
    entry: {
      action: `${refused.action}.refused`,
      objectType: "refusal",
      objectName: refused.action,
      after: {
        status: result.status,
        ...(result.status === 401 || result.status === 403 ? { reason: result.error.slice(0, 200) } : {}),
        ...(fields.length ? { fields } : {}),
        ...(request ? { method: request.method, path: request.path.slice(0, 200) } : {}),
        ...(refused.address ? { address: refused.address } : {}),
      },
    },
  });
}
