import { apiRoute, jsonError } from "@/lib/api/handler";
import { sparkConfigYaml } from "@/lib/spark-configs/preview";
import { findVisibleSparkConfig } from "@/lib/spark-configs/queries";

export const GET = apiRoute({ permission: "configs.read" }, ({ actor, params }) => {
  const row = findVisibleSparkConfig(actor, params.config);
  if (!row) return jsonError(404, `Spark config "${params.config}" not found`);
  return new Response(sparkConfigYaml(row), {
    headers: { "Content-Type": "application/yaml; charset=utf-8", "Content-Disposition": `attachment; filename="spark-config-${row.name}.yaml"` },
  });
});
