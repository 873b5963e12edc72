import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { clearRegistryCredentials, setRegistryCredentials } from "@/lib/images/mutations";

/** Sets the registry credentials `{ username, password }` or `{ dockerConfigJson }`; the answer never contains them. */
export const PUT = apiRoute({ permission: "images.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(setRegistryCredentials, { ...(await readJsonBody(request)), baseImage: params.baseImage }, actor),
);

export const DELETE = apiRoute({ permission: "images.manage" }, ({ actor, params }) =>
  respondWithMutation(clearRegistryCredentials, { baseImage: params.baseImage }, actor),
);
