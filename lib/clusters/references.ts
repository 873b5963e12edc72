import "server-only";

import { eq } from "drizzle-orm";

import type { Tx } from "@/db";
import { executionConfigs, projectOverrides, projects, settings, sparkConfigs, type Cluster } from "@/db/schema";

/**
 * Everything that names this cluster, in words ("execution config gpu-small"): a cluster in use
 * may not be deleted. Settings count when they name a cluster (defaultCluster…) and hold its id.
 */
export function clusterReferences(cluster: Cluster, tx: Tx): string[] {
  const references = [
    ...tx
      .select({ name: executionConfigs.name })
      .from(executionConfigs)
      .where(eq(executionConfigs.clusterId, cluster.id))
      .all()
      .map((row) => `execution config ${row.name}`),
    ...tx
      .select({ name: sparkConfigs.name })
      .from(sparkConfigs)
      .where(eq(sparkConfigs.clusterId, cluster.id))
      .all()
      .map((row) => `spark config ${row.name}`),
    ...tx
      .select({ key: projects.key })
      .from(projects)
      .where(eq(projects.clusterId, cluster.id))
      .all()
      .map((row) => `project ${row.key}`),
    ...tx
      .select({ key: projects.key, objectId: projectOverrides.objectId })
      .from(projectOverrides)
      .innerJoin(projects, eq(projects.id, projectOverrides.projectId))
      .where(eq(projectOverrides.clusterId, cluster.id))
      .all()
      .map((row) => `the override of ${row.objectId} in project ${row.key}`),
  ];
  for (const setting of tx.select().from(settings).all()) {
    if (/cluster/i.test(setting.key) && (setting.value === cluster.id || setting.value === String(cluster.id)))
      references.push(`the setting ${setting.key}`);
  }
  return references;
}
