import { NextResponse } from "next/server";

import { apiRoute, jsonError, searchParamsObject } from "@/lib/api/handler";
import { effectiveConfigFor } from "@/lib/projects/effective";
import { findVisibleProject } from "@/lib/projects/queries";
import { effectiveConfigQuerySchema } from "@/lib/projects/schema";
import { fieldErrorsFrom } from "@/lib/validation";

/**
 * What an activity (of one object, with `object`) runs with in this project, for the caller, with
 * the origin of each value. 403 when the caller may not use the config the activity runs with.
 */
export const GET = apiRoute({}, ({ actor, params, request }) => {
  const project = findVisibleProject(actor, params.project);
  if (!project) return jsonError(404, `Project "${params.project}" not found`);
  const query = effectiveConfigQuerySchema.safeParse(searchParamsObject(request));
  if (!query.success) return jsonError(400, "Some query parameters are not valid", fieldErrorsFrom(query.error));
  const result = effectiveConfigFor(actor, project, query.data);
  if (!result.ok) return jsonError(400, result.error, result.fieldErrors);
  return NextResponse.json(result.view, { status: result.refused ? 403 : 200 });
});
