import { NextResponse } from "next/server";

import { executeMutation } from "@/lib/actions/mutation";
import { apiRoute, jsonError } from "@/lib/api/handler";
import { rebuildStaleCodeEnvs } from "@/lib/code-envs/mutations";
import { ensureBuildRunner } from "@/lib/images/build-runner";

/** Queues builds for every code env image that is missing or stale: 201 with them (each with its code env), or 200 []. */
export const POST = apiRoute({ permission: "images.manage" }, async ({ actor }) => {
  const result = await executeMutation(rebuildStaleCodeEnvs, {}, actor, "api");
  if (!result.ok) return jsonError(result.status, result.error, result.fieldErrors, result.details);
  const queued = result.data.flatMap((outcome) =>
    outcome.queued.map((build) => ({ codeEnv: outcome.codeEnv, ...build })),
  );
  if (queued.length) ensureBuildRunner();
  return NextResponse.json(queued, { status: queued.length ? 201 : 200 });
});
