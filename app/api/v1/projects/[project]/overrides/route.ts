import { NextResponse } from "next/server";

import { apiRoute, jsonError } from "@/lib/api/handler";
import { findVisibleProject, listOverrides } from "@/lib/projects/queries";

export const GET = apiRoute({}, ({ actor, params }) => {
  const project = findVisibleProject(actor, params.project);
  return project
    ? NextResponse.json(listOverrides(project.id))
    : jsonError(404, `Project "${params.project}" not found`);
});
