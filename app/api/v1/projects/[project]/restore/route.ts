import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { restoreProject } from "@/lib/projects/mutations";

export const POST = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(restoreProject, { ...(await readJsonBody(request)), project: params.project }, actor),
);
