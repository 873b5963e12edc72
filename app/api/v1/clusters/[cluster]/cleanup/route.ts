import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { cleanupCluster } from "@/lib/clusters/mutations";

export const POST = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(cleanupCluster, { ...(await readJsonBody(request)), cluster: params.cluster }, actor),
);
