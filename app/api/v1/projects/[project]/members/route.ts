import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { setProjectMembers } from "@/lib/projects/mutations";

export const PUT = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(setProjectMembers, { ...(await readJsonBody(request)), project: params.project }, actor),
);
