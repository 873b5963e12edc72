import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/handler";
import { listAuditEvents } from "@/lib/audit/queries";
import { visibleExecutionConfig } from "@/lib/execution-configs/access";
import { EXECUTION_CONFIG_OBJECT_TYPE } from "@/lib/execution-configs/queries";

export const GET = apiRoute({ permission: "configs.read" }, ({ actor, params }) => {
  const row = visibleExecutionConfig(params.config, actor);
  return NextResponse.json(listAuditEvents({ objectType: EXECUTION_CONFIG_OBJECT_TYPE, objectId: String(row.id), limit: 200 }));
});
