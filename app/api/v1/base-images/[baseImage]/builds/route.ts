import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { requireBaseImageRef } from "@/lib/images/access";
import { buildBaseImage } from "@/lib/images/mutations";
import { baseImageRevisions } from "@/lib/images/queries";

/** The base image's builds (revisions), newest first. */
export const GET = apiRoute({ permission: "images.read" }, ({ params }) =>
  NextResponse.json(baseImageRevisions(requireBaseImageRef(params.baseImage))),
);

/** Queues a build; a body `{ dockerHost }` builds on that Docker host, none on the base image's cluster. */
export const POST = apiRoute({ permission: "images.manage" }, async ({ actor, params, request }) => {
  const body = request.headers.get("content-type")?.includes("json") && request.body ? await readJsonBody(request) : {};
  return respondWithMutation(buildBaseImage, { ...body, baseImage: params.baseImage }, actor, 201);
});
