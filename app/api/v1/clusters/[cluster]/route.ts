import { NextResponse } from "next/server";

import { apiRoute, jsonError, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { deleteCluster, updateCluster } from "@/lib/clusters/mutations";
import { readableClusterDetail } from "@/lib/clusters/reads";

export const GET = apiRoute({ permission: "clusters.read" }, async ({ actor, params }) => {
  const cluster = await readableClusterDetail(actor, params.cluster);
  return cluster ? NextResponse.json(cluster) : jsonError(404, `Cluster "${params.cluster}" not found`);
});

// Operate and manage are granted per cluster: the mutation checks them on this cluster.
export const PATCH = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(updateCluster, { ...(await readJsonBody(request)), cluster: params.cluster }, actor),
);

export const DELETE = apiRoute({}, ({ actor, params }) =>
  respondWithMutation(deleteCluster, { cluster: params.cluster }, actor),
);
