/**
 * What the apiserver does to a new Pod before LimitRanger and quota see it: decode-time defaults
 * (SetDefaults_Pod and friends), quantity canonicalisation, then ValidatePod's resource rules.
 */
import type { AdmissionAttributes, AdmissionPlugin } from "../contract";
import { badRequest, invalid, type Cause } from "../server/errors";
import type { Container, Pod, PodSpec, RawResourceList, Toleration } from "./model";
import { compareQuantities, formatQuantity, parseQuantity, QuantityParseError, type Quantity } from "./quantity";
import { isExtendedResource, qosClass } from "./resources";

const isPodCreate = (attrs: AdmissionAttributes): boolean =>
  attrs.operation === "CREATE" && attrs.resource === "pods" && !attrs.subresource && Boolean(attrs.object);

/** `Always` for `:latest` or an untagged image, `IfNotPresent` otherwise (digests count as tags). */
export function defaultPullPolicy(image: string | undefined): "Always" | "IfNotPresent" {
  if (!image) return "IfNotPresent";
  if (image.includes("@")) return "IfNotPresent";
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function canonicaliseList(list: RawResourceList | undefined): RawResourceList | undefined {
  if (!list) return list;
  const out: RawResourceList = {};
  for (const [name, value] of Object.entries(list)) out[name] = formatQuantity(parseQuantity(value));
  return out;
}

function defaultContainer(container: Container): void {
  container.terminationMessagePath ??= "/dev/termination-log";
  container.terminationMessagePolicy ??= "File";
  container.imagePullPolicy ??= defaultPullPolicy(container.image);
  const resources = (container.resources ??= {});
  // SetDefaults_Pod: a container that states limits but not requests requests its limits.
  if (resources.limits) {
    resources.requests ??= {};
    for (const [name, limit] of Object.entries(resources.limits))
      if (!(name in resources.requests)) resources.requests[name] = limit;
  }
}

const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

/** Decode-time defaults of a pod spec (also applied to Job templates, as upstream defaults templates). */
export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= "Always";
  spec.dnsPolicy ??= "ClusterFirst";
  spec.schedulerName ??= "default-scheduler";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.serviceAccountName ??= (spec.serviceAccount as string | undefined) ?? "default";
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= "PreemptLowerPriority";
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultContainer(c);
}

/** The DefaultTolerationSeconds admission plugin: pods (not templates) tolerate not-ready/unreachable for 300 s. */
function addDefaultTolerations(spec: PodSpec): void {
  const tolerations = (spec.tolerations ??= []);
  for (const t of DEFAULT_TOLERATIONS) {
    if (!tolerations.some((existing) => existing.key === t.key && (existing.effect ?? "") === t.effect))
      tolerations.push({ ...t });
  }
}

/** Pod defaults and canonical quantities. A malformed quantity is a 400 at decode time, as upstream. */
export const podDefaultsPlugin: AdmissionPlugin = {
  name: "PodDefaults",
  admit(attrs) {
    if (!isPodCreate(attrs)) return;
    const pod = attrs.object as Pod;
    pod.spec ??= { containers: [] };
    try {
      for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
        if (!c.resources) continue;
        c.resources.requests = canonicaliseList(c.resources.requests);
        c.resources.limits = canonicaliseList(c.resources.limits);
      }
      pod.spec.overhead = canonicaliseList(pod.spec.overhead);
    } catch (error) {
      if (error instanceof QuantityParseError)
        throw badRequest(`Pod in version "v1" cannot be handled as a Pod: ${error.message}`);
      throw error;
    }
    defaultPodSpec(pod.spec);
    addDefaultTolerations(pod.spec);
  },
};

/** ValidatePod's container and resource rules, as field errors. */
export function validatePodSpec(spec: PodSpec, path = "spec"): Cause[] {
  const causes: Cause[] = [];
  if (!spec.containers?.length)
    causes.push({ reason: "FieldValueRequired", message: "Required value", field: `${path}.containers` });
  const seen = new Set<string>();
  const check = (list: Container[] | undefined, field: string) =>
    (list ?? []).forEach((c, i) => {
      const at = `${path}.${field}[${i}]`;
      if (!c.name) causes.push({ reason: "FieldValueRequired", message: "Required value", field: `${at}.name` });
      else if (seen.has(c.name))
        causes.push({
          reason: "FieldValueDuplicate",
          message: `Duplicate value: ${JSON.stringify(c.name)}`,
          field: `${at}.name`,
        });
      else seen.add(c.name);
      if (!c.image) causes.push({ reason: "FieldValueRequired", message: "Required value", field: `${at}.image` });
      causes.push(...validateResources(c, `${at}.resources`));
    });
  check(spec.initContainers, "initContainers");
  check(spec.containers, "containers");
  return causes;
}

function validateResources(container: Container, path: string): Cause[] {
  const causes: Cause[] = [];
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const parsed = (list: RawResourceList, name: string): Quantity => parseQuantity(list[name]);
  for (const [name, value] of Object.entries(limits)) {
    const q = parsed(limits, name);
    if (q.nano < 0n)
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: "${value}": must be greater than or equal to 0`,
        field: `${path}.limits[${name}]`,
      });
    if (isExtendedResource(name) && q.nano % 1_000_000_000n !== 0n) {
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: "${value}": must be an integer`,
        field: `${path}.limits[${name}]`,
      });
    }
  }
  for (const [name, value] of Object.entries(requests)) {
    const q = parsed(requests, name);
    const at = `${path}.requests[${name}]`;
    if (q.nano < 0n)
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: "${value}": must be greater than or equal to 0`,
        field: at,
      });
    const extended = isExtendedResource(name);
    if (extended && q.nano % 1_000_000_000n !== 0n)
      causes.push({ reason: "FieldValueInvalid", message: `Invalid value: "${value}": must be an integer`, field: at });
    if (name in limits) {
      const limit = parsed(limits, name);
      const order = compareQuantities(q, limit);
      if (extended && order !== 0) {
        causes.push({
          reason: "FieldValueInvalid",
          message: `Invalid value: "${value}": must be equal to ${name} limit of ${limits[name]}`,
          field: at,
        });
      } else if (order > 0) {
        causes.push({
          reason: "FieldValueInvalid",
          message: `Invalid value: "${value}": must be less than or equal to ${name} limit of ${limits[name]}`,
          field: at,
        });
      }
    } else if (extended) {
      causes.push({
        reason: "FieldValueRequired",
        message: "Required value: Limit must be set for non overcommitable resources",
        field: `${path}.limits[${name}]`,
      });
    }
  }
  return causes;
}

/** 422 on invalid containers/resources, then the pod's QoS class (known only after LimitRanger defaults). */
export const podValidationPlugin: AdmissionPlugin = {
  name: "PodValidation",
  admit(attrs) {
    if (!isPodCreate(attrs)) return;
    const pod = attrs.object as Pod;
    const causes = validatePodSpec(pod.spec);
    if (causes.length) throw invalid("Pod", "", pod.metadata.name ?? "", causes);
    pod.status = { ...(pod.status ?? { phase: "Pending" }), qosClass: qosClass(pod.spec) };
  },
};
