/**
 * ResourceQuota evaluation as upstream (apiserver admission/plugin/resourcequota and
 * pkg/quota/v1/evaluator/core/pods.go): what a pod or object charges, which quota keys an
 * evaluator tracks, the "must specify" constraint, and the exceeded-quota comparison.
 */
import type { KubeObject, ResourceKey } from "../contract";
import { isTerminal, type Pod, type RawResourceList } from "./model";
import { addQuantities, compareQuantities, formatQuantity, fromUnits, type Quantity } from "./quantity";
import { isExtendedResource, podLimits, podRequests, qosClass, toResourceList, type ResourceList } from "./resources";

export interface ResourceQuota extends KubeObject {
  spec?: {
    hard?: RawResourceList;
    scopes?: string[];
    scopeSelector?: { matchExpressions?: { scopeName: string; operator: string; values?: string[] }[] };
  };
  status?: { hard?: RawResourceList; used?: RawResourceList };
}

const POD_RESOURCES = new Set([
  "count/pods",
  "pods",
  "cpu",
  "memory",
  "ephemeral-storage",
  "requests.cpu",
  "requests.memory",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
]);

/** The cpu/memory keys that oblige every container to state a value (an upstream "mistake" kept for compatibility). */
const VALIDATION_SET = new Set(["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]);

/** Older object-count names that still work beside `count/<resource>`. */
const LEGACY_COUNT_ALIASES = new Set([
  "configmaps",
  "secrets",
  "resourcequotas",
  "services",
  "persistentvolumeclaims",
  "replicationcontrollers",
]);

const ONE = (): Quantity => fromUnits(1);

/** Keys a quota with these hard names tracks for objects of `resource`. */
export function matchingResources(resource: ResourceKey, hardNames: string[]): string[] {
  if (resource === "pods") {
    return hardNames.filter(
      (name) =>
        POD_RESOURCES.has(name) ||
        name.startsWith("hugepages-") ||
        name.startsWith("requests.hugepages-") ||
        (name.startsWith("requests.") && isExtendedResource(name.slice("requests.".length))),
    );
  }
  return hardNames.filter(
    (name) => name === `count/${resource}` || (name === resource && LEGACY_COUNT_ALIASES.has(resource)),
  );
}

/** The quota charge of one container's requests/limits (podComputeUsageHelper). */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const usage: ResourceList = { pods: ONE() };
  for (const name of ["cpu", "memory", "ephemeral-storage"]) {
    if (requests[name]) usage[name] = usage[`requests.${name}`] = requests[name];
    if (limits[name]) usage[`limits.${name}`] = limits[name];
  }
  for (const [name, q] of Object.entries(requests)) {
    if (name.startsWith("hugepages-")) usage[name] = usage[`requests.${name}`] = q;
    if (isExtendedResource(name)) usage[`requests.${name}`] = q;
  }
  return usage;
}

/** Whether a pod stuck terminating past its grace period has stopped counting (QuotaV1Pod). */
function pastGrace(pod: Pod, now: number): boolean {
  const ts = pod.metadata.deletionTimestamp;
  if (!ts || pod.metadata.deletionGracePeriodSeconds === undefined) return false;
  return now > Date.parse(ts) + pod.metadata.deletionGracePeriodSeconds * 1000;
}

/** What a pod charges: `count/pods` always, compute and `pods` only while it is not terminal. */
export function podUsage(pod: Pod, now = Date.now()): ResourceList {
  const usage: ResourceList = { "count/pods": ONE() };
  if (isTerminal(pod) || pastGrace(pod, now)) return usage;
  return { ...usage, ...computeUsage(podRequests(pod.spec), podLimits(pod.spec)) };
}

/** What any object charges: its pod usage, or one `count/<resource>` (plus a legacy alias). */
export function objectUsage(resource: ResourceKey, object: KubeObject): ResourceList {
  if (resource === "pods") return podUsage(object as Pod);
  const usage: ResourceList = { [`count/${resource}`]: ONE() };
  if (LEGACY_COUNT_ALIASES.has(resource)) usage[resource] = ONE();
  return usage;
}

/** Whether a quota's scopes select this object (only pods can match a scoped quota). */
export function quotaMatches(quota: ResourceQuota, resource: ResourceKey, object: KubeObject): boolean {
  const scopes = quota.spec?.scopes ?? [];
  const expressions = quota.spec?.scopeSelector?.matchExpressions ?? [];
  if (scopes.length === 0 && expressions.length === 0) return true;
  if (resource !== "pods") return false;
  const pod = object as Pod;
  const terminating = typeof pod.spec.activeDeadlineSeconds === "number" && pod.spec.activeDeadlineSeconds >= 0;
  const bestEffort = qosClass(pod.spec) === "BestEffort";
  const priorityClass = (pod.spec.priorityClassName as string | undefined) ?? "";
  const scopeMatches = (scope: string, operator = "Exists", values: string[] = []): boolean => {
    switch (scope) {
      case "Terminating":
        return terminating;
      case "NotTerminating":
        return !terminating;
      case "BestEffort":
        return bestEffort;
      case "NotBestEffort":
        return !bestEffort;
      case "PriorityClass":
        if (operator === "Exists") return priorityClass !== "";
        if (operator === "DoesNotExist") return priorityClass === "";
        if (operator === "In") return values.includes(priorityClass);
        if (operator === "NotIn") return !values.includes(priorityClass);
        return false;
      default:
        return false;
    }
  };
  return (
    scopes.every((s) => scopeMatches(s)) && expressions.every((e) => scopeMatches(e.scopeName, e.operator, e.values))
  );
}

/**
 * The "must specify" constraint for pods when a quota tracks cpu/memory:
 * `must specify limits.cpu for: c1,c2; requests.memory for: c1`.
 */
export function podConstraintViolation(pod: Pod, restricted: string[]): string | undefined {
  const required = restricted.filter((name) => VALIDATION_SET.has(name));
  if (required.length === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])]) {
    const usage = computeUsage(toResourceList(c.resources?.requests), toResourceList(c.resources?.limits));
    for (const name of required) {
      if (!(name in usage)) {
        if (!missing.has(name)) missing.set(name, new Set());
        missing.get(name)!.add(c.name);
      }
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...missing.get(name)!].sort().join(",")}`);
  return `must specify ${parts.join("; ")}`;
}

/** `k=v,k=v` with sorted keys, as quota's prettyPrint. */
export function prettyPrint(list: Record<string, string>): string {
  return Object.keys(list)
    .sort()
    .map((k) => `${k}=${list[k]}`)
    .join(",");
}

export interface QuotaCheck {
  name: string;
  hard: ResourceList;
  used: ResourceList;
}

/** How a used value is shown: in the format of its hard limit (so memory reads `1536Mi`, cpu `1500m`). */
export const showUsed = (used: Quantity | undefined, hard: Quantity): string =>
  formatQuantity({ nano: used?.nano ?? 0n, format: hard.format });

/**
 * The exceeded-quota failure for a charge against one quota, or undefined when it fits.
 * Only keys the quota tracks and the charge touches are compared, as upstream masks them.
 */
export function exceededMessage(quota: QuotaCheck, delta: ResourceList): string | undefined {
  const exceeded: string[] = [];
  for (const [name, charge] of Object.entries(delta)) {
    const hard = quota.hard[name];
    if (!hard || charge.nano === 0n) continue;
    const next = addQuantities(quota.used[name] ?? fromUnits(0), charge);
    if (compareQuantities(next, hard) > 0) exceeded.push(name);
  }
  if (exceeded.length === 0) return undefined;
  const requested: Record<string, string> = {};
  const used: Record<string, string> = {};
  const limited: Record<string, string> = {};
  for (const name of exceeded) {
    requested[name] = formatQuantity(delta[name]);
    used[name] = showUsed(quota.used[name], quota.hard[name]);
    limited[name] = formatQuantity(quota.hard[name]);
  }
  return `exceeded quota: ${quota.name}, requested: ${prettyPrint(requested)}, used: ${prettyPrint(used)}, limited: ${prettyPrint(limited)}`;
}

export const hardOf = (quota: ResourceQuota): ResourceList => toResourceList(quota.spec?.hard);
