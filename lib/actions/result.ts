import { isKubeCallError } from "@/lib/kube/errors";
import type { FieldErrors } from "@/lib/validation";

/** What every mutation returns: to a form, to a route handler, to a test. */
export type Result<T> =
  | { ok: true; data: T }
  | { ok: false; status: number; error: string; fieldErrors?: FieldErrors; details?: Record<string, unknown> };

/** A refusal raised inside domain code; the wrapper turns it into a failed Result. */
export class DomainError extends Error {
  constructor(
    /** 502/503: a Kubernetes cluster behind the request failed or could not be reached (lib/kube/errors.ts). */
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 502 | 503,
    message: string,
    readonly fieldErrors?: FieldErrors,
    /** Extra facts for the caller, e.g. the current object on a version conflict. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what: string) => new DomainError(404, `${what} not found`);
export const conflict = (field: string, message: string) => new DomainError(409, message, { [field]: [message] });

/**
 * The refusal a caller answers for `error`, or null when it is a fault of Berth's own. A failed
 * Kubernetes call that no domain code turned into a refusal is still the cluster's answer, in
 * plain words: a stored kubeconfig Berth no longer accepts is a state an admin must change (409),
 * anything else is the cluster failing the request (502).
 */
export function refusalFrom(error: unknown): DomainError | null {
  if (error instanceof DomainError) return error;
  if (isKubeCallError(error, "kubeconfig")) {
    return new DomainError(
      409,
      `The cluster's stored kubeconfig cannot be used: ${error.message}. An admin can replace it on the cluster's page.`,
    );
  }
  if (isKubeCallError(error))
    return new DomainError(502, `The cluster could not complete the request: ${error.message}`);
  return null;
}
