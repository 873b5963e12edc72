import { NextResponse } from "next/server";
import { apiRoute, jsonError, readJsonBody } from "@/lib/api/handler";
import { importSparkConfig } from "@/lib/spark-configs/mutations";
import { importSparkConfigSchema } from "@/lib/spark-configs/schema";
import { fieldErrorsFrom } from "@/lib/validation";

/** `{ yaml }`: creates the config of the document, or saves it as the next version of the one of that name. */
export const POST = apiRoute({ permission: "configs.manage" }, async ({ actor, request }) => {
  const body = importSparkConfigSchema.safeParse(await readJsonBody(request));
  if (!body.success) return jsonError(400, "Some fields are not valid", fieldErrorsFrom(body.error));
  const result = await importSparkConfig(body.data.yaml, actor, "api");
  return result.ok ? NextResponse.json(result.data) : jsonError(result.status, result.error, result.fieldErrors, result.details);
});
