import { NextResponse } from "next/server";

import { apiRoute, jsonError, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { deletePolicy, updatePolicy } from "@/lib/namespace-policies/mutations";
import { getPolicyView } from "@/lib/namespace-policies/queries";

export const GET = apiRoute({ permission: "policies.read" }, ({ params }) => {
  const policy = getPolicyView(params.policy);
  return policy ? NextResponse.json(policy) : jsonError(404, `Namespace policy "${params.policy}" not found`);
});

export const PATCH = apiRoute({ permission: "policies.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(updatePolicy, { ...(await readJsonBody(request)), policy: params.policy }, actor),
);

export const DELETE = apiRoute({ permission: "policies.manage" }, ({ actor, params }) =>
  respondWithMutation(deletePolicy, { policy: params.policy }, actor),
);
