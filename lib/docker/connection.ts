import "server-only";

import { createHash } from "node:crypto";
import Docker from "dockerode";

import {
  parseDockerEndpoint,
  UnusableDockerConnection,
  vetDockerConnection,
  type DockerConnection,
  type DockerEndpoint,
  type DockerTls,
} from "./endpoint-policy";

export * from "./endpoint-policy";

/**
 * Every option docker-modem would otherwise take from DOCKER_HOST, DOCKER_CERT_PATH,
 * DOCKER_TLS_VERIFY, DOCKER_PATH_PREFIX or DOCKER_CLIENT_TIMEOUT (docker-modem 5.0 lib/modem.js
 * `defaultOpts`, merged under the given options): each is set here, to a value or undefined,
 * so Berth's own environment never decides where a connection goes or what it trusts.
 */
function dockerOptions(endpoint: DockerEndpoint, tls: DockerTls | undefined): Docker.DockerOptions {
  const none = {
    host: undefined,
    port: undefined,
    socketPath: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    timeout: undefined,
    username: undefined,
    pathPrefix: undefined,
  };
  if (endpoint.kind === "unix") return { ...none, socketPath: endpoint.socketPath, protocol: "http" };
  return {
    ...none,
    host: endpoint.host,
    port: endpoint.port,
    protocol: "https",
    ca: tls!.ca,
    cert: tls!.cert,
    key: tls!.key,
  };
}

const CACHE_KEY = Symbol.for("berth.dockerClients");
type ClientCache = Map<string, Docker>;
const clients = ((globalThis as Record<symbol, ClientCache | undefined>)[CACHE_KEY] ??= new Map());

function cacheKey(connection: DockerConnection): string {
  // A digest, so the cache's keys never hold the client key's text.
  return createHash("sha256")
    .update(JSON.stringify([connection.endpoint, connection.tls?.ca, connection.tls?.cert, connection.tls?.key]))
    .digest("hex");
}

/**
 * The Docker client for a connection, vetted first (throws UnusableDockerConnection), one per
 * distinct connection for the life of the process so HTTP agents and sockets are reused.
 */
export function dockerClient(connection: DockerConnection): Docker {
  const key = cacheKey(connection);
  const cached = clients.get(key);
  if (cached) return cached;
  const problems = vetDockerConnection(connection);
  if (problems.length) throw new UnusableDockerConnection(problems);
  const parsed = parseDockerEndpoint(connection.endpoint);
  if (!parsed.ok) throw new UnusableDockerConnection([{ field: "endpoint", message: parsed.reason }]);
  const client = new Docker(dockerOptions(parsed.endpoint, connection.tls));
  clients.set(key, client);
  return client;
}

/** A Docker Engine failure in words a person can act on, with the HTTP status Berth answers with. */
export interface DockerFailure {
  status: number;
  reason: "Unreachable" | "TlsRefused" | "NotFound" | "Conflict" | "Invalid" | "Forbidden" | "Error";
  message: string;
  /** The engine's own HTTP status, when it answered. */
  engineStatus?: number;
}

/** A Docker Engine call that failed, carrying what describeDockerError made of it. */
export class DockerCallError extends Error {
  constructor(readonly failure: DockerFailure) {
    super(failure.message);
    this.name = "DockerCallError";
  }
}

const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOENT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EPIPE",
  "ENOTSOCK",
]);

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The engine's own message from a docker-modem error (`{message}` JSON body), without the modem's prefix. */
function engineMessage(error: { json?: unknown; message?: string }): string {
  const json = error.json as { message?: unknown } | string | null | undefined;
  if (json && typeof json === "object" && typeof json.message === "string") return json.message.trim();
  if (typeof json === "string" && json.trim()) return json.trim();
  return (error.message ?? "").replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, "").trim();
}

/**
 * Turns what dockerode throws (an HTTP error with the engine's message, a socket or TLS error)
 * into a plain-words failure. Never includes stack traces, socket paths' contents or credentials.
 */
export function describeDockerError(error: unknown): DockerFailure {
  const described = (error as { failure?: DockerFailure } | null)?.failure;
  if (described && typeof described.message === "string" && typeof described.status === "number") return described;
  if (error instanceof UnusableDockerConnection) return { status: 422, reason: "Invalid", message: error.message };
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === "number" && statusCode >= 400) {
    const message =
      engineMessage(error as { json?: unknown; message?: string }) || `The engine answered HTTP ${statusCode}`;
    if (statusCode === 404)
      return {
        status: 404,
        reason: "NotFound",
        message: `The engine found nothing: ${message}`,
        engineStatus: statusCode,
      };
    if (statusCode === 409)
      return { status: 409, reason: "Conflict", message: `The engine refused: ${message}`, engineStatus: statusCode };
    if (statusCode === 400)
      return {
        status: 422,
        reason: "Invalid",
        message: `The engine found the request invalid: ${message}`,
        engineStatus: statusCode,
      };
    if (statusCode === 401 || statusCode === 403)
      return {
        status: 403,
        reason: "Forbidden",
        message: `The engine refused Berth: ${message}`,
        engineStatus: statusCode,
      };
    return {
      status: 502,
      reason: "Error",
      message: `The engine answered HTTP ${statusCode}: ${message}`,
      engineStatus: statusCode,
    };
  }
  const code = errorCode(error);
  if (
    code &&
    (code.startsWith("ERR_TLS") ||
      code.startsWith("ERR_SSL") ||
      code.includes("CERT") ||
      code === "EPROTO" ||
      code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE")
  ) {
    return {
      status: 503,
      reason: "TlsRefused",
      message: `The TLS handshake with the engine failed (${code}): check that the CA signed the engine's certificate and that the engine trusts Berth's client certificate.`,
    };
  }
  if (code === "EACCES")
    return {
      status: 503,
      reason: "Unreachable",
      message: "Berth may not open the engine's socket (EACCES): give Berth's user access to it.",
    };
  if (code && UNREACHABLE_CODES.has(code))
    return { status: 503, reason: "Unreachable", message: `The engine cannot be reached (${code}).` };
  if (
    (error as { name?: unknown } | null)?.name === "AbortError" ||
    (error as { name?: unknown } | null)?.name === "TimeoutError"
  ) {
    return { status: 503, reason: "Unreachable", message: "The engine did not answer in time." };
  }
  const text = error instanceof Error ? error.message : String(error);
  console.error(`berth: a request to a Docker engine failed: ${text.slice(0, 500)}`);
  if (/certificate|tls|ssl|handshake/i.test(text))
    return { status: 503, reason: "TlsRefused", message: "The TLS handshake with the engine failed." };
  if (/socket hang up|network|timed? ?out/i.test(text))
    return { status: 503, reason: "Unreachable", message: "The engine cannot be reached." };
  return {
    status: 502,
    reason: "Error",
    message: "The request to the engine failed (the server log has the details).",
  };
}

/** Runs one engine call and rethrows its failure as a DockerCallError with plain words. */
export async function dockerCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DockerCallError(describeDockerError(error));
  }
}
