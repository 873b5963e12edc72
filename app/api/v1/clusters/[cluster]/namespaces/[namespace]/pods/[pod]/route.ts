import { NextResponse } from "next/server";

import { apiRoute, respondWithMutation } from "@/lib/api/handler";
import { deleteClusterPod } from "@/lib/clusters/mutations";
import { clusterPod } from "@/lib/clusters/reads";

export const GET = apiRoute({ permission: "clusters.read" }, async ({ actor, params }) =>
  NextResponse.json(await clusterPod(actor, params.cluster, params.namespace, params.pod)),
);

export const DELETE = apiRoute({}, ({ actor, params }) =>
  respondWithMutation(
    deleteClusterPod,
    { cluster: params.cluster, namespace: params.namespace, pod: params.pod },
    actor,
  ),
);
