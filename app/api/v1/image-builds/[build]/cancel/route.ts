import { apiRoute, respondWithMutation } from "@/lib/api/handler";
import { cancelImageBuild } from "@/lib/images/mutations";

export const POST = apiRoute({ permission: "images.manage" }, ({ actor, params }) =>
  respondWithMutation(cancelImageBuild, { build: params.build }, actor),
);
