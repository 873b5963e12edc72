import { currentActor } from "@/lib/auth/session";
import { subscribeBuildStatus } from "@/lib/images/build-events";
import { sseResponse } from "@/lib/live/sse";
import { can } from "@/lib/permissions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Build status changes as Server-Sent Events (`event: build`, data `{id, status}`), for pages that show builds. */
export async function GET(request: Request): Promise<Response> {
  const actor = await currentActor();
  if (!actor) return new Response("Sign in to continue", { status: 401 });
  if (!can(actor, "images.read")) return new Response('You do not have the permission "images.read"', { status: 403 });
  return sseResponse(request, (send) => subscribeBuildStatus((change) => send("build", change)));
}
