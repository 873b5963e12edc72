import "server-only";

import { and, eq, gt, isNotNull, isNull, lt, or } from "drizzle-orm";

import { getDb } from "@/db";
import { clusters, groups, projects, runs } from "@/db/schema";
import { mayReadCluster } from "@/lib/clusters/access";
import type { Actor } from "@/lib/permissions";
import { maySeeRun } from "@/lib/runs/access";

import { NOT_FROM_BERTH } from "./aggregate";

/**
 * GPU-hours = whole GPUs × hours held, clipped to a period. Berth's work is counted from its run
 * records (which outlive the pods); pods Berth did not start are counted from the live pod
 * records of the clusters being aggregated, as far back as they started.
 */

export type GpuHoursGrouping = "project" | "group";
/** Runs of a project without an owner group. */
export const NO_GROUP = "(no owner group)";

/** One stretch of GPU use: who it counts for, how many GPUs, from when to when (epoch ms). */
export interface GpuUsage {
  key: string;
  gpus: number;
  start: number;
  end: number;
  /** Counted as one run in the row's run count. */
  run: boolean;
}

export interface GpuHoursRow {
  key: string;
  gpuHours: number;
  runs: number;
}

export interface GpuHoursView {
  from: string;
  to: string;
  by: GpuHoursGrouping;
  rows: GpuHoursRow[];
  totalGpuHours: number;
}

const HOUR_MS = 3_600_000;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Sums usages per key, each clipped to [from, to); rows by GPU-hours, largest first. */
export function sumGpuHours(usages: GpuUsage[], from: number, to: number): GpuHoursRow[] {
  const totals = new Map<string, { ms: number; runs: number }>();
  for (const usage of usages) {
    const overlap = Math.min(usage.end, to) - Math.max(usage.start, from);
    if (overlap <= 0 || usage.gpus <= 0) continue;
    const total = totals.get(usage.key) ?? { ms: 0, runs: 0 };
    total.ms += usage.gpus * overlap;
    if (usage.run) total.runs += 1;
    totals.set(usage.key, total);
  }
  return [...totals]
    .map(([key, total]) => ({ key, gpuHours: round3(total.ms / HOUR_MS), runs: total.runs }))
    .sort((a, b) => b.gpuHours - a.gpuHours || a.key.localeCompare(b.key));
}

/** When a run stopped holding its GPUs: its end, now while it runs, else (never ran long) its start. */
export function runEnd(run: { status: string; startedAt: Date; finishedAt: Date | null }, now: number): number {
  if (run.finishedAt) return run.finishedAt.getTime();
  return run.status === "running" ? now : run.startedAt.getTime();
}

/**
 * Run records that held GPUs during [from, to), grouped by project key or the project's owner
 * group: only runs the actor may see (their project readable, or their own) on clusters they may read.
 */
function runUsages(actor: Actor, by: GpuHoursGrouping, from: Date, to: Date, now: number): GpuUsage[] {
  const rows = getDb()
    .select({
      project: runs.project,
      projectId: runs.projectId,
      userId: runs.userId,
      clusterId: runs.clusterId,
      gpus: runs.gpus,
      status: runs.status,
      startedAt: runs.startedAt,
      finishedAt: runs.finishedAt,
      group: groups.name,
    })
    .from(runs)
    .leftJoin(projects, eq(projects.id, runs.projectId))
    .leftJoin(groups, eq(groups.id, projects.ownerGroupId))
    .where(
      and(
        gt(runs.gpus, 0),
        isNotNull(runs.startedAt),
        lt(runs.startedAt, to),
        or(isNull(runs.finishedAt), gt(runs.finishedAt, from)),
      ),
    )
    .all();
  return rows
    .filter((row) => maySeeRun(actor, row) && (row.clusterId === null || mayReadCluster(actor, row.clusterId)))
    .map((row) => ({
      key: by === "project" ? row.project : (row.group ?? NO_GROUP),
      gpus: row.gpus,
      start: row.startedAt!.getTime(),
      end: runEnd({ status: row.status, startedAt: row.startedAt!, finishedAt: row.finishedAt }, now),
      run: true,
    }));
}

/** Live GPU pods Berth did not start, as the aggregators of the visible clusters know them. */
export type ForeignGpuPods = () => { clusterId: number; gpus: number; startedAt: number | null }[];

/** GPU-hours per project or per group over [from, to). */
export function gpuHours(
  actor: Actor,
  query: { from: Date; to: Date; by: GpuHoursGrouping },
  foreignPods: ForeignGpuPods,
  now = Date.now(),
): GpuHoursView {
  const usages = runUsages(actor, query.by, query.from, query.to, now);
  const visible = new Set(
    getDb()
      .select({ id: clusters.id })
      .from(clusters)
      .all()
      .map((row) => row.id)
      .filter((id) => mayReadCluster(actor, id)),
  );
  for (const pod of foreignPods()) {
    if (!visible.has(pod.clusterId) || pod.startedAt === null) continue;
    usages.push({ key: NOT_FROM_BERTH, gpus: pod.gpus, start: pod.startedAt, end: now, run: false });
  }
  const rows = sumGpuHours(usages, query.from.getTime(), query.to.getTime());
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    by: query.by,
    rows,
    totalGpuHours: round3(rows.reduce((sum, row) => sum + row.gpuHours, 0)),
  };
}

/** A CSV cell: quoted when needed, and never read as a formula by a spreadsheet. */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The view as CSV: `project|group,gpu_hours,runs,from,to`, one row per key. */
export function gpuHoursCsv(view: GpuHoursView): string {
  const lines = [[view.by, "gpu_hours", "runs", "from", "to"].join(",")];
  for (const row of view.rows)
    lines.push([csvCell(row.key), row.gpuHours.toFixed(3), String(row.runs), view.from, view.to].join(","));
  return `${lines.join("\r\n")}\r\n`;
}
