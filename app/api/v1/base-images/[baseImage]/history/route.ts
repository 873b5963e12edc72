import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/handler";
import { listAuditEvents } from "@/lib/audit/queries";
import { requireBaseImageRef } from "@/lib/images/access";
import { BASE_IMAGE_OBJECT_TYPE } from "@/lib/images/queries";

export const GET = apiRoute({ permission: "images.read" }, ({ params }) => {
  const row = requireBaseImageRef(params.baseImage);
  return NextResponse.json(listAuditEvents({ objectType: BASE_IMAGE_OBJECT_TYPE, objectId: String(row.id), limit: 200 }));
});
