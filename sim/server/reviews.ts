/**
 * Access reviews clients ask before acting (`kubectl auth can-i`, `kubectl auth whoami`, UIs
 * hiding buttons). The simulator has one all-powerful user, so every review is allowed, except
 * what `--deny verb:resource` takes away: those reviews answer `allowed: false` and those requests
 * 403 with kube-apiserver's wording, so a client's "may not" path can be tried here too.
 */
import type { ResourceType } from "../contract";
import { forbidden } from "./errors";
import type { ResourcePath } from "./paths";

const review = (group: string, kind: string, plural: string): ResourceType => ({
  key: `${plural}.${group}`,
  group,
  version: "v1",
  kind,
  listKind: `${kind}List`,
  plural,
  singular: kind.toLowerCase(),
  namespaced: false,
  verbs: ["create"],
});

export const REVIEW_TYPES: ResourceType[] = [
  review("authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews"),
  review("authorization.k8s.io", "SelfSubjectRulesReview", "selfsubjectrulesreviews"),
  review("authentication.k8s.io", "SelfSubjectReview", "selfsubjectreviews"),
];

export const SIM_USER = { username: "berth-sim-admin", groups: ["system:masters", "system:authenticated"] };

/**
 * Verbs on resources refused to the simulator's user. "delete:pods" refuses deleting pods in every
 * namespace; a subresource is named as RBAC names it ("get:pods/log").
 */
export class Denials {
  private readonly rules: Set<string>;

  constructor(rules: readonly string[] = []) {
    for (const rule of rules)
      if (!/^[a-z]+:[a-z0-9.-]+(\/[a-z]+)?$/.test(rule))
        throw new Error(`--deny takes verb:resource (e.g. delete:pods), got "${rule}"`);
    this.rules = new Set(rules);
  }

  denies(verb: string, resource: string): boolean {
    return this.rules.has(`${verb}:${resource}`);
  }

  /** Throws the 403 kube-apiserver's RBAC answers (responsewriters.forbiddenMessage) when the request is refused. */
  check(verb: string, path: ResourcePath): void {
    const resource = path.subresource ? `${path.type.plural}/${path.subresource}` : path.type.plural;
    if (!this.rules.size || !this.denies(verb, resource)) return;
    const where = path.namespace ? `in the namespace "${path.namespace}"` : "at the cluster scope";
    const why = `User "${SIM_USER.username}" cannot ${verb} resource "${resource}" in API group "${path.type.group}" ${where}`;
    const refusal = forbidden(path.type, path.name ?? "", why);
    // kube-apiserver leaves an empty name out of the details (omitempty).
    if (!path.name && refusal.status.details) delete refusal.status.details.name;
    throw refusal;
  }
}

type ResourceAttributes = { verb?: string; resource?: string; subresource?: string };

/**
 * The answered review: the request echoed back with its status. SelfSubjectAccessReview follows
 * authorization.k8s.io/v1 SubjectAccessReviewStatus: `allowed`, and `reason` (RBAC, having no
 * opinion on a refused request, gives none).
 */
export function answerReview(
  type: ResourceType,
  body: Record<string, unknown>,
  denials: Denials = new Denials(),
): Record<string, unknown> {
  const base = {
    ...body,
    apiVersion: `${type.group}/${type.version}`,
    kind: type.kind,
    metadata: { creationTimestamp: null },
  };
  switch (type.kind) {
    case "SelfSubjectAccessReview": {
      const attributes = ((body.spec as { resourceAttributes?: ResourceAttributes } | undefined)?.resourceAttributes ??
        {}) as ResourceAttributes;
      const resource = attributes.subresource
        ? `${attributes.resource}/${attributes.subresource}`
        : (attributes.resource ?? "");
      if (denials.denies(attributes.verb ?? "", resource)) return { ...base, status: { allowed: false } };
      return { ...base, status: { allowed: true, reason: "berth-sim allows everything" } };
    }
    case "SelfSubjectRulesReview":
      return {
        ...base,
        status: {
          resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }],
          nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }],
          incomplete: false,
        },
      };
    default:
      return { ...base, status: { userInfo: SIM_USER } };
  }
}
