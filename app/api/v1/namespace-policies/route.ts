import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createPolicy } from "@/lib/namespace-policies/mutations";
import { listPolicies } from "@/lib/namespace-policies/queries";

export const GET = apiRoute({ permission: "policies.read" }, () => NextResponse.json(listPolicies()));

export const POST = apiRoute({ permission: "policies.manage" }, async ({ actor, request }) =>
  respondWithMutation(createPolicy, await readJsonBody(request), actor, 201),
);
