import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createGroup } from "@/lib/groups/mutations";
import { listGroups } from "@/lib/groups/queries";

export const GET = apiRoute({ permission: "groups.read" }, () => NextResponse.json(listGroups()));

export const POST = apiRoute({ permission: "groups.manage" }, async ({ actor, request }) =>
  respondWithMutation(createGroup, await readJsonBody(request), actor, 201),
);
