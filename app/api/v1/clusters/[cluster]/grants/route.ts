import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { setClusterGrants } from "@/lib/clusters/mutations";
import { readableClusterGrants } from "@/lib/clusters/reads";

export const GET = apiRoute({ permission: "clusters.read" }, ({ actor, params }) =>
  NextResponse.json(readableClusterGrants(actor, params.cluster)),
);

export const PUT = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(setClusterGrants, { ...(await readJsonBody(request)), cluster: params.cluster }, actor),
);
