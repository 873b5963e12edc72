import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { applyPolicyNow } from "@/lib/namespace-policies/mutations";

/** `{ cluster, namespaces?, create?, dryRun? }` → what changed (or would change) per namespace. */
export const POST = apiRoute({ permission: "policies.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(applyPolicyNow, { ...(await readJsonBody(request)), policy: params.policy }, actor),
);
