import "server-only";

import { asc, eq } from "drizzle-orm";

import { getDb, type Tx } from "@/db";
import { namespacePolicies, type NamespacePolicyRow } from "@/db/schema";
import { listClusters } from "@/lib/clusters/queries";
import { isIdRef } from "@/lib/objects/versioned";

import type { PolicySpec, PolicyView } from "./schema";

type Reader = ReturnType<typeof getDb> | Tx;

/** Finds a namespace policy by numeric id or by name. */
export function findPolicy(ref: string | number, db: Reader = getDb()): NamespacePolicyRow | undefined {
  return db
    .select()
    .from(namespacePolicies)
    .where(isIdRef(ref) ? eq(namespacePolicies.id, Number(ref)) : eq(namespacePolicies.name, String(ref)))
    .get();
}

/** The stored templates of a policy row, with absent parts as null. */
export function policySpecOf(row: NamespacePolicyRow): PolicySpec {
  const spec = row.spec as Partial<PolicySpec>;
  return { resourceQuota: spec.resourceQuota ?? null, limitRange: spec.limitRange ?? null };
}

export function toPolicyView(row: NamespacePolicyRow): PolicyView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    pattern: row.pattern,
    priority: row.priority,
    podSecurity: row.podSecurity,
    ...policySpecOf(row),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Every policy, in the order they are tried: lowest priority first, then by name. */
export function listPolicies(db: Reader = getDb()): PolicyView[] {
  return db
    .select()
    .from(namespacePolicies)
    .orderBy(asc(namespacePolicies.priority), asc(namespacePolicies.name))
    .all()
    .map(toPolicyView);
}

export function getPolicyView(ref: string | number): PolicyView | undefined {
  const row = findPolicy(ref);
  return row && toPolicyView(row);
}

/** Cluster names and ids for choosers, the embedded cluster first. */
export function clusterChoices(): { id: number; name: string; embedded: boolean }[] {
  return listClusters()
    .map(({ id, name, embedded }) => ({ id, name, embedded }))
    .sort((a, b) => Number(b.embedded) - Number(a.embedded));
}
