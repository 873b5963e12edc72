"use client";

import type { ReactNode } from "react";

import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format";

import { ClusterSection } from "./cluster-section";
import { DockerHostSection } from "./docker-host-section";
import { GpuHoursPanel } from "./gpu-hours-panel";
import type { DashboardSnapshot } from "./types";
import { useDashboard, type StreamState } from "./use-dashboard";
import { UtilizationBlock } from "./utilization-chart";
import { formatCount, inNameOrder, quotaCounts } from "./view-model";

const STREAM_LABEL: Record<StreamState, { text: string; tone: "gray" | "green" | "amber" | "red" }> = {
  connecting: { text: "connecting…", tone: "gray" },
  live: { text: "live", tone: "green" },
  reconnecting: { text: "reconnecting…", tone: "amber" },
  closed: { text: "not live: reload the page", tone: "red" },
};

function ClusterOverview({ view }: { view: DashboardSnapshot }) {
  return (
    <Table label="Clusters at a glance">
      <thead>
        <tr>
          <Th>Cluster</Th>
          <Th className="text-right">Running</Th>
          <Th className="text-right">Pending</Th>
          <Th className="text-right">Failed (1 h)</Th>
          <Th className="text-right">GPUs requested</Th>
          <Th className="text-right">Quotas ≥ 90 %</Th>
          <Th>State</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {inNameOrder(view.clusters).map((cluster) => {
          // A cluster that never answered has no figures: a dash, not zeros.
          const figure = (value: ReactNode) => (cluster.synced ? value : "—");
          return (
            <tr key={cluster.id}>
              <Td className="font-medium">
                <a href={`#cluster-${cluster.id}`} className="text-brand-700 hover:underline">
                  {cluster.name}
                </a>
              </Td>
              <Td className="text-right tabular-nums">{figure(formatCount(cluster.runningPods))}</Td>
              <Td className="text-right tabular-nums">{figure(formatCount(cluster.pendingPods))}</Td>
              <Td className="text-right tabular-nums">{figure(formatCount(cluster.failedLastHour))}</Td>
              <Td className="text-right tabular-nums">
                {figure(`${formatCount(cluster.gpu.requested)} / ${formatCount(cluster.gpu.allocatable)}`)}
              </Td>
              <Td className="text-right tabular-nums">{figure(formatCount(quotaCounts(cluster).warnings))}</Td>
              <Td>
                {cluster.stale ? (
                  <Badge tone="amber">
                    stale{cluster.staleSince ? ` since ${formatDateTime(cluster.staleSince)}` : ""}
                  </Badge>
                ) : cluster.synced ? (
                  <Badge tone="green">current</Badge>
                ) : (
                  <Badge tone="gray">syncing…</Badge>
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

/** The dashboard's client side: the server's first snapshot, then whatever the stream pushes. */
export function LiveDashboard({ initial }: { initial: DashboardSnapshot }) {
  const { data, stream } = useDashboard(initial);
  const status = STREAM_LABEL[stream];
  return (
    <div className="space-y-8">
      <div className="flex items-center gap-2 text-xs text-slate-500">
        <span role="status" aria-label="Live updates">
          <Badge tone={status.tone}>{status.text}</Badge>
        </span>
        <span>Figures as of {formatDateTime(data.generatedAt)}</span>
      </div>
      {data.clusters.length === 0 && (data.dockerHosts ?? []).length === 0 ? (
        <EmptyState title="No cluster to show">
          No cluster is attached, or none you may see. Once one is, this page shows what runs on it, its GPUs and its
          quotas.
        </EmptyState>
      ) : (
        <>
          {data.clusters.length > 1 && <ClusterOverview view={data} />}
          {inNameOrder(data.clusters).map((cluster) => (
            <ClusterSection
              key={cluster.id}
              cluster={cluster}
              utilization={
                <UtilizationBlock clusterId={cluster.id} cluster={cluster.name} prometheus={cluster.prometheus} />
              }
            />
          ))}
          {inNameOrder(data.dockerHosts ?? []).map((host) => (
            <DockerHostSection key={`docker-${host.id}`} host={host} />
          ))}
        </>
      )}
      <GpuHoursPanel gpuHolding={data.clusters.map((cluster) => `${cluster.id}:${cluster.gpu.requested}`).join(",")} />
    </div>
  );
}
