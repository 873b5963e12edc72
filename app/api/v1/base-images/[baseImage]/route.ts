import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { requireBaseImageRef } from "@/lib/images/access";
import { deleteBaseImage, updateBaseImage } from "@/lib/images/mutations";
import { toBaseImageView } from "@/lib/images/queries";

export const GET = apiRoute({ permission: "images.read" }, ({ params }) =>
  NextResponse.json(toBaseImageView(requireBaseImageRef(params.baseImage))),
);

export const PATCH = apiRoute({ permission: "images.manage" }, async ({ actor, params, request }) =>
  respondWithMutation(updateBaseImage, { ...(await readJsonBody(request)), baseImage: params.baseImage }, actor),
);

export const DELETE = apiRoute({ permission: "images.manage" }, ({ actor, params }) =>
  respondWithMutation(deleteBaseImage, { baseImage: params.baseImage }, actor),
);
