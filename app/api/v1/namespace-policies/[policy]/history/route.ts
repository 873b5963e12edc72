import { NextResponse } from "next/server";
import { apiRoute, jsonError } from "@/lib/api/handler";
import { listAuditEvents } from "@/lib/audit/queries";
import { POLICY_OBJECT_TYPE } from "@/lib/namespace-policies/mutations";
import { findPolicy } from "@/lib/namespace-policies/queries";

/** The policy's saved versions, changes and applies, newest first (its audit rows). */
export const GET = apiRoute({ permission: "policies.read" }, ({ params }) => {
  const row = findPolicy(params.policy);
  if (!row) return jsonError(404, `Namespace policy "${params.policy}" not found`);
  return NextResponse.json(listAuditEvents({ objectType: POLICY_OBJECT_TYPE, objectId: String(row.id), limit: 100 }));
});
