import { apiRoute, jsonError } from "@/lib/api/handler";
import { findVisibleProject, toProjectView } from "@/lib/projects/queries";
import { projectYaml } from "@/lib/projects/yaml";

export const GET = apiRoute({}, ({ actor, params }) => {
  const project = findVisibleProject(actor, params.project);
  if (!project) return jsonError(404, `Project "${params.project}" not found`);
  return new Response(projectYaml(toProjectView(project)), {
    headers: { "Content-Type": "application/yaml; charset=utf-8", "Content-Disposition": `attachment; filename="project-${project.key}.yaml"` },
  });
});
