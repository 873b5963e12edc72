import { NextResponse } from "next/server";

import { apiRoute, jsonError } from "@/lib/api/handler";
import { policyDriftReport } from "@/lib/namespace-policies/cluster-view";
import { findPolicy } from "@/lib/namespace-policies/queries";

/** `?cluster=<name>`: drift between the templates and each matching namespace of that cluster. */
export const GET = apiRoute({ permission: "policies.read" }, async ({ params, request }) => {
  const policy = findPolicy(params.policy);
  if (!policy) return jsonError(404, `Namespace policy "${params.policy}" not found`);
  const cluster = request.nextUrl.searchParams.get("cluster")?.trim();
  if (!cluster) return jsonError(400, "Name the cluster: ?cluster=<name>", { cluster: ["Choose a cluster"] });
  return NextResponse.json(await policyDriftReport(policy, cluster));
});
