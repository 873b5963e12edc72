"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { GpuHoursGrouping, GpuHoursView } from "./types";

const PERIODS = [
  { id: "24h", label: "Last 24 hours", hours: 24 },
  { id: "7d", label: "Last 7 days", hours: 24 * 7 },
  { id: "30d", label: "Last 30 days", hours: 24 * 30 },
] as const;
type PeriodId = (typeof PERIODS)[number]["id"];
const CHART_BARS = 15;

/** The API's query for a period ending now, rounded to the minute so the CSV link matches the table. */
function periodQuery(period: PeriodId, by: GpuHoursGrouping): URLSearchParams {
  const hours = PERIODS.find((candidate) => candidate.id === period)!.hours;
  const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
  const from = new Date(to.getTime() - hours * 3_600_000);
  return new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), by });
}

async function fetchGpuHours(query: URLSearchParams): Promise<GpuHoursView> {
  const response = await fetch(`/api/v1/dashboard/gpu-hours?${query}`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`GPU-hours could not be read (${response.status})`);
  return (await response.json()) as GpuHoursView;
}

/** GPU-hours per project or group over a chosen period, from run records and pod lifetimes; downloadable as CSV. */
export function GpuHoursPanel() {
  const [period, setPeriod] = useState<PeriodId>("7d");
  const [by, setBy] = useState<GpuHoursGrouping>("project");
  // Past usage changes slowly: read when the choice changes, not on an interval.
  const query = periodQuery(period, by);
  const { data, error, isPending } = useQuery({ queryKey: ["dashboard", "gpu-hours", query.toString()], queryFn: () => fetchGpuHours(query), staleTime: 60_000 });
  const csvHref = `/api/v1/dashboard/gpu-hours?${query}&format=csv`;
  const rows = data ? [...data.rows].sort((a, b) => b.gpuHours - a.gpuHours || a.key.localeCompare(b.key)) : [];

  return (
    <div role="region" aria-label="GPU-hours">
      <Card
        title="GPU-hours"
        description="Whole GPUs × hours held by running pods, from run records and pod lifetimes."
        actions={
          <a href={csvHref} download={`gpu-hours-${by}-${period}.csv`} className="rounded-md border border-slate-300 px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50">
            Download CSV
          </a>
        }
      >
        <div className="mb-3 flex flex-wrap gap-4 text-xs font-medium text-slate-600">
          <label className="flex items-center gap-2">
            Period
            <select value={period} onChange={(event) => setPeriod(event.target.value as PeriodId)} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs">
              {PERIODS.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.label}
                </option>
              ))}
            </select>
          </label>
          <label className="flex items-center gap-2">
            Per
            <select value={by} onChange={(event) => setBy(event.target.value as GpuHoursGrouping)} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs">
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
          <div className="grid gap-4 lg:grid-cols-2">
            <div className="h-56" role="img" aria-label={`GPU-hours per ${by}`}>
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={rows.slice(0, CHART_BARS)} layout="vertical" margin={{ top: 0, right: 12, bottom: 0, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
                  <XAxis type="number" tick={{ fontSize: 11 }} />
                  <YAxis type="category" dataKey="key" width={110} tick={{ fontSize: 11 }} />
                  <Tooltip formatter={(value) => [`${Number(value).toFixed(2)} GPU-h`, "used"]} />
                  <Bar dataKey="gpuHours" fill="#0284c7" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
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
                <Td className="text-right font-semibold tabular-nums">{rows.reduce((sum, row) => sum + row.runs, 0)}</Td>
                </tr>
              </tbody>
            </Table>
          </div>
        )}
      </Card>
    </div>
  );
}
