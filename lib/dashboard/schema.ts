import { z } from "zod";

/** `?cluster=` of the dashboard routes: a cluster's id or name. */
export const dashboardQuerySchema = z.object({
  cluster: z.string().trim().min(1, "Name a cluster (its id or name)").optional(),
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
  .refine((query) => !query.from || !query.to || Date.parse(query.from) < Date.parse(query.to), { message: "from must be before to", path: ["from"] });

export type GpuHoursQuery = z.infer<typeof gpuHoursQuerySchema>;
