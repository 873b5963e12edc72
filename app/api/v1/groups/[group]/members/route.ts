import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { setGroupMembers } from "@/lib/groups/mutations";

export const PUT = apiRoute({ permission: "groups.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(setGroupMembers, { ...(await readJsonBody(request)), group: params.group }, actor),
);
