/**
 * Access reviews clients ask before acting (`kubectl auth can-i`, `kubectl auth whoami`, UIs
 * hiding buttons). The simulator has one all-powerful user, so every review is allowed.
 */
import type { ResourceType } from "../contract";

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

/** The answered review: the request echoed back with an allowing status. */
export function answerReview(type: ResourceType, body: Record<string, unknown>): Record<string, unknown> {
  const base = { ...body, apiVersion: `${type.group}/${type.version}`, kind: type.kind, metadata: { creationTimestamp: null } };
  switch (type.kind) {
    case "SelfSubjectAccessReview":
      return { ...base, status: { allowed: true, reason: "berth-sim allows everything" } };
    case "SelfSubjectRulesReview":
      return { ...base, status: { resourceRules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }], nonResourceRules: [{ verbs: ["*"], nonResourceURLs: ["*"] }], incomplete: false } };
    default:
      return { ...base, status: { userInfo: SIM_USER } };
  }
}
