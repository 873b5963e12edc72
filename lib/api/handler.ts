import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import type { z } from "zod";
import { executeMutation, type Mutation } from "@/lib/actions/mutation";
import { DomainError, type Result } from "@/lib/actions/result";
import { currentActor } from "@/lib/auth/session";
import { can, type Actor, type Permission } from "@/lib/permissions";
import { actorForToken } from "@/lib/tokens/queries";

export type RouteParams = { params: Promise<Record<string, string>> };

/** JSON error body of the API: `{ error, fieldErrors? }`. */
export function jsonError(status: number, error: string, fieldErrors?: Record<string, string[]>, details?: Record<string, unknown>) {
  return NextResponse.json({ ...details, error, ...(fieldErrors ? { fieldErrors } : {}) }, { status });
}

/** The caller: a Bearer API token, else the browser session. */
export async function authenticate(request: NextRequest): Promise<Actor | null> {
  const header = request.headers.get("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) return actorForToken(header.slice(7).trim());
  return currentActor();
}

interface ApiContext {
  actor: Actor;
  params: Record<string, string>;
  request: NextRequest;
}

/**
 * Wraps a route handler: authentication (401), permission (403), DomainError → its status,
 * anything unexpected → a logged 500 without details.
 */
export function apiRoute(options: { permission?: Permission }, handler: (ctx: ApiContext) => Promise<Response> | Response) {
  return async (request: NextRequest, context: RouteParams): Promise<Response> => {
    try {
      const actor = await authenticate(request);
      if (!actor) return jsonError(401, "Authentication required: send a Bearer API token or sign in");
      if (options.permission && !can(actor, options.permission)) {
        return jsonError(403, `You do not have the permission "${options.permission}"`);
      }
      return await handler({ actor, params: (await context.params) ?? {}, request });
    } catch (error) {
      if (error instanceof DomainError) return jsonError(error.status, error.message, error.fieldErrors, error.details);
      console.error("API error", request.method, request.nextUrl.pathname, error);
      return jsonError(500, "Berth could not complete this request; the error was logged on the server");
    }
  };
}

/** The request's JSON object body; a DomainError(400) for anything else. */
export async function readJsonBody(request: NextRequest): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new DomainError(400, "The request body must be JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new DomainError(400, "The request body must be a JSON object");
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
