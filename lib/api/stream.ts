import "server-only";

import type { NextRequest } from "next/server";

import { refusalFrom } from "@/lib/actions/result";
import { sseResponse, type SendEvent, type StreamControl } from "@/lib/live/sse";
import { can, type Actor, type Permission } from "@/lib/permissions";

import { authenticate, jsonError, type RouteParams } from "./handler";

export interface StreamContext {
  actor: Actor;
  params: Record<string, string>;
  request: NextRequest;
}

/** Subscribes whatever feeds a stream and returns its unsubscribe function (see sseResponse). */
export type StreamFeed = (send: SendEvent, control: StreamControl) => (() => void) | void;

/**
 * Wraps a Server-Sent Events route as apiRoute wraps the others: authentication (401, an API token
 * or the session), permission (403), then `open` reads what the stream needs and returns its feed.
 * A DomainError from `open` answers with its status before any stream starts (EventSource gives up
 * on an error status rather than retrying); anything unexpected is a logged 500. The stream itself
 * gets the SSE headers, a keepalive, and its end when the browser goes away or the server stops.
 */
export function streamRoute(
  options: { permission?: Permission },
  open: (ctx: StreamContext) => Promise<StreamFeed> | StreamFeed,
) {
  return async (request: NextRequest, context?: RouteParams): Promise<Response> => {
    let feed: StreamFeed;
    try {
      const actor = await authenticate(request);
      if (!actor) return jsonError(401, "Authentication required: send a Bearer API token or sign in");
      if (options.permission && !can(actor, options.permission))
        return jsonError(403, `You do not have the permission "${options.permission}"`);
      feed = await open({ actor, params: (await context?.params) ?? {}, request });
    } catch (error) {
      const refusal = refusalFrom(error);
      if (refusal) return jsonError(refusal.status, refusal.message, refusal.fieldErrors, refusal.details);
      console.error("Stream error", request.nextUrl.pathname, error);
      return jsonError(500, "Berth could not complete this request; the error was logged on the server");
    }
    return sseResponse(request, feed);
  };
}
