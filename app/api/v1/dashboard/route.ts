import { NextResponse } from "next/server";

import { DomainError } from "@/lib/actions/result";
import { apiRoute, searchParamsObject } from "@/lib/api/handler";
import { dashboardQuerySchema } from "@/lib/dashboard/schema";
import { dashboardSnapshotText } from "@/lib/dashboard/service";
import { fieldErrorsFrom } from "@/lib/validation";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Running pods, GPU allocation and quota use of every cluster the caller may read (`?cluster=` for one, `?quotas=all` for every quota). */
export const GET = apiRoute({ permission: "clusters.read" }, async ({ actor, request }) => {
  const query = dashboardQuerySchema.safeParse(searchParamsObject(request));
  if (!query.success) throw new DomainError(400, "The query is not valid", fieldErrorsFrom(query.error));
  return new NextResponse(await dashboardSnapshotText(actor, query.data), {
    headers: { "Content-Type": "application/json" },
  });
});
