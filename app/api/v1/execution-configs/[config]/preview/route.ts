import { NextResponse } from "next/server";

import { apiRoute, readJsonBody } from "@/lib/api/handler";
import { visibleExecutionConfig } from "@/lib/execution-configs/access";
import { previewExecutionConfig } from "@/lib/execution-configs/preview";
import type { ExecutionConfigRow } from "@/lib/execution-configs/queries";
import type { Actor } from "@/lib/permissions";
import { previewDockerExecutionConfig } from "@/lib/runs/docker-preview";

/** A kubernetes config previews its Pod; a docker config its container create body. */
const preview = (actor: Actor, row: ExecutionConfigRow, body: unknown) =>
  row.engine === "docker" ? previewDockerExecutionConfig(actor, row, body) : previewExecutionConfig(actor, row, body);

/** The pod of the sample run: the caller, project "sample", activity python-recipe; `?codeEnv=NAME` runs that env's image. */
export const GET = apiRoute({ permission: "configs.read" }, ({ actor, params, request }) => {
  const codeEnv = request.nextUrl.searchParams.get("codeEnv");
  return NextResponse.json(preview(actor, visibleExecutionConfig(params.config, actor), codeEnv ? { codeEnv } : {}));
});

/** The pod of a run described in the body (project, group, activity, command, env, image or codeEnv). */
export const POST = apiRoute({ permission: "configs.read" }, async ({ actor, params, request }) =>
  NextResponse.json(preview(actor, visibleExecutionConfig(params.config, actor), await readJsonBody(request))),
);
