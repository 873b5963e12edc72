/**
 * Whether a node satisfies a pod's nodeSelector and required node affinity, as kube-scheduler's
 * NodeAffinity filter decides it. Shared by the console's capacity estimate and the simulator's
 * scheduler, so what Berth predicts is what the simulator does.
 *
 * Upstream (kubernetes v1.37.2): `staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go`
 * (terms are ORed, an empty term matches nothing, matchFields knows only `metadata.name`) and
 * `staging/src/k8s.io/apimachinery/pkg/labels/selector.go` (the operators; Gt and Lt compare
 * integers and refuse a requirement that does not name exactly one value).
 *
 * Plain types that both client-node's V1PodSpec and the simulator's model satisfy.
 */

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** The parts of a pod spec that choose nodes by label. */
export interface NodeSelection {
  nodeSelector?: Record<string, string>;
  affinity?: {
    nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
  };
}

/** What of a node the selection looks at. */
export interface SelectableNode {
  name: string;
  labels: Record<string, string>;
}

/** Whether a label's value (undefined: no such label) meets one requirement. */
export function requirementMatches(requirement: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || values.length !== 1) return false;
      const have = Number.parseInt(value, 10);
      const want = Number.parseInt(values[0], 10);
      if (Number.isNaN(have) || Number.isNaN(want)) return false;
      return requirement.operator === "Gt" ? have > want : have < want;
    }
    default:
      return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: SelectableNode): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  return (
    expressions.every((requirement) => requirementMatches(requirement, node.labels[requirement.key])) &&
    fields.every((requirement) => requirement.key === "metadata.name" && requirementMatches(requirement, node.name))
  );
}

/** Whether the node meets the pod's required node affinity (true when it has none). */
export function matchesRequiredAffinity(pod: NodeSelection, node: SelectableNode): boolean {
  const terms = pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((term) => termMatches(term, node));
}

/** Whether the node carries every nodeSelector label and meets the required node affinity. */
export function matchesNodeSelection(pod: NodeSelection, node: SelectableNode): boolean {
  for (const [key, value] of Object.entries(pod.nodeSelector ?? {})) if (node.labels[key] !== value) return false;
  return matchesRequiredAffinity(pod, node);
}
