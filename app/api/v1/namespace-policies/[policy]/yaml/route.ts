import { apiRoute, jsonError } from "@/lib/api/handler";
import { policyYaml } from "@/lib/namespace-policies/cluster-view";
import { findPolicy } from "@/lib/namespace-policies/queries";

export const GET = apiRoute({ permission: "policies.read" }, ({ params }) => {
  const row = findPolicy(params.policy);
  if (!row) return jsonError(404, `Namespace policy "${params.policy}" not found`);
  return new Response(policyYaml(row), {
    headers: { "Content-Type": "application/yaml; charset=utf-8", "Content-Disposition": `attachment; filename="namespace-policy-${row.name}.yaml"` },
  });
});
