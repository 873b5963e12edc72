import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { markBuildCurrent } from "@/lib/images/mutations";

/** Marks a pushed build `{ build }` as the base image's current revision. */
export const PUT = apiRoute({ permission: "images.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(markBuildCurrent, { ...(await readJsonBody(request)), baseImage: params.baseImage }, actor),
);
