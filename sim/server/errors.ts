/**
 * Kubernetes `Status` failures with the reasons, codes and message formats of the real apiserver
 * (apimachinery pkg/api/errors). Every function returns a StatusError the HTTP layer writes as is.
 */
import type { StatusError } from "../contract";

type Details = NonNullable<StatusError["status"]["details"]>;
export type Cause = NonNullable<Details["causes"]>[number];

export function statusError(code: number, reason: string, message: string, details?: Details): StatusError {
  const error = new Error(message) as StatusError;
  error.status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  if (details) error.status.details = details;
  return error;
}

export function isStatusError(value: unknown): value is StatusError {
  return value instanceof Error && typeof (value as Partial<StatusError>).status === "object";
}

/** A resource as the messages spell it: "pods" for core, "jobs.batch" otherwise. */
export interface QualifiedResource {
  plural: string;
  group: string;
}

const qualified = (r: QualifiedResource) => (r.group ? `${r.plural}.${r.group}` : r.plural);
const detailsOf = (r: QualifiedResource, name: string): Details =>
  r.group ? { name, group: r.group, kind: r.plural } : { name, kind: r.plural };

export const notFound = (r: QualifiedResource, name: string) =>
  statusError(404, "NotFound", `${qualified(r)} "${name}" not found`, detailsOf(r, name));

export const alreadyExists = (r: QualifiedResource, name: string) =>
  statusError(409, "AlreadyExists", `${qualified(r)} "${name}" already exists`, detailsOf(r, name));

export const conflict = (
  r: QualifiedResource,
  name: string,
  why = "the object has been modified; please apply your changes to the latest version and try again",
) =>
  statusError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`,
    detailsOf(r, name),
  );

/** 422: `Pod "x" is invalid: spec.containers: Required value`. `kind` is the Kind, not the plural. */
export function invalid(kind: string, group: string, name: string, causes: Cause[]): StatusError {
  const summary = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const joined = summary.length === 1 ? summary[0] : `[${summary.join(", ")}]`;
  const details: Details = { name, kind, causes };
  if (group) details.group = group;
  return statusError(422, "Invalid", `${kind}${group ? `.${group}` : ""} "${name}" is invalid: ${joined}`, details);
}

export const forbidden = (r: QualifiedResource, name: string, why: string) =>
  statusError(
    403,
    "Forbidden",
    name ? `${qualified(r)} "${name}" is forbidden: ${why}` : `${qualified(r)} is forbidden: ${why}`,
    detailsOf(r, name),
  );

export const badRequest = (message: string) => statusError(400, "BadRequest", message);

export const unauthorized = () => statusError(401, "Unauthorized", "Unauthorized");

export const gone = (message: string) => statusError(410, "Expired", message);

export const methodNotAllowed = (verb: string, kind: string) =>
  statusError(405, "MethodNotAllowed", `${verb} is not supported on resources of kind "${kind}"`);

export const unsupportedMediaType = (accepted: string[]) =>
  statusError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  );

export const pathNotFound = () => statusError(404, "NotFound", "the server could not find the requested resource", {});

export const internalError = (message: string) =>
  statusError(500, "InternalError", `Internal error occurred: ${message}`, { causes: [{ message }] });

export const serviceUnavailable = (message: string) => statusError(503, "ServiceUnavailable", message);

export const tooManyRequests = (message: string) =>
  statusError(429, "TooManyRequests", message, { retryAfterSeconds: 1 });
