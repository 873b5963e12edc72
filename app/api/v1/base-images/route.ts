import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createBaseImage } from "@/lib/images/mutations";
import { listBaseImages } from "@/lib/images/queries";

export const GET = apiRoute({ permission: "images.read" }, () => NextResponse.json(listBaseImages()));

export const POST = apiRoute({ permission: "images.manage" }, async ({ actor, request }) =>
  respondWithMutation(createBaseImage, await readJsonBody(request), actor, 201),
);
