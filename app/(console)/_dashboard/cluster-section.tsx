import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/lib/format";

import { Breakdown, FailedList, PendingList } from "./containers-panel";
import { GpuAllocation, GpuNodeMap } from "./gpu-panel";
import { QuotaPanel } from "./quota-panel";
import type { ClusterDashboard } from "./types";
import { formatCount } from "./view-model";

/** One figure of a section; a number is shown with thousands separators. */
export function Stat({
  label,
  value,
  tone = "text-slate-900",
}: {
  label: string;
  value: string | number;
  tone?: string;
}) {
  return (
    // A named group per figure: a <dd> cannot carry a name of its own.
    <div role="group" aria-label={label} className="rounded-md border border-slate-200 bg-white px-4 py-3">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className={`mt-1 text-2xl font-semibold tabular-nums ${tone}`}>
        {typeof value === "number" ? formatCount(value) : value}
      </dd>
    </div>
  );
}

/** The cluster cannot be watched: since when, why, and whether the figures below are its last known ones. */
function StaleBanner({ cluster }: { cluster: ClusterDashboard }) {
  const since = cluster.staleSince
    ? formatDateTime(cluster.staleSince)
    : cluster.synced
      ? "the last update"
      : "the first attempt";
  return (
    <p
      role="status"
      aria-label={`${cluster.name} is stale`}
      className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
    >
      <strong className="font-semibold">Stale since {since}</strong>:{" "}
      {cluster.synced
        ? "the cluster does not answer, these are its last known figures."
        : "the cluster has not answered yet, so there are no figures to show."}
      {cluster.error && <span className="block text-xs text-amber-800">{cluster.error}</span>}
    </p>
  );
}

/** Everything the dashboard shows of one cluster; `utilization` is the GPU utilization block (its own data). */
export function ClusterSection({ cluster, utilization }: { cluster: ClusterDashboard; utilization: React.ReactNode }) {
  return (
    <section aria-labelledby={`cluster-${cluster.id}`} className="space-y-4">
      <h2 id={`cluster-${cluster.id}`} className="text-lg font-semibold text-slate-900">
        Cluster {cluster.name}
      </h2>
      {cluster.stale && <StaleBanner cluster={cluster} />}
      {!cluster.stale && !cluster.synced && (
        <p role="status" className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700">
          Syncing: the cluster&apos;s pods are still being listed, so these figures are not complete yet.
        </p>
      )}
      {/* Not stale but an error: Berth's account may not read something (a missing permission is not an outage). */}
      {!cluster.stale && cluster.error && (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {cluster.error}
        </p>
      )}
      {(cluster.synced || !cluster.stale) && <ClusterFigures cluster={cluster} utilization={utilization} />}
    </section>
  );
}

function ClusterFigures({ cluster, utilization }: { cluster: ClusterDashboard; utilization: React.ReactNode }) {
  return (
    <>
      <dl aria-label={`${cluster.name} counts`} className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Running pods" value={cluster.runningPods} />
        <Stat
          label="Pending pods"
          value={cluster.pendingPods}
          tone={cluster.pendingPods > 0 ? "text-amber-700" : undefined}
        />
        <Stat
          label="Failed in the last hour"
          value={cluster.failedLastHour}
          tone={cluster.failedLastHour > 0 ? "text-red-700" : undefined}
        />
        <Stat
          label="GPUs requested"
          value={`${formatCount(cluster.gpu.requested)} / ${formatCount(cluster.gpu.allocatable)}`}
        />
      </dl>
      <div className="grid items-start gap-4 xl:grid-cols-2">
        <Card
          title="Running containers"
          description="Running and pending pods by Berth's labels; other pods are grouped as “not from Berth”."
        >
          <div className="space-y-4">
            <Breakdown cluster={cluster} />
            <PendingList cluster={cluster} />
            <FailedList cluster={cluster} />
          </div>
        </Card>
        <Card title="GPU" description="Requested nvidia.com/gpu of running pods against what the nodes offer.">
          <div className="space-y-5">
            <GpuAllocation cluster={cluster} />
            <GpuNodeMap cluster={cluster} />
            {utilization}
          </div>
        </Card>
      </div>
      <Card title="Quotas" description="Used against hard for every ResourceQuota, the most pressed first.">
        <QuotaPanel cluster={cluster} />
      </Card>
    </>
  );
}
