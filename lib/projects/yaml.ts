import { toYamlDocument } from "@/lib/objects/yaml";

import type { ProjectView } from "./schema";

/** A project as a YAML document: metadata.name is its key, spec.displayName its name; importing it gives the same project. */
export function projectYaml(view: ProjectView): string {
  return toYamlDocument(
    "Project",
    { name: view.key, description: view.description },
    {
      displayName: view.name,
      ownerGroup: view.ownerGroup,
      executionConfig: view.executionConfig,
      visualRecipeExecutionConfig: view.visualRecipeExecutionConfig,
      sparkConfig: view.sparkConfig,
      cluster: view.cluster,
      members: view.members,
    },
  );
}
