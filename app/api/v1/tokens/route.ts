import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createToken } from "@/lib/tokens/mutations";
import { listTokens } from "@/lib/tokens/queries";

export const GET = apiRoute({ permission: "tokens.own" }, ({ actor }) => NextResponse.json(listTokens(actor.id)));

export const POST = apiRoute({ permission: "tokens.own" }, async ({ actor, request }) =>
  respondWithMutation(createToken, await readJsonBody(request), actor, 201),
);
