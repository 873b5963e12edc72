const SECRET_KEY = /pass(word)?|secret|token|kubeconfig|credential|private.?key/i;
export const REDACTED = "[redacted]";

/** A copy of a value with every secret-looking field replaced, at any depth. */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redact) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) && inner != null ? REDACTED : redact(inner)]),
    ) as T;
  }
  return value;
}
