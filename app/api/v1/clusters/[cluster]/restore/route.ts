import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { restoreCluster } from "@/lib/clusters/mutations";

export const POST = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(restoreCluster, { ...(await readJsonBody(request)), cluster: params.cluster }, actor),
);
