import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { visibleExecutionConfig } from "@/lib/execution-configs/access";
import { deleteExecutionConfig, updateExecutionConfig } from "@/lib/execution-configs/mutations";
import { toExecutionConfigView } from "@/lib/execution-configs/queries";

export const GET = apiRoute({ permission: "configs.read" }, ({ actor, params }) =>
  NextResponse.json(toExecutionConfigView(visibleExecutionConfig(params.config, actor), actor)),
);

export const PATCH = apiRoute({ permission: "configs.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(updateExecutionConfig, { ...(await readJsonBody(request)), config: params.config }, actor),
);

export const DELETE = apiRoute({ permission: "configs.manage" }, ({ actor, params }) =>
  respondWithMutation(deleteExecutionConfig, { config: params.config }, actor),
);
