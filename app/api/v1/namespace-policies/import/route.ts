import { NextResponse } from "next/server";
import { apiRoute, jsonError, readJsonBody } from "@/lib/api/handler";
import { importPolicy } from "@/lib/namespace-policies/mutations";
import { importPolicySchema } from "@/lib/namespace-policies/schema";
import { fieldErrorsFrom } from "@/lib/validation";

/** `{ yaml }`: creates the policy of the document, or saves it as the next version of the one of that name. */
export const POST = apiRoute({ permission: "policies.manage" }, async ({ actor, request }) => {
  const body = importPolicySchema.safeParse(await readJsonBody(request));
  if (!body.success) return jsonError(400, "Some fields are not valid", fieldErrorsFrom(body.error));
  const result = await importPolicy(body.data.yaml, actor, "api");
  return result.ok ? NextResponse.json(result.data) : jsonError(result.status, result.error, result.fieldErrors, result.details);
});
