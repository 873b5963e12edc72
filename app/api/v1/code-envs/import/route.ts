import { NextResponse } from "next/server";
import { apiRoute, jsonError, readJsonBody } from "@/lib/api/handler";
import { importCodeEnv } from "@/lib/code-envs/mutations";
import { importCodeEnvSchema } from "@/lib/code-envs/schema";
import { fieldErrorsFrom } from "@/lib/validation";

export const POST = apiRoute({ permission: "images.manage" }, async ({ actor, request }) => {
  const parsed = importCodeEnvSchema.safeParse(await readJsonBody(request));
  if (!parsed.success) return jsonError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  const result = await importCodeEnv(parsed.data.yaml, actor, "api");
  return result.ok ? NextResponse.json(result.data) : jsonError(result.status, result.error, result.fieldErrors, result.details);
});
