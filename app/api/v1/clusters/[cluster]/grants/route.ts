import { NextResponse } from "next/server";
import { apiRoute, jsonError, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { clusterGrantsOf, findCluster } from "@/lib/clusters/queries";
import { setClusterGrants } from "@/lib/clusters/mutations";

export const GET = apiRoute({ permission: "clusters.read" }, ({ params }) => {
  const cluster = findCluster(params.cluster);
  return cluster ? NextResponse.json(clusterGrantsOf(cluster.id)) : jsonError(404, `Cluster "${params.cluster}" not found`);
});

export const PUT = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(setClusterGrants, { ...(await readJsonBody(request)), cluster: params.cluster }, actor),
);
