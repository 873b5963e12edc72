import { NextResponse } from "next/server";

import { DomainError } from "@/lib/actions/result";
import { apiRoute, searchParamsObject } from "@/lib/api/handler";
import { gpuHours, gpuHoursCsv } from "@/lib/dashboard/gpu-hours";
import { gpuHoursQuerySchema } from "@/lib/dashboard/schema";
import { foreignGpuPods } from "@/lib/dashboard/service";
import { fieldErrorsFrom } from "@/lib/validation";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const DEFAULT_PERIOD_MS = 7 * 24 * 3_600_000;

/** GPU-hours per project or group over `?from=&to=` (default: the last 7 days); `format=csv` downloads a CSV. */
export const GET = apiRoute({ permission: "clusters.read" }, ({ actor, request }) => {
  const query = gpuHoursQuerySchema.safeParse(searchParamsObject(request));
  if (!query.success) throw new DomainError(400, "The query is not valid", fieldErrorsFrom(query.error));
  const to = query.data.to ? new Date(query.data.to) : new Date();
  const from = query.data.from ? new Date(query.data.from) : new Date(to.getTime() - DEFAULT_PERIOD_MS);
  if (from >= to) throw new DomainError(400, "The query is not valid", { from: ["from must be before to"] });
  const view = gpuHours(actor, { from, to, by: query.data.by }, foreignGpuPods);
  if (query.data.format === "json") return NextResponse.json(view);
  const name = `gpu-hours-by-${view.by}-${view.from.slice(0, 10)}-${view.to.slice(0, 10)}.csv`;
  return new Response(gpuHoursCsv(view), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"` },
  });
});
