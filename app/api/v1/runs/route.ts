import { NextResponse } from "next/server";

import { executeMutation } from "@/lib/actions/mutation";
import { apiRoute, jsonError, readJsonBody, searchParamsObject } from "@/lib/api/handler";
import { listRunsFor } from "@/lib/runs/queries";
import { listRunsQuerySchema } from "@/lib/runs/schema";
import { submitRun } from "@/lib/runs/submit";
import { fieldErrorsFrom } from "@/lib/validation";

/** The runs the caller may see, newest first, with filters (status, project, user, activity, cluster, limit). */
export const GET = apiRoute({}, ({ actor, request }) => {
  const parsed = listRunsQuerySchema.safeParse(searchParamsObject(request));
  if (!parsed.success) return jsonError(422, "Some filters are not valid", fieldErrorsFrom(parsed.error));
  return NextResponse.json(listRunsFor(actor, parsed.data));
});

/** Submits a run: 201 with the run (pending, queued over quota, or failed with the cluster's reason). */
export const POST = apiRoute({}, async ({ actor, request }) => {
  const result = await executeMutation(submitRun, await readJsonBody(request), actor, "api");
  if (result.ok) return NextResponse.json(result.data, { status: 201 });
  // The runs contract answers invalid fields with 422 (the mutation wrapper's schema refusal is a 400).
  const status = result.status === 400 && result.fieldErrors ? 422 : result.status;
  return jsonError(status, result.error, result.fieldErrors, result.details);
});
