import { Badge } from "@/components/ui/badge";
import type { ClusterView } from "@/lib/clusters/schema";
import { formatDateTime } from "@/lib/format";

/** Reachable / unreachable since … / not checked yet. */
export function ClusterStatusBadge({ cluster }: { cluster: Pick<ClusterView, "reachable" | "unreachableSince"> }) {
  if (cluster.reachable) return <Badge tone="green">reachable</Badge>;
  if (cluster.reachable === false)
    return (
      <Badge tone="red">
        unreachable{cluster.unreachableSince ? ` since ${formatDateTime(cluster.unreachableSince)}` : ""}
      </Badge>
    );
  return <Badge>not checked yet</Badge>;
}
