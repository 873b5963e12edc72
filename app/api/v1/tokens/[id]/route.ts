import { apiRoute, respondWithMutation } from "@/lib/api/handler";
import { revokeToken } from "@/lib/tokens/mutations";

export const DELETE = apiRoute({ permission: "tokens.own" }, ({ actor, params }) =>
  respondWithMutation(revokeToken, { id: params.id }, actor),
);
