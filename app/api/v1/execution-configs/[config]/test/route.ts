import { apiRoute, respondWithMutation } from "@/lib/api/handler";
import { runExecutionConfigTest } from "@/lib/execution-configs/cluster-actions";

export const POST = apiRoute({ permission: "configs.manage" }, ({ actor, params }) =>
  respondWithMutation(runExecutionConfigTest, { config: params.config }, actor),
);
