import { z } from "zod";

import { DASHBOARD_QUOTA_LIMIT, QUOTA_PAGE_MAX } from "./quota-page";

/** `?cluster=` of the dashboard routes: a cluster's id or name; `?quotas=all` for every quota of a section. */
export const dashboardQuerySchema = z.object({
  cluster: z.string().trim().min(1, "Name a cluster (its id or name)").optional(),
  quotas: z
    .enum(["all"], { error: "quotas must be all (or left out)" })
    .optional()
    .describe(
      `Left out: each cluster's ${DASHBOARD_QUOTA_LIMIT} most pressed quotas (the rest from /api/v1/dashboard/clusters/{cluster}/quotas); all: every quota`,
    ),
});

/** `GET /api/v1/dashboard/clusters/{cluster}/quotas`: a page of a cluster's quotas, most pressed first. */
export const dashboardQuotasQuerySchema = z.object({
  cursor: z.string().trim().min(1).optional().describe("nextCursor of the previous page; left out for the first"),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(QUOTA_PAGE_MAX, `limit must be at most ${QUOTA_PAGE_MAX}`)
    .default(100),
});

export const utilizationQuerySchema = z.object({
  cluster: z.string().trim().min(1, "Name a cluster (its id or name)"),
});

const isoTime = (field: string) =>
  z
    .string()
    .trim()
    .refine((value) => !Number.isNaN(Date.parse(value)), `${field} must be a date and time, e.g. 2026-11-01T00:00:00Z`);

/** `GET /api/v1/dashboard/gpu-hours`: the period (default: the last 7 days), the grouping, JSON or CSV. */
export const gpuHoursQuerySchema = z
  .object({
    from: isoTime("from").optional(),
    to: isoTime("to").optional(),
    by: z.enum(["project", "group"], { error: "by must be project or group" }).default("project"),
    format: z.enum(["json", "csv"], { error: "format must be json or csv" }).default("json"),
  })
  .refine((query) => !query.from || !query.to || Date.parse(query.from) < Date.parse(query.to), {
    message: "from must be before to",
    path: ["from"],
  });

export type GpuHoursQuery = z.infer<typeof gpuHoursQuerySchema>;

// ---- Response shapes (documented in /api/v1/openapi.json; the integration test parses real answers with them) ----

const podRefShape = {
  namespace: z.string(),
  name: z.string(),
  run: z.string().nullable(),
  project: z.string().nullable(),
  user: z.string().nullable(),
};
const breakdownRowSchema = z.object({
  key: z.string(),
  running: z.number().int(),
  pending: z.number().int(),
  gpus: z.number().int(),
});

export const quotaViewSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  hard: z.record(z.string(), z.string()).describe("As in the ResourceQuota's status.hard"),
  used: z.record(z.string(), z.string()).describe("As in the ResourceQuota's status.used"),
  pressure: z.number().describe("The highest used/hard ratio"),
  pressureResource: z.string().nullable(),
  warning: z.boolean().describe("pressure ≥ 0.9"),
  policy: z.string().nullable().describe("The namespace policy that applied it (label berth.dev/policy)"),
  projects: z.array(z.string()),
  resources: z.array(z.object({ resource: z.string(), hard: z.string(), used: z.string(), ratio: z.number() })),
});

