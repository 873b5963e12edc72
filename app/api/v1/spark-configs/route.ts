import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { can } from "@/lib/permissions";
import { createSparkConfig } from "@/lib/spark-configs/mutations";
import { listSparkConfigs } from "@/lib/spark-configs/queries";

/** Those who manage configs see every config; others the ones their groups may use. */
export const GET = apiRoute({ permission: "configs.read" }, ({ actor }) =>
  NextResponse.json(listSparkConfigs(actor, can(actor, "configs.manage"))),
);

export const POST = apiRoute({ permission: "configs.manage" }, async ({ actor, request }) =>
  respondWithMutation(createSparkConfig, await readJsonBody(request), actor, 201),
);
