import { NextResponse } from "next/server";
import { apiRoute, jsonError, readJsonBody } from "@/lib/api/handler";
import { importExecutionConfig } from "@/lib/execution-configs/mutations";
import { importExecutionConfigSchema } from "@/lib/execution-configs/schema";
import { fieldErrorsFrom } from "@/lib/validation";

export const POST = apiRoute({ permission: "configs.manage" }, async ({ actor, request }) => {
  const parsed = importExecutionConfigSchema.safeParse(await readJsonBody(request));
  if (!parsed.success) return jsonError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  const result = await importExecutionConfig(parsed.data.yaml, actor, "api");
  return result.ok ? NextResponse.json(result.data) : jsonError(result.status, result.error, result.fieldErrors, result.details);
});
