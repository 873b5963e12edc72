import { NextResponse } from "next/server";
import { apiRoute, jsonError } from "@/lib/api/handler";
import { listAuditEvents } from "@/lib/audit/queries";
import { findVisibleProject } from "@/lib/projects/queries";

/** The project's saved versions and changes, newest first (its audit rows). */
export const GET = apiRoute({}, ({ actor, params }) => {
  const project = findVisibleProject(actor, params.project);
  if (!project) return jsonError(404, `Project "${params.project}" not found`);
  return NextResponse.json(listAuditEvents({ objectType: "project", objectId: String(project.id), limit: 100 }));
});
