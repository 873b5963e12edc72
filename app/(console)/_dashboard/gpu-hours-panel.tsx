"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useState } from "react";

import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";

import type { GpuHoursGrouping, GpuHoursView } from "./types";

const GpuHoursBars = dynamic(() => import("./charts").then((charts) => charts.GpuHoursBars), {
  ssr: false,
  loading: () => <p className="text-xs text-slate-500">Drawing the chart…</p>,
});
/** GPU-hours come from Berth's run records (not Kubernetes) and grow while runs hold GPUs: re-read once a minute. */
const REFRESH_MS = 60_000;

const PERIODS = [
  { id: "24h", label: "Last 24 hours", hours: 24 },
  { id: "7d", label: "Last 7 days", hours: 24 * 7 },
  { id: "30d", label: "Last 30 days", hours: 24 * 30 },
] as const;
type PeriodId = (typeof PERIODS)[number]["id"];
const CHART_BARS = 15;
/** The bar chart grows with its rows: one bar does not fill a tall box. */
const CHART_ROW_PX = 30;
const CHART_AXIS_PX = 40;

/** The API's query for a period ending now. */
function periodQuery(period: PeriodId, by: GpuHoursGrouping): URLSearchParams {
  const hours = PERIODS.find((candidate) => candidate.id === period)!.hours;
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3_600_000);
  return new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), by });
}

async function fetchGpuHours(query: URLSearchParams): Promise<GpuHoursView> {
  const response = await fetch(`/api/v1/dashboard/gpu-hours?${query}`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`GPU-hours could not be read (${response.status})`);
  return (await response.json()) as GpuHoursView;
}

/**
 * GPU-hours per project or group over a chosen period, from run records and pod lifetimes;
 * downloadable as CSV. `gpuHolding` identifies who holds GPUs now (from the live snapshot).
 */
export function GpuHoursPanel({ gpuHolding }: { gpuHolding: string }) {
  const [period, setPeriod] = useState<PeriodId>("7d");
  const [by, setBy] = useState<GpuHoursGrouping>("project");
  const { data, error, isPending } = useQuery({
    // Re-read as soon as GPUs are taken or given back somewhere (a run started or ended), not only every minute.
    queryKey: ["dashboard", "gpu-hours", period, by, gpuHolding],
    queryFn: () => fetchGpuHours(periodQuery(period, by)),
    refetchInterval: REFRESH_MS,
    staleTime: REFRESH_MS / 2,
    placeholderData: keepPreviousData,
  });
  // The CSV covers exactly the period of the table shown.
  const csvHref = data
    ? `/api/v1/dashboard/gpu-hours?${new URLSearchParams({ from: data.from, to: data.to, by: data.by, format: "csv" })}`
    : null;
  const rows = data ? [...data.rows].sort((a, b) => b.gpuHours - a.gpuHours || a.key.localeCompare(b.key)) : [];

  return (
    <div role="region" aria-label="GPU-hours">
      <Card
        title="GPU-hours"
        description="Whole GPUs × hours held by running pods, from run records and pod lifetimes."
        actions={
          csvHref && (
            <a
              href={csvHref}
              download
              className="rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50"
            >
              Download CSV
            </a>
          )
        }
      >
        <div className="mb-3 flex flex-wrap gap-4 text-xs font-medium text-slate-600">
          <label className="flex items-center gap-2">
            Period
            <select
              value={period}
              onChange={(event) => setPeriod(event.target.value as PeriodId)}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
            >
              {PERIODS.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.label}
                </option>
              ))}
            </select>
          </label>
          <label className="flex items-center gap-2">
            Per
            <select
              value={by}
              onChange={(event) => setBy(event.target.value as GpuHoursGrouping)}
              className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
            >
              <option value="project">project</option>
              <option value="group">group</option>
            </select>
          </label>
        </div>
        {error ? (
          <p className="text-sm text-red-700">{error.message}</p>
        ) : isPending ? (
          <p className="text-sm text-slate-500">Counting GPU-hours…</p>
        ) : rows.length === 0 ? (
          <p className="text-sm text-slate-500">No GPU was used in this period.</p>
        ) : (
          <div className="grid items-start gap-4 lg:grid-cols-2">
            <div
              style={{ height: CHART_AXIS_PX + Math.min(rows.length, CHART_BARS) * CHART_ROW_PX }}
              role="img"
              aria-label={`GPU-hours per ${by}`}
            >
              <GpuHoursBars rows={rows.slice(0, CHART_BARS)} />
            </div>
            <Table label={`GPU-hours per ${by}`}>
              <thead>
                <tr>
                  <Th>{by === "project" ? "Project" : "Group"}</Th>
                  <Th className="text-right">GPU-hours</Th>
                  <Th className="text-right">Runs</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => (
                  <tr key={row.key}>
                    <Td className="font-medium">{row.key}</Td>
                    <Td className="text-right tabular-nums">{row.gpuHours.toFixed(2)}</Td>
                    <Td className="text-right tabular-nums">{row.runs}</Td>
                  </tr>
                ))}
                <tr>
                  <Td className="font-semibold">Total</Td>
                  <Td className="text-right font-semibold tabular-nums">{data.totalGpuHours.toFixed(2)}</Td>
                  <Td className="text-right font-semibold tabular-nums">
                    {rows.reduce((sum, row) => sum + row.runs, 0)}
                  </Td>
                </tr>
              </tbody>
            </Table>
          </div>
        )}
      </Card>
    </div>
  );
}
