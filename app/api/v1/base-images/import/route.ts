import { NextResponse } from "next/server";
import { apiRoute, jsonError, readJsonBody } from "@/lib/api/handler";
import { importExecutionConfigSchema } from "@/lib/execution-configs/schema";
import { importBaseImage } from "@/lib/images/mutations";
import { fieldErrorsFrom } from "@/lib/validation";

export const POST = apiRoute({ permission: "images.manage" }, async ({ actor, request }) => {
  // The same `{ yaml }` body as every other import.
  const parsed = importExecutionConfigSchema.safeParse(await readJsonBody(request));
  if (!parsed.success) return jsonError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  const result = await importBaseImage(parsed.data.yaml, actor, "api");
  return result.ok ? NextResponse.json(result.data) : jsonError(result.status, result.error, result.fieldErrors, result.details);
});
