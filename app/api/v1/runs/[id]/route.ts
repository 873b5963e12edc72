import { NextResponse } from "next/server";

import { apiRoute, jsonError } from "@/lib/api/handler";
import { findVisibleRun } from "@/lib/runs/queries";
import { toRunView } from "@/lib/runs/views";

/** One run the caller may see; 404 for runs of projects they cannot read. */
export const GET = apiRoute({}, ({ actor, params }) => {
  const row = findVisibleRun(actor, params.id);
  return row ? NextResponse.json(toRunView(row)) : jsonError(404, `Run ${params.id} not found`);
});
