import "server-only";

import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";

import { executeMutation, type Mutation } from "@/lib/actions/mutation";
import { DomainError, refusalFrom, type Result } from "@/lib/actions/result";
import { recordRefusedChange } from "@/lib/audit/refusals";
import { trustedClientAddress } from "@/lib/auth/client-address";
import { currentActor } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { can, type Actor, type Permission } from "@/lib/permissions";
import { actorForToken } from "@/lib/tokens/queries";

import { crossSiteRefusal, readBodyText } from "./request-guards";

export type RouteParams = { params: Promise<Record<string, string>> };

/** JSON error body of the API: `{ error, fieldErrors? }`. */
export function jsonError(
  status: number,
  error: string,
  fieldErrors?: Record<string, string[]>,
  details?: Record<string, unknown>,
) {
  return NextResponse.json({ ...details, error, ...(fieldErrors ? { fieldErrors } : {}) }, { status });
}

function bearerToken(request: NextRequest): string | null {
  const header = request.headers.get("authorization");
  return header?.toLowerCase().startsWith("bearer ") ? header.slice(7).trim() : null;
}

/** The caller: a Bearer API token (a refused one is audited), else the browser session. */
export async function authenticate(request: NextRequest): Promise<Actor | null> {
  const token = bearerToken(request);
  if (token !== null) {
    return actorForToken(token, {
      method: request.method,
      path: request.nextUrl.pathname,
      address: trustedClientAddress(request.headers.get("x-forwarded-for")),
    });
  }
  return currentActor();
}

/** Audits a refused change request (rate-limited); a refused read changes nothing and is not. */
function auditRefusedRequest(
  request: NextRequest,
  actor: Actor | null,
  refusal: { status: number; error: string; fieldErrors?: Record<string, string[]> },
) {
  if (request.method === "GET" || request.method === "HEAD") return;
  recordRefusedChange(
    { action: "request", actor, source: "api", address: trustedClientAddress(request.headers.get("x-forwarded-for")) },
    refusal,
    { method: request.method, path: request.nextUrl.pathname },
  );
}

interface ApiContext {
  actor: Actor;
  /**
   * The path parameters, decoded once (by Next): a handler passes them on as they are, since
   * decoding again would turn a name holding "%" into another name or a 500.
   */
  params: Record<string, string>;
  request: NextRequest;
}

/**
 * Wraps a route handler: authentication (401), cross-site checks for the browser session
 * (415/403), permission (403), DomainError → its status, a failed Kubernetes call → its plain
 * words (refusalFrom), anything unexpected → a logged 500 without details.
 */
export function apiRoute(
  options: { permission?: Permission },
  handler: (ctx: ApiContext) => Promise<Response> | Response,
) {
  return async (request: NextRequest, context: RouteParams): Promise<Response> => {
    let actor: Actor | null = null;
    try {
      actor = await authenticate(request);
      if (!actor) {
        const error = "Authentication required: send a Bearer API token or sign in";
        // A refused token was audited as such already.
        if (bearerToken(request) === null) auditRefusedRequest(request, null, { status: 401, error });
        return jsonError(401, error);
      }
      // A browser attaches the session cookie to requests that any site makes; a Bearer token, never.
      const crossSite =
        bearerToken(request) === null ? crossSiteRefusal(request.method, request.headers, env().NEXTAUTH_URL) : null;
      if (crossSite) {
        auditRefusedRequest(request, actor, crossSite);
        return jsonError(crossSite.status, crossSite.error);
      }
      if (options.permission && !can(actor, options.permission)) {
        const error = `You do not have the permission "${options.permission}"`;
        auditRefusedRequest(request, actor, { status: 403, error });
        return jsonError(403, error);
      }
      return await handler({ actor, params: (await context.params) ?? {}, request });
    } catch (error) {
      const refusal = refusalFrom(error);
      if (refusal) {
        auditRefusedRequest(request, actor, {
          status: refusal.status,
          error: refusal.message,
          fieldErrors: refusal.fieldErrors,
        });
        return jsonError(refusal.status, refusal.message, refusal.fieldErrors, refusal.details);
      }
      console.error("API error", request.method, request.nextUrl.pathname, error);
      return jsonError(500, "Berth could not complete this request; the error was logged on the server");
    }
  };
}

/** The request's JSON object body; a DomainError(413) over the size cap, (400) for anything else. */
export async function readJsonBody(request: NextRequest): Promise<Record<string, unknown>> {
  const text = await readBodyText(request);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new DomainError(400, "The request body must be JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body))
    throw new DomainError(400, "The request body must be a JSON object");
  return body as Record<string, unknown>;
}

/** Runs a mutation for an API caller and answers with its data or its error. */
export async function respondWithMutation<S extends z.ZodType, T>(
  mutation: Mutation<S, T>,
  input: unknown,
  actor: Actor,
  successStatus = 200,
): Promise<Response> {
  const result: Result<T> = await executeMutation(mutation, input, actor, "api");
  return result.ok
    ? NextResponse.json(result.data, { status: successStatus })
    : jsonError(result.status, result.error, result.fieldErrors, result.details);
}

/** Query string parameters as a plain object (the last value of a repeated key). */
export function searchParamsObject(request: NextRequest): Record<string, string> {
  return Object.fromEntries(request.nextUrl.searchParams.entries());
}
