"use client";

import { Area, AreaChart, Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/**
 * The dashboard's recharts charts, in one module that the panels load with next/dynamic: the
 * charting code stays out of the first paint's JavaScript, and the figures around it do not wait.
 */

/** Below this many samples the points are drawn as dots too: an area between nulls is invisible. */
const FEW_SAMPLES = 5;

export function UtilizationArea({ points }: { points: { label: string; utilization: number | null }[] }) {
  const samples = points.filter((point) => point.utilization !== null).length;
  return (
    <ResponsiveContainer width="100%" height="100%">
      <AreaChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="label" tick={{ fontSize: 11 }} minTickGap={24} />
        <YAxis domain={[0, 100]} tick={{ fontSize: 11 }} unit="%" />
        <Tooltip formatter={(value) => [`${value} %`, "GPU utilization"]} />
        <Area
          type="monotone"
          dataKey="utilization"
          stroke="#0284c7"
          fill="#bae6fd"
          isAnimationActive={false}
          connectNulls={false}
          dot={samples < FEW_SAMPLES ? { r: 3, fill: "#0284c7" } : false}
        />
      </AreaChart>
    </ResponsiveContainer>
  );
}

export function GpuHoursBars({ rows }: { rows: { key: string; gpuHours: number }[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} layout="vertical" margin={{ top: 0, right: 12, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
        <XAxis type="number" tick={{ fontSize: 11 }} />
        <YAxis type="category" dataKey="key" width={110} tick={{ fontSize: 11 }} />
        <Tooltip formatter={(value) => [`${Number(value).toFixed(2)} GPU-h`, "used"]} />
        <Bar dataKey="gpuHours" fill="#0284c7" maxBarSize={22} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
