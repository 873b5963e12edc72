import "server-only";

import { asc } from "drizzle-orm";

import { getDb } from "@/db";
import { clusters } from "@/db/schema";
import { clusterStatus } from "@/lib/clusters/status";
import { getInstanceDefaults } from "@/lib/settings/queries";

import { gpuNodeFacts, type GpuNodeFacts } from "./gpu";

/**
 * The GPU nodes of every cluster, by name, for the config form's GPU type choices and taint
 * check; "" is the instance default cluster. A cluster that does not answer is null. Reuses the
 * clusters' status probe (cached for seconds, time-limited).
 */
export async function gpuFactsByCluster(): Promise<Record<string, GpuNodeFacts | null>> {
  const rows = getDb().select().from(clusters).orderBy(asc(clusters.name)).all();
  const entries = await Promise.all(
    rows.map(async (cluster) => {
      const status = await clusterStatus(cluster);
      return [cluster.name, status.reachable ? gpuNodeFacts(status.nodes) : null] as const;
    }),
  );
  const byName: Record<string, GpuNodeFacts | null> = Object.fromEntries(entries);
  const fallback = getInstanceDefaults().clusterId;
  const defaultName = rows.find((cluster) => cluster.id === fallback)?.name;
  if (defaultName !== undefined) byName[""] = byName[defaultName];
  return byName;
}
