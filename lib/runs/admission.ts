import "server-only";

import type { V1PodSpec, V1ResourceQuota } from "@kubernetes/client-node";

import type { Cluster } from "@/db/schema";
import { DomainError } from "@/lib/actions/result";
import { neverFitsProblems } from "@/lib/kube/capacity";
import { readPlacementFacts } from "@/lib/kube/capacity-reader";
import { policyObjects } from "@/lib/kube/namespaces";
import { matchingPolicy } from "@/lib/namespace-policies/drift";
import { listPolicies } from "@/lib/namespace-policies/queries";

import type { RunObjects } from "./views";

/** The quota a namespace Berth is about to create will get from its namespace policy. */
function policyQuota(namespace: string): V1ResourceQuota[] {
  const policy = matchingPolicy(listPolicies(), namespace);
  if (!policy) return [];
  const { resourceQuota } = policyObjects(
    { name: policy.name, spec: { resourceQuota: policy.resourceQuota, limitRange: policy.limitRange } },
    namespace,
  );
  // As the API server reports it once created: the hard limits are the quota's status too.
  return resourceQuota ? [{ ...resourceQuota, status: { hard: resourceQuota.spec?.hard } }] : [];
}

/**
 * Refuses (422, with the numbers) a run whose pod could never start: it asks more than the
 * namespace quota's hard limit (or the quota the namespace's policy will give it, when Berth
 * creates the namespace), or more than any node it may use has allocatable. Queued-over-quota is
 * for runs that will start once other work finishes, not for these.
 *
 * What the cluster would not tell (unreachable, or nodes/quotas Berth's account may not list) is
 * not held against the run: a namespace-scoped account commonly may not list nodes, and refusing
 * every run then would block work the cluster would run. The launch reports the cluster's own
 * words instead. A SparkApplication is not judged (the operator makes its pods); without the
 * operator the spark-submit driver pod is, like any pod (its executors are not: the driver makes them).
 */
export async function refuseNeverFits(
  cluster: Cluster,
  built: { objects: RunObjects; namespace: string; createNamespace: boolean },
): Promise<void> {
  const { workload } = built.objects;
  if (workload.kind !== "Pod") return;
  const spec = workload.spec as V1PodSpec;
  const facts = await readPlacementFacts(cluster, built.namespace);
  const quotas = facts.namespaceMissing && built.createNamespace ? policyQuota(built.namespace) : (facts.quotas ?? []);
  const problems = neverFitsProblems(spec, facts.nodes ?? [], quotas);
  if (!problems.length) return;
  const message = `This run can never start on cluster ${cluster.name}: ${problems.join("; ")}`;
  throw new DomainError(422, message, { executionConfig: problems });
}
