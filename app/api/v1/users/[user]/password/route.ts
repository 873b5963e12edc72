import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { resetPassword } from "@/lib/users/mutations";

export const PUT = apiRoute({ permission: "users.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(resetPassword, { ...(await readJsonBody(request)), user: params.user }, actor),
);
