import { Badge } from "@/components/ui/badge";
import { QUOTA_WARNING_RATIO, type QuotaView } from "@/lib/dashboard/aggregate";
import { Meter } from "./meter";
import { QUOTA_LIMIT, quotaCounts, readableQuantity } from "./view-model";
import type { ClusterDashboard } from "./types";

function QuotaItem({ cluster, quota }: { cluster: string; quota: QuotaView }) {
  const resources = [...quota.resources].sort((a, b) => b.ratio - a.ratio || a.resource.localeCompare(b.resource));
  return (
    <li aria-label={`Quota ${quota.namespace}/${quota.name}`} className="rounded-md border border-slate-200 p-3">
      <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium text-slate-900">
          {quota.namespace}/{quota.name}
        </span>
        {quota.warning && <Badge tone="amber">≥ {Math.round(QUOTA_WARNING_RATIO * 100)} % used</Badge>}
        <span className="text-xs text-slate-500">{quota.policy ? `policy ${quota.policy}` : "not from a namespace policy"}</span>
        {quota.projects.length > 0 && <span className="text-xs text-slate-500">· used by {quota.projects.join(", ")}</span>}
      </div>
      <ul className="space-y-1">
        {resources.map((resource) => (
          <li key={resource.resource} className="grid grid-cols-[11rem_1fr] items-center gap-2 text-xs">
            <span className="truncate font-mono text-slate-600" title={resource.resource}>
              {resource.resource}
            </span>
            <Meter
              label={`${cluster} quota ${quota.namespace}/${quota.name} ${resource.resource}`}
              value={resource.ratio}
              max={1}
              text={`${readableQuantity(resource.resource, resource.used)} / ${readableQuantity(resource.resource, resource.hard)}`}
              warnAt={QUOTA_WARNING_RATIO}
            />
          </li>
        ))}
      </ul>
    </li>
  );
}

/** Every ResourceQuota of the cluster, most pressed first (the aggregator sorts them). */
export function QuotaPanel({ cluster }: { cluster: ClusterDashboard }) {
  if (cluster.quotas.length === 0) return <p className="text-sm text-slate-500">No ResourceQuota in this cluster.</p>;
  const shown = cluster.quotas.slice(0, QUOTA_LIMIT);
  const { count, warnings } = quotaCounts(cluster);
  return (
    <div className="space-y-2">
      {warnings > 0 && (
        <p className="text-xs font-medium text-amber-800">
          {warnings} quota{warnings === 1 ? " is" : "s are"} at {Math.round(QUOTA_WARNING_RATIO * 100)} % or more of a limit.
        </p>
      )}
      <ul aria-label={`${cluster.name} quotas`} className="grid gap-2 xl:grid-cols-2">
        {shown.map((quota) => (
          <QuotaItem key={`${quota.namespace}/${quota.name}`} cluster={cluster.name} quota={quota} />
        ))}
      </ul>
      {count > shown.length && <p className="text-xs text-slate-500">and {count - shown.length} more quotas under less pressure</p>}
    </div>
  );
}
