import { NextResponse } from "next/server";
import { apiRoute, jsonError } from "@/lib/api/handler";
import { listAuditEvents } from "@/lib/audit/queries";
import { SPARK_CONFIG_OBJECT_TYPE, findVisibleSparkConfig } from "@/lib/spark-configs/queries";

/** The config's saved versions and changes, newest first (its audit rows). */
export const GET = apiRoute({ permission: "configs.read" }, ({ actor, params }) => {
  const row = findVisibleSparkConfig(actor, params.config);
  if (!row) return jsonError(404, `Spark config "${params.config}" not found`);
  return NextResponse.json(listAuditEvents({ objectType: SPARK_CONFIG_OBJECT_TYPE, objectId: String(row.id), limit: 100 }));
});
