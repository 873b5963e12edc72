import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createUser } from "@/lib/users/mutations";
import { listUsers } from "@/lib/users/queries";

export const GET = apiRoute({ permission: "users.read" }, () => NextResponse.json(listUsers()));

export const POST = apiRoute({ permission: "users.manage" }, async ({ actor, request }) =>
  respondWithMutation(createUser, await readJsonBody(request), actor, 201),
);
