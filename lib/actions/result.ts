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
