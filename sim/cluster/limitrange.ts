/**
 * LimitRanger: LimitRange object defaults (SetDefaults_LimitRangeItem), pod defaulting from
 * `default`/`defaultRequest`, and min/max/maxLimitRequestRatio checks with upstream messages.
 */
import type { AdmissionPlugin, KubeObject } from "../contract";
import { badRequest, forbidden } from "../server/errors";
import { admissionName, type Container, type Pod, type RawResourceList } from "./model";
import { formatQuantity, milliValue, parseQuantity, QuantityParseError, type Quantity } from "./quantity";
import { podLimits, podRequests, toResourceList, type ResourceList } from "./resources";

export interface LimitRangeItem {
  type: "Container" | "Pod" | "PersistentVolumeClaim" | string;
  max?: RawResourceList;
  min?: RawResourceList;
  default?: RawResourceList;
  defaultRequest?: RawResourceList;
  maxLimitRequestRatio?: RawResourceList;
}

export interface LimitRange extends KubeObject {
  spec: { limits: LimitRangeItem[] };
}

const LIMIT_RANGER_ANNOTATION = "kubernetes.io/limit-ranger";

/** Defaults stored on a LimitRange item: default ← max, defaultRequest ← default or min. */
export function defaultLimitRangeItem(item: LimitRangeItem): void {
  for (const field of ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] as const) {
    const list = item[field];
    if (list) for (const [k, v] of Object.entries(list)) list[k] = formatQuantity(parseQuantity(v));
  }
  if (item.type !== "Container") return;
  for (const [k, v] of Object.entries(item.max ?? {})) {
    item.default ??= {};
    if (!(k in item.default)) item.default[k] = v;
  }
  for (const [k, v] of Object.entries(item.default ?? {})) {
    item.defaultRequest ??= {};
    if (!(k in item.defaultRequest)) item.defaultRequest[k] = v;
  }
  for (const [k, v] of Object.entries(item.min ?? {})) {
    item.defaultRequest ??= {};
    if (!(k in item.defaultRequest)) item.defaultRequest[k] = v;
  }
}

/** Fill missing container limits/requests from Container items and note it in the limit-ranger annotation. */
export function applyLimitRangeDefaults(pod: Pod, ranges: LimitRange[]): void {
  const limits: RawResourceList = {};
  const requests: RawResourceList = {};
  for (const range of ranges) {
    for (const item of range.spec?.limits ?? []) {
      if (item.type !== "Container") continue;
      Object.assign(requests, item.defaultRequest ?? {});
      Object.assign(limits, item.default ?? {});
    }
  }
  if (Object.keys(limits).length === 0 && Object.keys(requests).length === 0) return;
  const notes: string[] = [];
  const merge = (c: Container, label: string) => {
    const resources = (c.resources ??= {});
    const setLimits: string[] = [];
    const setRequests: string[] = [];
    for (const [k, v] of Object.entries(limits)) {
      resources.limits ??= {};
      if (!(k in resources.limits)) {
        resources.limits[k] = v;
        setLimits.push(k);
      }
    }
    for (const [k, v] of Object.entries(requests)) {
      resources.requests ??= {};
      if (!(k in resources.requests)) {
        resources.requests[k] = v;
        setRequests.push(k);
      }
    }
    if (setRequests.length) notes.push(`${setRequests.sort().join(", ")} request for ${label} ${c.name}`);
    if (setLimits.length) notes.push(`${setLimits.sort().join(", ")} limit for ${label} ${c.name}`);
  };
  for (const c of pod.spec.containers ?? []) merge(c, "container");
  for (const c of pod.spec.initContainers ?? []) merge(c, "init container");
  if (notes.length) {
    pod.metadata.annotations = {
      ...(pod.metadata.annotations ?? {}),
      [LIMIT_RANGER_ANNOTATION]: `LimitRanger plugin set: ${notes.join("; ")}`,
    };
  }
}

const has = (list: ResourceList, name: string): boolean => name in list;
const str = (q: Quantity): string => formatQuantity(q);

function minConstraint(
  type: string,
  name: string,
  enforced: Quantity,
  requests: ResourceList,
  limits: ResourceList,
): string | undefined {
  if (!has(requests, name)) return `minimum ${name} usage per ${type} is ${str(enforced)}.  No request is specified`;
  if (milliValue(requests[name]) < milliValue(enforced))
    return `minimum ${name} usage per ${type} is ${str(enforced)}, but request is ${str(requests[name])}`;
  if (has(limits, name) && milliValue(limits[name]) < milliValue(enforced))
    return `minimum ${name} usage per ${type} is ${str(enforced)}, but limit is ${str(limits[name])}`;
  return undefined;
}

