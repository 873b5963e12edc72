import { NextResponse } from "next/server";

import { executeMutation } from "@/lib/actions/mutation";
import { apiRoute, jsonError, readJsonBody } from "@/lib/api/handler";
import { buildCodeEnv } from "@/lib/code-envs/mutations";
import { codeEnvOr404 } from "@/lib/code-envs/queries";
import { ensureBuildRunner } from "@/lib/images/build-runner";
import { listBuilds, toBuildView } from "@/lib/images/builds";

/** Every build of the code env, newest first. */
export const GET = apiRoute({ permission: "images.read" }, ({ params }) => {
  const row = codeEnvOr404(params.codeEnv);
  return NextResponse.json(listBuilds({ kind: "code-env", codeEnvId: row.id }).map((build) => toBuildView(build)));
});

/**
 * Builds what is missing or stale: 201 with the queued builds, or 200 with [] when nothing needs
 * building (the reason in the X-Berth-Message header). A body `{ dockerHost }` builds on that Docker host.
 */
export const POST = apiRoute({ permission: "images.manage" }, async ({ actor, params, request }) => {
  const body = request.headers.get("content-type")?.includes("json") && request.body ? await readJsonBody(request) : {};
  const result = await executeMutation(buildCodeEnv, { ...body, codeEnv: params.codeEnv }, actor, "api");
  if (!result.ok) return jsonError(result.status, result.error, result.fieldErrors, result.details);
  const { queued, message } = result.data;
  if (queued.length) ensureBuildRunner();
  return NextResponse.json(queued, {
    status: queued.length ? 201 : 200,
    headers: message ? { "X-Berth-Message": message } : undefined,
  });
});
