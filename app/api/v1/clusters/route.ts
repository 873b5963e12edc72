import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createCluster } from "@/lib/clusters/mutations";
import { listReadableClusters } from "@/lib/clusters/reads";

export const GET = apiRoute({ permission: "clusters.read" }, ({ actor }) =>
  NextResponse.json(listReadableClusters(actor)),
);

export const POST = apiRoute({ permission: "clusters.create" }, async ({ actor, request }) =>
  respondWithMutation(createCluster, await readJsonBody(request), actor, 201),
);
