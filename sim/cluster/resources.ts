/** Resource lists of pods and containers: effective requests/limits, extended resources, QoS. */
import type { Container, PodSpec, RawResourceList } from "./model";
import { addQuantities, compareQuantities, parseQuantity, type Quantity } from "./quantity";

export type ResourceList = Record<string, Quantity>;

/** Parse a raw resource list; callers validate beforehand, so bad values are skipped. */
export function toResourceList(raw: RawResourceList | undefined): ResourceList {
  const list: ResourceList = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    try {
      list[name] = parseQuantity(value);
    } catch {
      // invalid quantities were refused at admission; stored objects never carry them
    }
  }
  return list;
}

/**
 * Extended resources (`nvidia.com/gpu`): a domain-qualified name outside kubernetes.io. They
 * cannot be overcommitted, so their request must equal their limit.
 */
export function isExtendedResource(name: string): boolean {
  if (!name.includes("/") || name.startsWith("requests.")) return false;
  const domain = name.slice(0, name.indexOf("/"));
  return !(domain === "kubernetes.io" || domain.endsWith(".kubernetes.io"));
}

export function addLists(into: ResourceList, add: ResourceList): ResourceList {
  for (const [name, q] of Object.entries(add)) into[name] = into[name] ? addQuantities(into[name], q) : q;
  return into;
}

function maxInto(into: ResourceList, other: ResourceList): void {
  for (const [name, q] of Object.entries(other)) {
    if (!into[name] || compareQuantities(q, into[name]) > 0) into[name] = q;
  }
}

function effective(spec: PodSpec, pick: (c: Container) => RawResourceList | undefined): ResourceList {
  const total: ResourceList = {};
  for (const c of spec.containers ?? []) addLists(total, toResourceList(pick(c)));
  // Init containers run one at a time before the app containers: the pod needs the largest of them.
  for (const c of spec.initContainers ?? []) maxInto(total, toResourceList(pick(c)));
  if (spec.overhead) addLists(total, toResourceList(spec.overhead));
  return total;
}

/** The pod's effective requests (resourcehelper.PodRequests): sum of containers, max with init containers, plus overhead. */
export const podRequests = (spec: PodSpec): ResourceList => effective(spec, (c) => c.resources?.requests);

/** The pod's effective limits, computed the same way. */
export const podLimits = (spec: PodSpec): ResourceList => effective(spec, (c) => c.resources?.limits);

/** status.qosClass from cpu/memory requests and limits of every container. */
export function qosClass(spec: PodSpec): "Guaranteed" | "Burstable" | "BestEffort" {
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = toResourceList(c.resources?.requests);
    const limits = toResourceList(c.resources?.limits);
    for (const name of ["cpu", "memory"]) {
      const request = requests[name];
      const limit = limits[name];
      if ((request && request.nano !== 0n) || (limit && limit.nano !== 0n)) anySet = true;
      if (!limit || !request || compareQuantities(request, limit) !== 0) guaranteed = false;
    }
  }
  if (!anySet) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
