import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/handler";
import { visibleExecutionConfig } from "@/lib/execution-configs/access";
import { testExecutionConfig } from "@/lib/execution-configs/cluster-actions";

export const POST = apiRoute({ permission: "configs.manage" }, async ({ actor, params }) =>
  NextResponse.json(await testExecutionConfig(visibleExecutionConfig(params.config, actor), actor, "api")),
);
