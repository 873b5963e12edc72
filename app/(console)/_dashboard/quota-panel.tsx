"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { QUOTA_WARNING_RATIO, type QuotaView } from "@/lib/dashboard/aggregate";

import { Meter } from "./meter";
import type { ClusterDashboard } from "./types";
import { QUOTA_LIMIT, quotaCounts, readableQuantity } from "./view-model";

function QuotaItem({ cluster, quota }: { cluster: string; quota: QuotaView }) {
  const resources = [...quota.resources].sort((a, b) => b.ratio - a.ratio || a.resource.localeCompare(b.resource));
  return (
    <li aria-label={`Quota ${quota.namespace}/${quota.name}`} className="rounded-md border border-slate-200 p-3">
      <div className="mb-2 flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium text-slate-900">
          {quota.namespace}/{quota.name}
        </span>
        {quota.warning && <Badge tone="amber">≥ {Math.round(QUOTA_WARNING_RATIO * 100)} % used</Badge>}
        <span className="text-xs text-slate-500">
          {quota.policy ? `policy ${quota.policy}` : "not from a namespace policy"}
        </span>
        {quota.projects.length > 0 && (
          <span className="text-xs text-slate-500">· used by {quota.projects.join(", ")}</span>
        )}
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

interface QuotaPage {
  items: QuotaView[];
  nextCursor: string | null;
  count: number;
}

const QUOTA_PAGE = 100;

async function fetchQuotaPage(cluster: string, cursor: string | null): Promise<QuotaPage> {
  const query = new URLSearchParams({ limit: String(QUOTA_PAGE), ...(cursor ? { cursor } : {}) });
  const response = await fetch(`/api/v1/dashboard/clusters/${encodeURIComponent(cluster)}/quotas?${query}`, {
    cache: "no-store",
  });
  if (!response.ok) throw new Error(`The quotas could not be read (HTTP ${response.status})`);
  return (await response.json()) as QuotaPage;
}

/**
 * The quotas past the most pressed ones the section carries, read a page at a time when asked
 * for: as of that moment, while the ones above stay live.
 */
function MoreQuotas({
  cluster,
  shown,
  hidden,
}: {
  cluster: ClusterDashboard;
  shown: readonly QuotaView[];
  hidden: number;
}) {
  const [open, setOpen] = useState(false);
  const pages = useInfiniteQuery({
    queryKey: ["dashboard-quotas", cluster.id],
    queryFn: ({ pageParam }) => fetchQuotaPage(cluster.name, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: open,
    staleTime: Infinity,
    gcTime: 0,
  });
  if (!open) {
    return (
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Show {hidden} more quota{hidden === 1 ? "" : "s"} under less pressure
      </Button>
    );
  }
  const live = new Set(shown.map((quota) => `${quota.namespace}/${quota.name}`));
  const rest = (pages.data?.pages ?? [])
    .flatMap((page) => page.items)
    .filter((quota) => !live.has(`${quota.namespace}/${quota.name}`));
  return (
    <div className="space-y-2">
      {pages.isError && <p className="text-sm text-red-700">{pages.error.message}</p>}
      {pages.isPending && <p className="text-xs text-slate-500">Reading the other quotas…</p>}
      {rest.length > 0 && (
        <ul aria-label={`${cluster.name} more quotas`} className="grid gap-2 xl:grid-cols-2">
          {rest.map((quota) => (
            <QuotaItem key={`${quota.namespace}/${quota.name}`} cluster={cluster.name} quota={quota} />
          ))}
        </ul>
      )}
      <div className="flex gap-2">
        {pages.hasNextPage && (
          <Button
            variant="secondary"
            size="sm"
            disabled={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
          >
            Show more
          </Button>
        )}
        <Button variant="secondary" size="sm" onClick={() => setOpen(false)}>
          Show fewer
        </Button>
      </div>
    </div>
  );
}

/** The cluster's most pressed ResourceQuotas (the aggregator sorts them), the others on demand. */
export function QuotaPanel({ cluster }: { cluster: ClusterDashboard }) {
  if (cluster.quotas.length === 0) return <p className="text-sm text-slate-500">No ResourceQuota in this cluster.</p>;
  const shown = cluster.quotas.slice(0, QUOTA_LIMIT);
  const { count, warnings } = quotaCounts(cluster);
  return (
    <div className="space-y-2">
      {warnings > 0 && (
        <p className="text-xs font-medium text-amber-800">
          {warnings} quota{warnings === 1 ? " is" : "s are"} at {Math.round(QUOTA_WARNING_RATIO * 100)} % or more of a
          limit.
        </p>
      )}
      <ul aria-label={`${cluster.name} quotas`} className="grid gap-2 xl:grid-cols-2">
        {shown.map((quota) => (
          <QuotaItem key={`${quota.namespace}/${quota.name}`} cluster={cluster.name} quota={quota} />
        ))}
      </ul>
      {count > shown.length && <MoreQuotas cluster={cluster} shown={shown} hidden={count - shown.length} />}
    </div>
  );
}
