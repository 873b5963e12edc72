import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { updateSettings } from "@/lib/settings/mutations";
import { getSettingsView } from "@/lib/settings/queries";

export const GET = apiRoute({}, () => NextResponse.json(getSettingsView()));

export const PATCH = apiRoute({ permission: "settings.manage" }, async ({ actor, request }) =>
  respondWithMutation(updateSettings, await readJsonBody(request), actor),
);
