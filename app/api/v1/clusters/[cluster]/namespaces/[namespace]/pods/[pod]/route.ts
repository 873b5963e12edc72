import { NextResponse } from "next/server";
import { apiRoute, jsonError, respondWithMutation } from "@/lib/api/handler";
import { deleteClusterPod } from "@/lib/clusters/mutations";
import { findCluster } from "@/lib/clusters/queries";
import { describeClusterPod } from "@/lib/clusters/workloads";

export const GET = apiRoute({ permission: "clusters.read" }, async ({ params }) => {
  const cluster = findCluster(params.cluster);
  if (!cluster) return jsonError(404, `Cluster "${params.cluster}" not found`);
  return NextResponse.json(await describeClusterPod(cluster, params.namespace, params.pod));
});

export const DELETE = apiRoute({}, ({ actor, params }) =>
  respondWithMutation(deleteClusterPod, { cluster: params.cluster, namespace: params.namespace, pod: params.pod }, actor),
);
