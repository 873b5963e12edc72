import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { restorePolicy } from "@/lib/namespace-policies/mutations";

/** `{ auditEventId }`: saves that version again as the newest one. */
export const POST = apiRoute({ permission: "policies.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(restorePolicy, { ...(await readJsonBody(request)), policy: params.policy }, actor),
);
