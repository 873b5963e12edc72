import { NextResponse } from "next/server";

import { apiRoute, jsonError, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { deleteProject, updateProject } from "@/lib/projects/mutations";
import { findVisibleProject, toProjectView } from "@/lib/projects/queries";

export const GET = apiRoute({}, ({ actor, params }) => {
  const project = findVisibleProject(actor, params.project);
  return project ? NextResponse.json(toProjectView(project)) : jsonError(404, `Project "${params.project}" not found`);
});

/** Settings (null inherits), name, description, owner group, members; `version` = the version read. */
export const PATCH = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(updateProject, { ...(await readJsonBody(request)), project: params.project }, actor),
);

export const DELETE = apiRoute({}, ({ actor, params }) =>
  respondWithMutation(deleteProject, { project: params.project }, actor),
);
