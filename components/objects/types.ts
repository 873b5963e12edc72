/** What a server action passed to these components answers (structurally a mutation Result). */
export type ObjectActionResult =
  | { ok: true; data?: unknown }
  | { ok: false; error: string; fieldErrors?: Record<string, string[]>; details?: Record<string, unknown> };
