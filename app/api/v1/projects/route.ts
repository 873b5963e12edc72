import { NextResponse } from "next/server";

import { apiRoute, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { createProject } from "@/lib/projects/mutations";
import { listProjectsFor } from "@/lib/projects/queries";

/** The projects the caller may see (all of them for admins). */
export const GET = apiRoute({}, ({ actor }) => NextResponse.json(listProjectsFor(actor)));

export const POST = apiRoute({ permission: "projects.create" }, async ({ actor, request }) =>
  respondWithMutation(createProject, await readJsonBody(request), actor, 201),
);
