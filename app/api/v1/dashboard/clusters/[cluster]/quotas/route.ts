import { NextResponse } from "next/server";

import { DomainError } from "@/lib/actions/result";
import { apiRoute, searchParamsObject } from "@/lib/api/handler";
import { dashboardQuotasQuerySchema } from "@/lib/dashboard/schema";
import { dashboardQuotas } from "@/lib/dashboard/service";
import { fieldErrorsFrom } from "@/lib/validation";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A cluster's ResourceQuotas, most pressed first, a page at a time: the ones past its dashboard section's. */
export const GET = apiRoute({ permission: "clusters.read" }, async ({ actor, params, request }) => {
  const query = dashboardQuotasQuerySchema.safeParse(searchParamsObject(request));
  if (!query.success) throw new DomainError(400, "The query is not valid", fieldErrorsFrom(query.error));
  return NextResponse.json(await dashboardQuotas(actor, params.cluster, query.data));
});
