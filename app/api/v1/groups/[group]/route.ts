import { NextResponse } from "next/server";

import { apiRoute, jsonError, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { deleteGroup, updateGroup } from "@/lib/groups/mutations";
import { getGroupView } from "@/lib/groups/queries";

export const GET = apiRoute({ permission: "groups.read" }, ({ params }) => {
  const group = getGroupView(params.group);
  return group ? NextResponse.json(group) : jsonError(404, `Group "${params.group}" not found`);
});

export const PATCH = apiRoute({ permission: "groups.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(updateGroup, { ...(await readJsonBody(request)), group: params.group }, actor),
);

export const DELETE = apiRoute({ permission: "groups.manage" }, ({ actor, params }) =>
  respondWithMutation(deleteGroup, { group: params.group }, actor),
);