function maxConstraint(
  type: string,
  name: string,
  enforced: Quantity,
  requests: ResourceList,
  limits: ResourceList,
): string | undefined {
  if (!has(limits, name)) return `maximum ${name} usage per ${type} is ${str(enforced)}.  No limit is specified`;
  if (milliValue(limits[name]) > milliValue(enforced))
    return `maximum ${name} usage per ${type} is ${str(enforced)}, but limit is ${str(limits[name])}`;
  if (has(requests, name) && milliValue(requests[name]) > milliValue(enforced))
    return `maximum ${name} usage per ${type} is ${str(enforced)}, but request is ${str(requests[name])}`;
  return undefined;
}

function ratioConstraint(
  type: string,
  name: string,
  enforced: Quantity,
  requests: ResourceList,
  limits: ResourceList,
): string | undefined {
  const request = has(requests, name) ? milliValue(requests[name]) : 0n;
  const limit = has(limits, name) ? milliValue(limits[name]) : 0n;
  if (request === 0n)
    return `${name} max limit to request ratio per ${type} is ${str(enforced)}, but no request is specified or request is 0`;
  if (limit === 0n)
    return `${name} max limit to request ratio per ${type} is ${str(enforced)}, but no limit is specified or limit is 0`;
  const observed = Number(limit) / Number(request);
  if (observed * 1000 > Number(milliValue(enforced))) {
    // Go's %f: six decimals.
    return `${name} max limit to request ratio per ${type} is ${str(enforced)}, but provided ratio is ${observed.toFixed(6)}`;
  }
  return undefined;
}

/** All LimitRanger violations for a pod, in upstream order (per item: containers, init containers, pod). */
export function limitRangeViolations(pod: Pod, ranges: LimitRange[]): string[] {
  const errors: string[] = [];
  const checkAll = (type: string, item: LimitRangeItem, requests: ResourceList, limits: ResourceList) => {
    for (const [k, v] of Object.entries(item.min ?? {}))
      errors.push(...[minConstraint(type, k, parseQuantity(v), requests, limits)].filter(isString));
    for (const [k, v] of Object.entries(item.max ?? {}))
      errors.push(...[maxConstraint(type, k, parseQuantity(v), requests, limits)].filter(isString));
    for (const [k, v] of Object.entries(item.maxLimitRequestRatio ?? {}))
      errors.push(...[ratioConstraint(type, k, parseQuantity(v), requests, limits)].filter(isString));
  };
  for (const range of ranges) {
    for (const item of range.spec?.limits ?? []) {
      if (item.type === "Container") {
        for (const c of [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])]) {
          checkAll("Container", item, toResourceList(c.resources?.requests), toResourceList(c.resources?.limits));
        }
      } else if (item.type === "Pod") {
        checkAll("Pod", item, podRequests(pod.spec), podLimits(pod.spec));
      }
    }
  }
  return errors;
}

const isString = (v: string | undefined): v is string => typeof v === "string";

/** Aggregated like utilerrors.NewAggregate: one message alone, several as `[a, b]`. */
export const aggregate = (messages: string[]): string =>
  messages.length === 1 ? messages[0] : `[${messages.join(", ")}]`;

const rangesIn = (store: Parameters<AdmissionPlugin["admit"]>[1], namespace: string | undefined): LimitRange[] =>
  namespace ? (store.list("limitranges", namespace) as LimitRange[]) : [];

/** Defaults LimitRange objects on write and pods on create (mutating half of LimitRanger). */
export const limitRangeDefaultsPlugin: AdmissionPlugin = {
  name: "LimitRangerMutate",
  admit(attrs, store) {
    if (attrs.subresource || !attrs.object) return;
    if (attrs.resource === "limitranges" && (attrs.operation === "CREATE" || attrs.operation === "UPDATE")) {
      try {
        for (const item of (attrs.object as LimitRange).spec?.limits ?? []) defaultLimitRangeItem(item);
      } catch (error) {
        if (error instanceof QuantityParseError)
          throw badRequest(`LimitRange in version "v1" cannot be handled as a LimitRange: ${error.message}`);
        throw error;
      }
      return;
    }
    if (attrs.resource !== "pods" || attrs.operation !== "CREATE") return;
    applyLimitRangeDefaults(attrs.object as Pod, rangesIn(store, attrs.namespace));
  },
};

/** The validating half of LimitRanger: 403 with the aggregated constraint messages. */
export const limitRangeValidationPlugin: AdmissionPlugin = {
  name: "LimitRangerValidate",
  admit(attrs, store) {
    if (attrs.resource !== "pods" || attrs.operation !== "CREATE" || attrs.subresource || !attrs.object) return;
    const pod = attrs.object as Pod;
    const violations = limitRangeViolations(pod, rangesIn(store, attrs.namespace));
    if (violations.length) throw forbidden({ plural: "pods", group: "" }, admissionName(pod), aggregate(violations));
  },
};
