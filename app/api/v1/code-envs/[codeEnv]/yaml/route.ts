import { apiRoute } from "@/lib/api/handler";
import { codeEnvOr404, codeEnvYaml } from "@/lib/code-envs/queries";

export const GET = apiRoute({ permission: "images.read" }, ({ params }) => {
  const row = codeEnvOr404(params.codeEnv);
  return new Response(codeEnvYaml(row), {
    headers: { "Content-Type": "application/yaml; charset=utf-8", "Content-Disposition": `attachment; filename="${row.name}.yaml"` },
  });
});
