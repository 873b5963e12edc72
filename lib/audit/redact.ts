const SECRET_KEY = /pass(word)?|secret|token|kubeconfig|credential|private.?key/i;
/** Keys that name a Kubernetes Secret object rather than hold secret material. */
const SECRET_NAME_KEY = /^(imagePullSecrets?|secretName)$/;
export const REDACTED = "[redacted]";

/** A copy of a value with every secret-looking field replaced, at any depth. */
export function redact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(redact) as T;
  if (value && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        SECRET_KEY.test(key) && !SECRET_NAME_KEY.test(key) && inner != null ? REDACTED : redact(inner),
      ]),
    ) as T;
  }
  return value;
}
