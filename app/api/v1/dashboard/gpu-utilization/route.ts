import { NextResponse } from "next/server";

import { DomainError } from "@/lib/actions/result";
import { apiRoute, searchParamsObject } from "@/lib/api/handler";
import { utilizationQuerySchema } from "@/lib/dashboard/schema";
import { gpuUtilization } from "@/lib/dashboard/service";
import { fieldErrorsFrom } from "@/lib/validation";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GPU utilization of one cluster from its Prometheus (`status`: unconfigured, unavailable or ok). */
export const GET = apiRoute({ permission: "clusters.read" }, async ({ actor, request }) => {
  const query = utilizationQuerySchema.safeParse(searchParamsObject(request));
  if (!query.success) throw new DomainError(400, "The query is not valid", fieldErrorsFrom(query.error));
  return NextResponse.json(await gpuUtilization(actor, query.data.cluster));
});
