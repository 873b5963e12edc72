import { NextResponse } from "next/server";

import { apiRoute, jsonError, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { deleteSparkConfig, updateSparkConfig } from "@/lib/spark-configs/mutations";
import { findVisibleSparkConfig, toSparkConfigView } from "@/lib/spark-configs/queries";

export const GET = apiRoute({ permission: "configs.read" }, ({ actor, params }) => {
  const row = findVisibleSparkConfig(actor, params.config);
  return row
    ? NextResponse.json(toSparkConfigView(row, actor))
    : jsonError(404, `Spark config "${params.config}" not found`);
});

export const PATCH = apiRoute({ permission: "configs.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(updateSparkConfig, { ...(await readJsonBody(request)), config: params.config }, actor),
);

export const DELETE = apiRoute({ permission: "configs.manage" }, ({ actor, params }) =>
  respondWithMutation(deleteSparkConfig, { config: params.config }, actor),
);
