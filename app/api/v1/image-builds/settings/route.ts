import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { buildSettingsView } from "@/lib/images/builds";
import { updateBuildSettings } from "@/lib/images/mutations";

export const GET = apiRoute({ permission: "images.read" }, () => NextResponse.json(buildSettingsView()));

export const PUT = apiRoute({ permission: "settings.manage" }, async ({ actor, request }) =>
  respondWithMutation(updateBuildSettings, await readJsonBody(request), actor),
);
