import { NextResponse } from "next/server";

import { apiRoute, jsonError, searchParamsObject } from "@/lib/api/handler";
import { listAuditEvents } from "@/lib/audit/queries";
import { auditQuerySchema } from "@/lib/audit/schema";
import { fieldErrorsFrom } from "@/lib/validation";

export const GET = apiRoute({ permission: "audit.read" }, ({ request }) => {
  const query = auditQuerySchema.safeParse(searchParamsObject(request));
  if (!query.success) return jsonError(400, "Some filters are not valid", fieldErrorsFrom(query.error));
  return NextResponse.json(listAuditEvents(query.data));
});
