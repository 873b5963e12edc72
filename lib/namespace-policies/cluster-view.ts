import "server-only";

import type { NamespacePolicyRow } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { findCluster } from "@/lib/clusters/queries";
import { isKubeCallError } from "@/lib/kube/errors";
import { listNamespaceNames } from "@/lib/kube/namespaces";
import { toYamlDocument } from "@/lib/objects/yaml";

import { matchingNamespaces, policyDrift } from "./apply";
import { POLICY_KIND } from "./mutations";
import { policySpecOf } from "./queries";
import type { DriftReport } from "./schema";

/** Drift of every namespace of a cluster the policy's pattern matches. */
export async function policyDriftReport(policy: NamespacePolicyRow, clusterRef: string | number): Promise<DriftReport> {
  const cluster = findCluster(clusterRef);
  if (!cluster)
    throw new DomainError(404, `Cluster "${clusterRef}" not found`, { cluster: [`No cluster named "${clusterRef}"`] });
  try {
    const names = await matchingNamespaces(cluster, policy.pattern);
    const templates = { name: policy.name, spec: policySpecOf(policy), podSecurity: policy.podSecurity };
    const namespaces = await Promise.all(names.map((namespace) => policyDrift(cluster, templates, namespace)));
    return { policy: policy.name, cluster: cluster.name, namespaces };
  } catch (error) {
    if (isKubeCallError(error, "namespace"))
      throw new DomainError(422, `${cluster.name}: ${error.message}`, { cluster: [error.message] });
    throw error;
  }
}

/** Every namespace name of a cluster, for previewing which of them a pattern matches. */
export async function clusterNamespaceNames(clusterRef: string | number): Promise<string[]> {
  const cluster = findCluster(clusterRef);
  if (!cluster)
    throw new DomainError(404, `Cluster "${clusterRef}" not found`, { cluster: [`No cluster named "${clusterRef}"`] });
  try {
    return await listNamespaceNames(cluster);
  } catch (error) {
    if (isKubeCallError(error, "namespace")) throw new DomainError(502, `${cluster.name}: ${error.message}`);
    throw error;
  }
}

/** The policy as a YAML document that import accepts. */
export function policyYaml(row: NamespacePolicyRow): string {
  return toYamlDocument(
    POLICY_KIND,
    { name: row.name, description: row.description },
    { pattern: row.pattern, priority: row.priority, podSecurity: row.podSecurity, ...policySpecOf(row) },
  );
}
