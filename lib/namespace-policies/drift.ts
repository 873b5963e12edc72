import { compareQuantities, isQuantity, parseQuantity } from "@berth/quantity";
import { podSecurityLabels } from "@/lib/kube/labels";
import type { ObservedPolicyObjects, PolicyObjectTemplates } from "@/lib/kube/namespaces";

import { matchesPattern } from "./pattern";
import type { DriftItem, LimitSection, PodSecurityLevel, QuantityMap } from "./schema";

export { podSecurityLabels } from "@/lib/kube/labels";

const SECTIONS: LimitSection[] = ["default", "defaultRequest", "min", "max"];

/** Equal as quantities (`1Gi` = `1073741824`), else as text. */
function sameQuantity(a: string, b: string): boolean {
  if (isQuantity(a) && isQuantity(b)) return compareQuantities(parseQuantity(a), parseQuantity(b)) === 0;
  return a === b;
}

function diffMaps(
  object: DriftItem["object"],
  prefix: string,
  expected: QuantityMap,
  actual: QuantityMap,
): DriftItem[] {
  const items: DriftItem[] = [];
  for (const [key, value] of Object.entries(expected)) {
    const found = actual[key];
    if (found === undefined) items.push({ object, kind: "missing", key: prefix + key, expected: value });
    else if (!sameQuantity(value, String(found)))
      items.push({ object, kind: "different", key: prefix + key, expected: value, actual: String(found) });
  }
  for (const [key, value] of Object.entries(actual)) {
    if (!(key in expected)) items.push({ object, kind: "extra", key: prefix + key, actual: String(value) });
  }
  return items;
}

function limitItemMaps(
  item: Partial<Record<LimitSection, QuantityMap>> | undefined,
): Record<LimitSection, QuantityMap> {
  return {
    default: item?.default ?? {},
    defaultRequest: item?.defaultRequest ?? {},
    min: item?.min ?? {},
    max: item?.max ?? {},
  };
}

/**
 * What differs between a policy's templates and the namespace's `berth-quota` / `berth-limits`
 * objects: missing or extra objects, and per resource missing, different or extra values.
 * Empty when the namespace is in step with the policy.
 */
export function diffPolicy(spec: PolicyObjectTemplates, observed: ObservedPolicyObjects): DriftItem[] {
  const items: DriftItem[] = [];
  if (spec.resourceQuota && !observed.resourceQuota) items.push({ object: "ResourceQuota", kind: "missing-object" });
  else if (!spec.resourceQuota && observed.resourceQuota) items.push({ object: "ResourceQuota", kind: "extra-object" });
  else if (spec.resourceQuota && observed.resourceQuota)
    items.push(...diffMaps("ResourceQuota", "", spec.resourceQuota.hard, observed.resourceQuota.hard ?? {}));

  if (spec.limitRange && !observed.limitRange) items.push({ object: "LimitRange", kind: "missing-object" });
  else if (!spec.limitRange && observed.limitRange) items.push({ object: "LimitRange", kind: "extra-object" });
  else if (spec.limitRange && observed.limitRange) {
    const actualLimits = observed.limitRange.limits ?? [];
    const types = new Set<string>([
      ...spec.limitRange.limits.map((item) => item.type),
      ...actualLimits.map((item) => item.type),
    ]);
    for (const type of types) {
      const wanted = spec.limitRange.limits.find((item) => item.type === type);
      const found = actualLimits.find((item) => item.type === type);
      const expectedMaps = limitItemMaps(wanted);
      const actualMaps = limitItemMaps(found);
      for (const section of SECTIONS)
        items.push(...diffMaps("LimitRange", `${type}.${section}.`, expectedMaps[section], actualMaps[section]));
    }
  }
  return items;
}

/** What differs between the Pod Security labels a level asks for and a namespace's labels. */
export function podSecurityDrift(level: PodSecurityLevel, labels: Record<string, string>): DriftItem[] {
  const items: DriftItem[] = [];
  for (const [key, expected] of Object.entries(podSecurityLabels(level))) {
    const actual = labels[key];
    if (actual === undefined) items.push({ object: "Namespace", kind: "missing", key, expected });
    else if (actual !== expected) items.push({ object: "Namespace", kind: "different", key, expected, actual });
  }
  return items;
}

/** The policy that governs a namespace: the matching one with the lowest priority (then name). */
export function matchingPolicy<P extends { name: string; pattern: string; priority: number }>(
  policies: P[],
  namespace: string,
): P | undefined {
  return policies
    .filter((policy) => matchesNamespace(policy.pattern, namespace))
    .sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name))[0];
}

/** Whether a pattern (glob, or `re:` regular expression) matches the whole namespace name; an invalid stored pattern matches nothing. */
export const matchesNamespace = matchesPattern;
