import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { restoreBaseImage } from "@/lib/images/mutations";

export const POST = apiRoute({ permission: "images.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(restoreBaseImage, { ...(await readJsonBody(request)), baseImage: params.baseImage }, actor),
);
