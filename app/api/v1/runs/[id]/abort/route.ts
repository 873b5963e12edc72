import { apiRoute, jsonError, respondWithMutation } from "@/lib/api/handler";
import { abortRun } from "@/lib/runs/abort";
import { findVisibleRun } from "@/lib/runs/queries";

/** Aborts a run (its submitter or a project manager): its pods and Spark objects are deleted, its status becomes aborted. */
export const POST = apiRoute({}, ({ actor, params }) => {
  // Unknown and invisible runs answer alike, before the project permission is looked at.
  if (!findVisibleRun(actor, params.id)) return jsonError(404, `Run ${params.id} not found`);
  return respondWithMutation(abortRun, { id: params.id }, actor);
});
