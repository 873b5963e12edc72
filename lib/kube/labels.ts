/** The prefix of every label and annotation key Berth sets on the objects it creates. */
export const BERTH_PREFIX = "berth.dev/";

/** The `berth.dev/*` label keys: what Berth selects its objects by (and the dashboard groups pods by). */
export const BERTH_LABELS = {
  run: "berth.dev/run",
  project: "berth.dev/project",
  user: "berth.dev/user",
  activity: "berth.dev/activity",
  execConfig: "berth.dev/exec-config",
  sparkConfig: "berth.dev/spark-config",
  job: "berth.dev/job",
  build: "berth.dev/build",
  /** The namespace policy whose templates made a ResourceQuota or LimitRange. */
  policy: "berth.dev/policy",
} as const;

/** The `berth.dev/*` annotation keys: facts about how an object was made, never selected on. */
export const BERTH_ANNOTATIONS = {
  namespaceTemplate: "berth.dev/namespace-template",
  imageSource: "berth.dev/image-source",
  execConfigVersion: "berth.dev/exec-config-version",
  group: "berth.dev/group",
  resolution: "berth.dev/resolution",
} as const;

/** The well-known label that tells other tools which objects Berth manages. */
export const MANAGED_BY_BERTH = { "app.kubernetes.io/managed-by": "berth" } as const;

/** A Pod Security Admission level (kubernetes.io/docs/concepts/security/pod-security-standards). */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export const POD_SECURITY_ENFORCE = "pod-security.kubernetes.io/enforce";
export const POD_SECURITY_ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version";

/**
 * The Pod Security Admission labels of a level: enforce it against the policies of the
 * cluster's own Kubernetes version ("latest"), so upgrades tighten rather than freeze them.
 */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return { [POD_SECURITY_ENFORCE]: level, [POD_SECURITY_ENFORCE_VERSION]: "latest" };
}
