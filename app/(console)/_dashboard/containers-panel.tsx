"use client";

import Link from "next/link";
import { useState } from "react";

import { Table, Td, Th } from "@/components/ui/table";
import { NOT_FROM_BERTH, type Dimension } from "@/lib/dashboard/aggregate";
import { formatDateTime } from "@/lib/format";

import { podHref } from "./links";
import type { ClusterDashboard } from "./types";
import { capRows, orderBreakdown } from "./view-model";

const DIMENSION_LABELS: Record<Dimension, string> = {
  namespace: "Namespace",
  project: "Project",
  execConfig: "Execution config",
  user: "User",
  activity: "Activity",
};
/** Rows shown per breakdown: the busiest groups; the rest are summed up in one line. */
const BREAKDOWN_ROWS = 25;
/** Pending and failed pods listed by name; the count says how many more there are. */
const LIST_ROWS = 10;

export function Breakdown({ cluster }: { cluster: ClusterDashboard }) {
  const [dimension, setDimension] = useState<Dimension>("project");
  const rows = orderBreakdown(cluster.breakdown[dimension]);
  const { shown, rest } = capRows(rows, BREAKDOWN_ROWS);
  return (
    <div className="space-y-2">
      <label className="flex items-center gap-2 text-xs font-medium text-slate-600">
        Group by
        <select
          value={dimension}
          onChange={(event) => setDimension(event.target.value as Dimension)}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
          aria-label={`Group ${cluster.name} pods by`}
        >
          {(Object.keys(DIMENSION_LABELS) as Dimension[]).map((key) => (
            <option key={key} value={key}>
              {DIMENSION_LABELS[key]}
            </option>
          ))}
        </select>
      </label>
      {rows.length === 0 ? (
        <p className="text-sm text-slate-500">Nothing is running or pending.</p>
      ) : (
        <Table label={`${cluster.name} pods by ${DIMENSION_LABELS[dimension].toLowerCase()}`}>
          <thead>
            <tr>
              <Th>{DIMENSION_LABELS[dimension]}</Th>
              <Th className="text-right">Running</Th>
              <Th className="text-right">Pending</Th>
              <Th className="text-right">GPUs</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {shown.map((row) => (
              <tr key={row.key}>
                <Td className={row.key === NOT_FROM_BERTH ? "italic text-slate-500" : "font-medium"}>{row.key}</Td>
                <Td className="text-right tabular-nums">{row.running}</Td>
                <Td className="text-right tabular-nums">{row.pending}</Td>
                <Td className="text-right tabular-nums">{row.gpus}</Td>
              </tr>
            ))}
            {rest && (
              <tr>
                <Td className="text-slate-500">and {rest.count} more</Td>
                <Td className="text-right tabular-nums text-slate-500">{rest.running}</Td>
                <Td className="text-right tabular-nums text-slate-500">{rest.pending}</Td>
                <Td className="text-right tabular-nums text-slate-500">{rest.gpus}</Td>
              </tr>
            )}
          </tbody>
        </Table>
      )}
    </div>
  );
}

export function PendingList({ cluster }: { cluster: ClusterDashboard }) {
  if (cluster.pendingPods === 0) return null;
  const shown = cluster.pending.slice(0, LIST_ROWS);
  const more = cluster.pendingPods - shown.length;
  return (
    <div>
      <h4 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">Pending: why</h4>
      <ul
        aria-label={`${cluster.name} pending pods`}
        className="divide-y divide-slate-100 rounded-md border border-slate-200 text-sm"
      >
        {shown.map((pod) => (
          <li key={`${pod.namespace}/${pod.name}`} className="px-3 py-2">
            <Link href={podHref(cluster.id, pod)} className="font-medium text-brand-700 hover:underline">
              {pod.namespace}/{pod.name}
            </Link>
            {pod.gpus > 0 && <span className="ml-2 text-xs text-slate-500">{pod.gpus} GPU</span>}
            <p className="mt-0.5 break-words text-xs text-amber-800">{pod.reason}</p>
          </li>
        ))}
        {more > 0 && <li className="px-3 py-2 text-xs text-slate-500">and {more} more</li>}
      </ul>
    </div>
  );
}

export function FailedList({ cluster }: { cluster: ClusterDashboard }) {
  if (cluster.failedLastHour === 0) return null;
  const shown = cluster.failed.slice(0, LIST_ROWS);
  const more = cluster.failedLastHour - shown.length;
  return (
    <div>
      <h4 className="mb-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500">Failed in the last hour</h4>
      <ul
        aria-label={`${cluster.name} failed pods`}
        className="divide-y divide-slate-100 rounded-md border border-slate-200 text-sm"
      >
        {shown.map((pod) => (
          <li key={`${pod.namespace}/${pod.name}`} className="flex items-baseline justify-between gap-3 px-3 py-2">
            <Link href={podHref(cluster.id, pod)} className="truncate font-medium text-brand-700 hover:underline">
              {pod.namespace}/{pod.name}
            </Link>
            <span className="shrink-0 text-xs text-slate-500">{formatDateTime(pod.finishedAt)}</span>
          </li>
        ))}
        {more > 0 && <li className="px-3 py-2 text-xs text-slate-500">and {more} more</li>}
      </ul>
    </div>
  );
}
