import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { restoreCodeEnv } from "@/lib/code-envs/mutations";

export const POST = apiRoute({ permission: "images.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(restoreCodeEnv, { ...(await readJsonBody(request)), codeEnv: params.codeEnv }, actor),
);
