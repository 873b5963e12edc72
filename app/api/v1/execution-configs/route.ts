import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createExecutionConfig } from "@/lib/execution-configs/mutations";
import { listExecutionConfigs } from "@/lib/execution-configs/queries";
import { can } from "@/lib/permissions";

export const GET = apiRoute({ permission: "configs.read" }, ({ actor }) =>
  NextResponse.json(listExecutionConfigs(actor, can(actor, "configs.manage"))),
);

export const POST = apiRoute({ permission: "configs.manage" }, async ({ actor, request }) =>
  respondWithMutation(createExecutionConfig, await readJsonBody(request), actor, 201),
);
