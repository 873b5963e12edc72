import { apiRoute } from "@/lib/api/handler";
import { requireBaseImageRef } from "@/lib/images/access";
import { baseImageYaml } from "@/lib/images/queries";

export const GET = apiRoute({ permission: "images.read" }, ({ params }) => {
  const row = requireBaseImageRef(params.baseImage);
  return new Response(baseImageYaml(row), {
    headers: { "Content-Type": "application/yaml; charset=utf-8", "Content-Disposition": `attachment; filename="${row.name}.yaml"` },
  });
});
