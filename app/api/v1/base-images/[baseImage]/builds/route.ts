import { NextResponse } from "next/server";
import { apiRoute, respondWithMutation } from "@/lib/api/handler";
import { requireBaseImageRef } from "@/lib/images/access";
import { buildBaseImage } from "@/lib/images/mutations";
import { baseImageRevisions } from "@/lib/images/queries";

/** The base image's builds (revisions), newest first. */
export const GET = apiRoute({ permission: "images.read" }, ({ params }) => NextResponse.json(baseImageRevisions(requireBaseImageRef(params.baseImage))));

export const POST = apiRoute({ permission: "images.manage" }, ({ actor, params }) => respondWithMutation(buildBaseImage, { baseImage: params.baseImage }, actor, 201));
