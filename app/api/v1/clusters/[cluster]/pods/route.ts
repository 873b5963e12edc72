import { NextResponse } from "next/server";
import { apiRoute, jsonError } from "@/lib/api/handler";
import { findCluster } from "@/lib/clusters/queries";
import { listClusterPods } from "@/lib/clusters/workloads";

export const GET = apiRoute({ permission: "clusters.read" }, async ({ params, request }) => {
  const cluster = findCluster(params.cluster);
  if (!cluster) return jsonError(404, `Cluster "${params.cluster}" not found`);
  const namespace = request.nextUrl.searchParams.get("namespace") || undefined;
  return NextResponse.json(await listClusterPods(cluster, namespace));
});
