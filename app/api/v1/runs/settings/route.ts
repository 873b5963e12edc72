import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { runSettings, updateRunSettings } from "@/lib/runs/retention";

// Anyone signed in may read them: run pages say how long a finished run's pods stay.
export const GET = apiRoute({}, () => NextResponse.json(runSettings()));

export const PUT = apiRoute({ permission: "settings.manage" }, async ({ actor, request }) =>
  respondWithMutation(updateRunSettings, await readJsonBody(request), actor),
);
