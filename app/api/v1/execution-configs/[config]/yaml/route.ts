import { apiRoute } from "@/lib/api/handler";
import { visibleExecutionConfig } from "@/lib/execution-configs/access";
import { executionConfigYaml } from "@/lib/execution-configs/queries";

export const GET = apiRoute({ permission: "configs.read" }, ({ actor, params }) => {
  const row = visibleExecutionConfig(params.config, actor);
  return new Response(executionConfigYaml(row), {
    headers: { "Content-Type": "application/yaml; charset=utf-8", "Content-Disposition": `attachment; filename="${row.name}.yaml"` },
  });
});
