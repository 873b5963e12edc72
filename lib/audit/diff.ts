/** One changed field between two versions of an object, by dotted path. */
export interface FieldChange {
  field: string;
  before?: unknown;
  after?: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

function flatten(value: unknown, prefix: string, into: Map<string, unknown>): Map<string, unknown> {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix) {
    into.set(prefix, value);
  }
  return into;
}

/**
 * The fields that differ between two object bodies, in a stable order. Nested objects are
 * compared field by field ("resources.limits.cpu"); arrays are compared as whole values.
 */
export function diffObjects(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): FieldChange[] {
  const old = flatten(before ?? {}, "", new Map());
  const now = flatten(after ?? {}, "", new Map());
  const fields = [...new Set([...old.keys(), ...now.keys()])].sort();
  return fields
    .filter((field) => JSON.stringify(old.get(field)) !== JSON.stringify(now.get(field)))
    .map((field) => ({
      field,
      ...(old.has(field) && old.get(field) !== undefined ? { before: old.get(field) } : {}),
      ...(now.has(field) && now.get(field) !== undefined ? { after: now.get(field) } : {}),
    }));
}

/** A field value as short text for a diff table. */
export function formatFieldValue(value: unknown): string {
  if (value === undefined) return "—";
  if (value === null) return "none";
  if (typeof value === "string") return value === "" ? '""' : value;
  return JSON.stringify(value);
}
