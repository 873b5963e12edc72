import { streamRoute } from "@/lib/api/stream";
import {
  clusterDashboardChange,
  dashboardSnapshot,
  subscribeDashboard,
  type ClusterDashboard,
} from "@/lib/dashboard/service";
import { JsonText } from "@/lib/live/sse";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The dashboard live: `event: snapshot` (the whole `GET /api/v1/dashboard` body) on connect, then
 * `event: cluster-patch` (`{id, ops}`: RFC 6902 operations from the section this stream sent last
 * to the current one) each time a cluster's figures change, at most every 100 ms; `event: cluster`
 * (one whole section) only for a cluster it has sent nothing of. Whole sections for every change
 * made 90 MB/s at ten clusters of 100,000 pods. `?cluster=` narrows it to one cluster.
 */
export const GET = streamRoute({ permission: "clusters.read" }, async ({ actor, request }) => {
  const initial = await dashboardSnapshot(actor, { cluster: request.nextUrl.searchParams.get("cluster") || undefined });
  // The section each cluster's last message left the browser with: the base of the next patch.
  const sent = new Map<number, ClusterDashboard>(initial.clusters.map((cluster) => [cluster.id, cluster]));
  return (send) => {
    send("snapshot", initial);
    return subscribeDashboard([...sent.keys()], (changed) => {
      for (const id of changed) {
        if (!sent.has(id)) continue;
        const change = clusterDashboardChange(actor, id, sent.get(id));
        if (!change) continue;
        sent.set(id, change.view);
        if ("patch" in change) send("cluster-patch", new JsonText(change.patch));
        else send("cluster", new JsonText(change.full));
      }
    });
  };
});
