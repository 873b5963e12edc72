import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/handler";
import { listAuditEvents } from "@/lib/audit/queries";
import { CODE_ENV_OBJECT_TYPE, codeEnvOr404 } from "@/lib/code-envs/queries";

export const GET = apiRoute({ permission: "images.read" }, ({ params }) => {
  const row = codeEnvOr404(params.codeEnv);
  return NextResponse.json(listAuditEvents({ objectType: CODE_ENV_OBJECT_TYPE, objectId: String(row.id), limit: 200 }));
});
