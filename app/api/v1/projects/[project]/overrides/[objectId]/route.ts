import { NextResponse } from "next/server";

import { apiRoute, jsonError, readJsonBody, respondWithMutation } from "@/lib/api/handler";
import { deleteOverride, putOverride } from "@/lib/projects/mutations";
import { findOverride, findVisibleProject, toOverrideView } from "@/lib/projects/queries";
import { loadCatalog } from "@/lib/resolution/catalog";

export const GET = apiRoute({}, ({ actor, params }) => {
  const project = findVisibleProject(actor, params.project);
  const row = project && findOverride(project.id, params.objectId);
  return row
    ? NextResponse.json(toOverrideView(row, loadCatalog()))
    : jsonError(404, `Override of "${params.objectId}" in "${params.project}" not found`);
});

/** Replaces the object's override: activity type plus execution config, Spark config, cluster (absent or null inherits). */
export const PUT = apiRoute({}, async ({ actor, params, request }) =>
  respondWithMutation(
    putOverride,
    { ...(await readJsonBody(request)), project: params.project, objectId: params.objectId },
    actor,
  ),
);

export const DELETE = apiRoute({}, ({ actor, params }) =>
  respondWithMutation(deleteOverride, { project: params.project, objectId: params.objectId }, actor),
);
