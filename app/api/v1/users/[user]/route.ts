import { NextResponse } from "next/server";

import { apiRoute, jsonError, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { updateUser } from "@/lib/users/mutations";
import { getUserView } from "@/lib/users/queries";

export const GET = apiRoute({ permission: "users.read" }, ({ params }) => {
  const user = getUserView(params.user);
  return user ? NextResponse.json(user) : jsonError(404, `User "${params.user}" not found`);
});

export const PATCH = apiRoute({ permission: "users.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(updateUser, { ...(await readJsonBody(request)), user: params.user }, actor),
);