export const clusterDashboardSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  synced: z.boolean(),
  stale: z.boolean(),
  staleSince: z.string().nullable(),
  error: z.string().nullable(),
  prometheus: z.boolean().describe("A Prometheus URL is set (utilization: /api/v1/dashboard/gpu-utilization)"),
  totalPods: z.number().int(),
  runningPods: z.number().int(),
  pendingPods: z.number().int(),
  failedLastHour: z.number().int(),
  pending: z.array(
    z.object({ ...podRefShape, reason: z.string(), since: z.string().nullable(), gpus: z.number().int() }),
  ),
  failed: z.array(z.object({ ...podRefShape, finishedAt: z.string() })),
  breakdown: z.object({
    namespace: z.array(breakdownRowSchema),
    project: z.array(breakdownRowSchema),
    execConfig: z.array(breakdownRowSchema),
    user: z.array(breakdownRowSchema),
    activity: z.array(breakdownRowSchema),
  }),
  gpu: z.object({
    allocatable: z.number().int().describe("Whole nvidia.com/gpu allocatable on the nodes"),
    physical: z
      .number()
      .int()
      .describe(
        "The physical GPUs behind them: a time-sliced node (label nvidia.com/gpu.replicas) advertises each GPU replicas times",
      ),
    requested: z.number().int().describe("Whole nvidia.com/gpu requested by running pods"),
    nodes: z.array(
      z.object({
        node: z.string(),
        allocatable: z.number().int(),
        requested: z.number().int(),
        replicas: z.number().int().optional(),
        pods: z.array(z.object({ ...podRefShape, gpus: z.number().int() })),
      }),
    ),
    projects: z.array(z.object({ project: z.string(), gpus: z.number().int() })),
  }),
  quotas: z
    .array(quotaViewSchema)
    .describe(`The ${DASHBOARD_QUOTA_LIMIT} most pressed quotas (every quota with ?quotas=all)`),
  quotaCount: z.number().int().describe("Every ResourceQuota of the cluster"),
  quotaWarnings: z.number().int().describe("Quotas at 90 % or more of a limit, among all of them"),
  generatedAt: z.string(),
});

const dockerUseRowSchema = z.object({
  key: z.string().describe('A project or user (berth.dev/* labels); "not from Berth" for other containers'),
  containers: z.number().int(),
  nanoCpus: z.number().int().describe("Sum of the CPU limits (NanoCpus: billionths of a CPU)"),
  memoryBytes: z.number().int().describe("Sum of the memory limits"),
  unlimited: z.number().int().describe("Containers without a CPU or memory limit"),
});

export const dockerHostDashboardSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  reachable: z.boolean().describe("The engine answered its last status read"),
  engineVersion: z.string().nullable(),
  cpus: z.number().nullable().describe("The host's CPUs, as the engine reports them"),
  totalMemoryBytes: z.number().nullable().describe("The host's memory, as the engine reports it"),
  synced: z.boolean().describe("The first listing of its running containers has arrived"),
  stale: z.boolean().describe("The engine's events stream is down: the containers are as of staleSince"),
  staleSince: z.string().nullable(),
  error: z.string().nullable(),
  runningContainers: z.number().int(),
  nanoCpus: z.number().int().describe("Sum of the running containers' CPU limits (billionths of a CPU)"),
  memoryBytes: z.number().int().describe("Sum of the running containers' memory limits"),
  byProject: z.array(dockerUseRowSchema),
  byUser: z.array(dockerUseRowSchema),
  containers: z
    .array(
      z.object({
        id: z.string(),
        name: z.string(),
        image: z.string(),
        fromBerth: z.boolean(),
        run: z.string().nullable(),
        project: z.string().nullable(),
        user: z.string().nullable(),
        startedAt: z.string().nullable(),
        nanoCpus: z.number().int(),
        memoryBytes: z.number().int(),
      }),
    )
    .describe("The 50 most recently started running containers"),
  generatedAt: z.string(),
});

export const dashboardSnapshotSchema = z.object({
  clusters: z.array(clusterDashboardSchema),
  dockerHosts: z
    .array(dockerHostDashboardSchema)
    .describe(
      "The Docker hosts the caller may read, with their running containers by project and user and the CPU/memory limits they were created with (empty with ?cluster=)",
    ),
  generatedAt: z.string(),
});

export const dashboardQuotaPageSchema = z.object({
  items: z.array(quotaViewSchema),
  nextCursor: z.string().nullable().describe("Pass as ?cursor= for the next page; null on the last"),
  count: z.number().int().describe("Every ResourceQuota of the cluster"),
});

export const gpuHoursViewSchema = z.object({
  from: z.string(),
  to: z.string(),
  by: z.enum(["project", "group"]),
  rows: z.array(z.object({ key: z.string(), gpuHours: z.number(), runs: z.number().int() })),
  totalGpuHours: z.number(),
});
