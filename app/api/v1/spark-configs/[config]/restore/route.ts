import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { restoreSparkConfig } from "@/lib/spark-configs/mutations";

/** `{ auditEventId }`: saves that version again as the newest one. */
export const POST = apiRoute({ permission: "configs.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(restoreSparkConfig, { ...(await readJsonBody(request)), config: params.config }, actor),
);
