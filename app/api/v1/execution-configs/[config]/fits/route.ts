import { NextResponse } from "next/server";

import { apiRoute } from "@/lib/api/handler";
import { visibleExecutionConfig } from "@/lib/execution-configs/access";
import { executionConfigFits } from "@/lib/execution-configs/cluster-actions";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ permission: "configs.read" }, async ({ actor, params }) =>
  NextResponse.json(await executionConfigFits(visibleExecutionConfig(params.config, actor), actor)),
);
