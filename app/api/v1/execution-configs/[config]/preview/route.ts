import { NextResponse } from "next/server";
import { apiRoute, jsonError, readJsonBody } from "@/lib/api/handler";
import { visibleExecutionConfig } from "@/lib/execution-configs/access";
import { podFor, sampleRun } from "@/lib/execution-configs/cluster-actions";
import { executionPreviewRunSchema } from "@/lib/execution-configs/schema";
import type { Actor } from "@/lib/permissions";
import { fieldErrorsFrom } from "@/lib/validation";

function preview(actor: Actor, ref: string, body: unknown) {
  const parsed = executionPreviewRunSchema.safeParse(body);
  if (!parsed.success) return jsonError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  const row = visibleExecutionConfig(ref, actor);
  const base = sampleRun(actor, row);
  return NextResponse.json({ pod: podFor(row, { ...base, ...parsed.data, group: parsed.data.group ?? base.group }) });
}

/** The pod of the sample run: the caller, project "sample", activity python-recipe. */
export const GET = apiRoute({ permission: "configs.read" }, ({ actor, params }) => preview(actor, params.config, {}));

/** The pod of a run described in the body (project, group, activity, command, env, image). */
export const POST = apiRoute({ permission: "configs.read" }, async ({ actor, params, request }) =>
  preview(actor, params.config, await readJsonBody(request)),
);
