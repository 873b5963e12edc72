import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { restoreExecutionConfig } from "@/lib/execution-configs/mutations";

export const POST = apiRoute({ permission: "configs.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(restoreExecutionConfig, { ...(await readJsonBody(request)), config: params.config }, actor),
);
