import type { KubeconfigProblem } from "./kubeconfig-policy";

/** A Kubernetes failure in words a person can act on, with the HTTP status Berth answers with. */
export interface KubeFailure {
  status: number;
  reason:
    | "Unreachable"
    | "Forbidden"
    | "QuotaExceeded"
    | "Conflict"
    | "AlreadyExists"
    | "Invalid"
    | "NotFound"
    | "Unauthorized"
    | "Error";
  message: string;
  /** The cluster's own HTTP status when it answered with one Berth does not name (e.g. 400). */
  clusterStatus?: number;
  /** What Berth's account was refused, when a 403 named it (RBAC's own wording). */
  permission?: RefusedPermission;
}

/** One thing an account may or may not do on a cluster: a verb on a resource, in a namespace or across the cluster. */
export interface RefusedPermission {
  verb: string;
  /** The plural resource, with its subresource after a slash (pods/log). */
  resource: string;
  /** The API group, "" for the core group. */
  group: string;
  /** Absent when refused across the cluster (cluster-scoped kinds, lists in all namespaces). */
  namespace?: string;
}

/** "Berth's account may not delete pods in namespace "a"": how a refused permission is told everywhere. */
export function mayNotMessage(permission: RefusedPermission): string {
  const resource = permission.group ? `${permission.resource}.${permission.group}` : permission.resource;
  const where = permission.namespace ? `in namespace "${permission.namespace}"` : "across the cluster";
  return `Berth's account may not ${permission.verb} ${resource} ${where}.`;
}

// The authorizer's wording (k8s.io/apiserver pkg/endpoints/handlers/responsewriters/errors.go
// forbiddenMessage): `cannot <verb> resource "<r>" in API group "<g>" (in the namespace "<ns>" | at the cluster scope)`.
const RBAC_REFUSAL = /cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/;

function refusedPermission(message: string): RefusedPermission | undefined {
  const match = RBAC_REFUSAL.exec(message);
  if (!match) return undefined;
  const [, verb, resource, group, namespace] = match;
  return namespace ? { verb, resource, group, namespace } : { verb, resource, group };
}

/**
 * Which step failed, because callers answer them differently:
 * - "call": the cluster failed or refused a call, or could not be reached (or the stored
 *   kubeconfig could not be decrypted): a caller may retry later or show the reason;
 * - "namespace": a namespace could not be read, created or brought in step with its policy, or it
 *   is missing and may not be created: callers answer it as a problem of the chosen cluster;
 * - "kubeconfig": Berth will not use the kubeconfig (refused fields, no such context, no server),
 *   so no call was made: not a cluster failure, and it names the refused fields in `problems`.
 */
export type KubeCallKind = "call" | "namespace" | "kubeconfig";

/** A Kubernetes call that failed, carrying what describeKubeError made of it. */
export class KubeCallError extends Error {
  readonly kind: KubeCallKind;
  /** The object the cluster refused to create or delete, e.g. "Pod berth-ml-train-abc". */
  readonly object?: string;
  /** For a refused kubeconfig: the keys Berth does not allow (never their values). */
  readonly problems: KubeconfigProblem[];

  constructor(
    readonly failure: KubeFailure,
    options: { kind?: KubeCallKind; object?: string; problems?: KubeconfigProblem[] } = {},
  ) {
    super(failure.message);
    this.name = "KubeCallError";
    this.kind = options.kind ?? "call";
    if (options.object !== undefined) this.object = options.object;
    this.problems = options.problems ?? [];
  }
}

/** Whether `error` is a KubeCallError (of that kind, when one is given). */
export function isKubeCallError(error: unknown, kind?: KubeCallKind): error is KubeCallError {
  return error instanceof KubeCallError && (kind === undefined || error.kind === kind);
}

/** A log that cannot be read because its pod is gone or its container has not started (400). */
export function isUnreadableLog(error: unknown): boolean {
  return isKubeCallError(error, "call") && (error.failure.reason === "NotFound" || error.failure.clusterStatus === 400);
}

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: { field?: string; message?: string }[] };
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

function statusBody(body: unknown): StatusBody | undefined {
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return body && typeof body === "object" ? (body as StatusBody) : undefined;
}

function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns what @kubernetes/client-node throws (ApiException with a Status body, or a network
 * error) into a plain-words failure. Never includes stack traces or credentials.
 */
export function describeKubeError(error: unknown): KubeFailure {
  // Berth's own errors (KubeCallError) already carry the words.
  const described = (error as { failure?: KubeFailure } | null)?.failure;
  if (described && typeof described.message === "string" && typeof described.status === "number") return described;
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "number" && code >= 400) {
    const body = statusBody((error as { body?: unknown }).body);
    const message = body?.message ?? `The cluster answered HTTP ${code}`;
    const causes = body?.details?.causes
      ?.map((cause) => (cause.field ? `${cause.field}: ${cause.message}` : cause.message))
      .filter(Boolean);
    if (code === 401)
      return {
        status: 502,
        reason: "Unauthorized",
        message: "The cluster refused Berth's credentials (401): the kubeconfig's token or certificate is not valid.",
      };
    if (code === 403 && /exceeded quota|must specify/.test(message))
      return { status: 403, reason: "QuotaExceeded", message: `Refused by the namespace quota: ${message}` };
    const permission = code === 403 ? refusedPermission(message) : undefined;
    if (permission) return { status: 403, reason: "Forbidden", message: mayNotMessage(permission), permission };
    if (code === 403)
      return { status: 403, reason: "Forbidden", message: `The cluster refused Berth's account: ${message}` };
    if (code === 404) return { status: 404, reason: "NotFound", message };
    if (code === 409 && body?.reason === "AlreadyExists") return { status: 409, reason: "AlreadyExists", message };
    if (code === 409)
      return { status: 409, reason: "Conflict", message: `Changed by someone else meanwhile: ${message}` };
    if (code === 422)
      return {
        status: 422,
        reason: "Invalid",
        message: causes?.length ? `The cluster found it invalid: ${causes.join("; ")}` : message,
      };
    return {
      status: 502,
      reason: "Error",
      message: `The cluster answered HTTP ${code}: ${message}`,
      clusterStatus: code,
    };
  }
  const network = networkCode(error);
  if (network && (network.startsWith("ERR_TLS") || network.includes("CERT"))) {
    return {
      status: 503,
      reason: "Unreachable",
      message: `The cluster's TLS certificate was not accepted (${network}).`,
    };
  }
  if (network && NETWORK_CODES.has(network))
    return { status: 503, reason: "Unreachable", message: `The cluster cannot be reached (${network}).` };
  // Anything else is a client or credential plugin's own text (a plugin's stderr, a file path):
  // users get a classified sentence, the server log the details.
  const text = error instanceof Error ? error.message : String(error);
  console.error(`berth: a request to a cluster failed: ${text.slice(0, 500)}`);
  if (/timeout|timed out/i.test(text))
    return { status: 503, reason: "Unreachable", message: "The cluster did not answer in time." };
  if (/certificate|tls|ssl/i.test(text))
    return { status: 503, reason: "Unreachable", message: "The cluster's TLS certificate was not accepted." };
  if (/fetch failed|socket hang up|network/i.test(text))
    return { status: 503, reason: "Unreachable", message: "The cluster cannot be reached." };
  return {
    status: 502,
    reason: "Error",
    message: "The request to the cluster failed (the server log has the details).",
  };
}
