import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { deleteCodeEnv, updateCodeEnv } from "@/lib/code-envs/mutations";
import { codeEnvOr404, toCodeEnvView } from "@/lib/code-envs/queries";

export const GET = apiRoute({ permission: "images.read" }, ({ params }) =>
  NextResponse.json(toCodeEnvView(codeEnvOr404(params.codeEnv))),
);

export const PATCH = apiRoute({ permission: "images.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(updateCodeEnv, { ...(await readJsonBody(request)), codeEnv: params.codeEnv }, actor),
);

export const DELETE = apiRoute({ permission: "images.manage" }, ({ actor, params }) =>
  respondWithMutation(deleteCodeEnv, { codeEnv: params.codeEnv }, actor),
);
