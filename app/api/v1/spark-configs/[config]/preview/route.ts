import { NextResponse } from "next/server";

import { apiRoute, jsonError, readJsonBody, searchParamsObject } from "@/lib/api/handler";
import type { Actor } from "@/lib/permissions";
import { sparkPreview } from "@/lib/spark-configs/preview";
import { findVisibleSparkConfig } from "@/lib/spark-configs/queries";
import { previewRunSchema } from "@/lib/spark-configs/schema";
import { fieldErrorsFrom } from "@/lib/validation";

/** The spark-submit argv and the SparkApplication for a sample run (query string or JSON body). */
function preview(actor: Actor, ref: string, sample: Record<string, unknown>) {
  const row = findVisibleSparkConfig(actor, ref);
  if (!row) return jsonError(404, `Spark config "${ref}" not found`);
  const run = previewRunSchema.safeParse(sample);
  if (!run.success) return jsonError(400, "Some fields are not valid", fieldErrorsFrom(run.error));
  return NextResponse.json(sparkPreview(row, run.data));
}

export const GET = apiRoute({ permission: "configs.read" }, ({ actor, params, request }) =>
  preview(actor, params.config, searchParamsObject(request)),
);

export const POST = apiRoute({ permission: "configs.read" }, async ({ actor, params, request }) =>
  preview(actor, params.config, request.headers.get("content-length") === "0" ? {} : await readJsonBody(request)),
);
