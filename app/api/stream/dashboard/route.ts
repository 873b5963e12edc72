import type { NextRequest } from "next/server";
import { DomainError } from "@/lib/actions/result";
import { authenticate, jsonError } from "@/lib/api/handler";
import { clusterDashboardJson, dashboardSnapshot, subscribeDashboard } from "@/lib/dashboard/service";
import { JsonText, sseResponse } from "@/lib/live/sse";
import { can } from "@/lib/permissions";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The dashboard live: `event: snapshot` (the whole `GET /api/v1/dashboard` body) on connect, then
 * `event: cluster` (one cluster's section) each time its figures change, at most every 100 ms.
 * `?cluster=` narrows it to one cluster.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const actor = await authenticate(request);
  if (!actor) return jsonError(401, "Authentication required: send a Bearer API token or sign in");
  if (!can(actor, "clusters.read")) return jsonError(403, 'You do not have the permission "clusters.read"');
  let initial;
  try {
    initial = await dashboardSnapshot(actor, { cluster: request.nextUrl.searchParams.get("cluster") || undefined });
  } catch (error) {
    if (error instanceof DomainError) return jsonError(error.status, error.message);
    throw error;
  }
  const watched = new Set(initial.clusters.map((cluster) => cluster.id));
  return sseResponse(request, (send) => {
    send("snapshot", initial);
    return subscribeDashboard([...watched], (changed) => {
      for (const id of changed) {
        const view = watched.has(id) ? clusterDashboardJson(actor, id) : null;
        if (view) send("cluster", new JsonText(view));
      }
    });
  });
}
