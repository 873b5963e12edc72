import { NextResponse } from "next/server";

import { apiRoute } from "@/lib/api/handler";
import { clusterPods } from "@/lib/clusters/reads";

export const GET = apiRoute({ permission: "clusters.read" }, async ({ actor, params, request }) => {
  const namespace = request.nextUrl.searchParams.get("namespace") || undefined;
  return NextResponse.json(await clusterPods(actor, params.cluster, namespace));
});
