import "server-only";

import { asc } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { clusters, dockerHosts, executionConfigs, sparkConfigs } from "@/db/schema";
import { isIdRef } from "@/lib/objects/versioned";

import type { ClusterFacts, ConfigFacts } from "./resolve";

type Reader = ReturnType<typeof getDb> | Tx;

/** Every config and cluster as the resolver needs them (a few columns, no secrets). */
export interface Catalog {
  executionConfigs: ConfigFacts[];
  sparkConfigs: ConfigFacts[];
  clusters: ClusterFacts[];
  dockerHosts: ClusterFacts[];
}

export type CatalogKind = keyof Catalog;

export const KIND_WORDS: Record<CatalogKind, string> = {
  executionConfigs: "execution config",
  sparkConfigs: "Spark config",
  clusters: "cluster",
  dockerHosts: "Docker host",
};

export function loadCatalog(db: Reader = getDb()): Catalog {
  const configColumns = {
    id: executionConfigs.id,
    name: executionConfigs.name,
    usableBy: executionConfigs.usableBy,
    clusterId: executionConfigs.clusterId,
    engine: executionConfigs.engine,
    dockerHostId: executionConfigs.dockerHostId,
  };
  return {
    executionConfigs: db.select(configColumns).from(executionConfigs).orderBy(asc(executionConfigs.name)).all(),
    sparkConfigs: db
      .select({
        id: sparkConfigs.id,
        name: sparkConfigs.name,
        usableBy: sparkConfigs.usableBy,
        clusterId: sparkConfigs.clusterId,
      })
      .from(sparkConfigs)
      .orderBy(asc(sparkConfigs.name))
      .all(),
    clusters: db.select({ id: clusters.id, name: clusters.name }).from(clusters).orderBy(asc(clusters.name)).all(),
    dockerHosts: db
      .select({ id: dockerHosts.id, name: dockerHosts.name })
      .from(dockerHosts)
      .orderBy(asc(dockerHosts.name))
      .all(),
  };
}

/** A config or cluster named by id or name, or undefined. */
export function findInCatalog<T extends { id: number; name: string }>(
  items: readonly T[],
  ref: string | number,
): T | undefined {
  return isIdRef(ref) ? items.find((item) => item.id === Number(ref)) : items.find((item) => item.name === ref);
}

/** The name of a stored id, or null when nothing is set; "#12 (deleted)" when the object is gone. */
export function nameOf(items: readonly { id: number; name: string }[], id: number | null): string | null {
  if (id == null) return null;
  return items.find((item) => item.id === id)?.name ?? `#${id} (deleted)`;
}
