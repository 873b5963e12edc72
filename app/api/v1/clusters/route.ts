import { NextResponse } from "next/server";
import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createCluster } from "@/lib/clusters/mutations";
import { listClusters } from "@/lib/clusters/queries";

export const GET = apiRoute({ permission: "clusters.read" }, () => NextResponse.json(listClusters()));

export const POST = apiRoute({ permission: "clusters.create" }, async ({ actor, request }) =>
  respondWithMutation(createCluster, await readJsonBody(request), actor, 201),
);
