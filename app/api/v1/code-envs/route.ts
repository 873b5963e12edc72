import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createCodeEnv } from "@/lib/code-envs/mutations";
import { listCodeEnvs } from "@/lib/code-envs/queries";

export const GET = apiRoute({ permission: "images.read" }, () => NextResponse.json(listCodeEnvs()));

export const POST = apiRoute({ permission: "images.manage" }, async ({ actor, request }) =>
  respondWithMutation(createCodeEnv, await readJsonBody(request), actor, 201),
);
