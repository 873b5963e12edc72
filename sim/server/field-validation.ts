/**
 * Unknown-field handling for built-in kinds, as the apiserver's decoder does: with
 * `fieldValidation=Strict` (kubectl's default) an unknown field is a 400 BadRequest, with `Warn`
 * (the API default) a `Warning` header; either way the field is dropped, because a Go struct has
 * nowhere to keep it. The schemas list field names only, for the structures people write by
 * hand; sub-objects marked OPEN are not checked. Custom resources are left alone: the
 * SparkApplication CRD preserves unknown fields.
 */
import type { KubeObject, ResourceType } from "../contract";
import { badRequest } from "./errors";
import { isPlainObject } from "./objects";

/** A field's shape: nested fields, a list of them, or not checked below this point. */
type Shape = Fields | ListOf | typeof OPEN;
interface Fields {
  [field: string]: Shape;
}
class ListOf {
  constructor(readonly item: Fields) {}
}
const OPEN = "open" as const;
const list = (item: Fields) => new ListOf(item);

const open = (...names: string[]): Fields => Object.fromEntries(names.map((n) => [n, OPEN]));

const objectMeta: Fields = open(
  "name",
  "generateName",
  "namespace",
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
);
const envVar: Fields = open("name", "value", "valueFrom");
const resources: Fields = open("limits", "requests", "claims");
const container: Fields = {
  ...open(
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "resizePolicy",
    "restartPolicy",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
  ),
  env: list(envVar),
  resources,
};
const podSpec: Fields = {
  ...open(
    "volumes",
    "ephemeralContainers",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "activeDeadlineSeconds",
    "dnsPolicy",
    "nodeSelector",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "nodeName",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "hostname",
    "subdomain",
    "affinity",
    "schedulerName",
    "tolerations",
    "hostAliases",
    "priorityClassName",
    "priority",
    "dnsConfig",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
  ),
  containers: list(container),
  initContainers: list(container),
};
const podTemplate: Fields = { metadata: objectMeta, spec: podSpec };

const top = (fields: Fields): Fields => ({ apiVersion: OPEN, kind: OPEN, metadata: objectMeta, ...fields });

const SCHEMAS: Record<string, Fields> = {
  pods: top({ spec: podSpec, status: OPEN }),
  "jobs.batch": top({
    spec: {
      ...open(
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "podFailurePolicy",
        "successPolicy",
        "backoffLimit",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
        "selector",
        "manualSelector",
        "ttlSecondsAfterFinished",
        "completionMode",
        "suspend",
        "podReplacementPolicy",
        "managedBy",
      ),
      template: podTemplate,
    },
    status: OPEN,
  }),
  configmaps: top(open("data", "binaryData", "immutable")),
  secrets: top(open("data", "stringData", "type", "immutable")),
  namespaces: top({ spec: open("finalizers"), status: OPEN }),
  serviceaccounts: top(open("secrets", "imagePullSecrets", "automountServiceAccountToken")),
  resourcequotas: top({ spec: open("hard", "scopes", "scopeSelector"), status: OPEN }),
  limitranges: top({
    spec: { limits: list(open("type", "max", "min", "default", "defaultRequest", "maxLimitRequestRatio")) },
  }),
  "roles.rbac.authorization.k8s.io": top({
    rules: list(open("apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs")),
  }),
  "rolebindings.rbac.authorization.k8s.io": top({
    subjects: list(open("kind", "apiGroup", "name", "namespace")),
    roleRef: open("apiGroup", "kind", "name"),
  }),
  nodes: top({
    spec: open("podCIDR", "podCIDRs", "providerID", "unschedulable", "taints", "configSource", "externalID"),
    status: OPEN,
  }),
};

/** Removes unknown fields in place and returns their paths (`spec.containers[0].imagez`). */
function prune(value: unknown, shape: Shape, path: string, unknown: string[]): void {
  if (shape === OPEN) return;
  if (shape instanceof ListOf) {
    if (Array.isArray(value)) value.forEach((item, i) => prune(item, shape.item, `${path}[${i}]`, unknown));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    const child = Object.prototype.hasOwnProperty.call(shape, key) ? shape[key] : undefined;
    const childPath = path ? `${path}.${key}` : key;
    if (child === undefined) {
      unknown.push(childPath);
      delete value[key];
    } else prune(value[key], child, childPath, unknown);
  }
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export function fieldValidationOf(url: URL): FieldValidation {
  const mode = url.searchParams.get("fieldValidation");
  return mode === "Strict" || mode === "Ignore" ? mode : "Warn";
}

/**
 * Drops unknown fields from a built-in object about to be written. Throws 400 in Strict mode;
 * otherwise returns warnings for the `Warning` header (empty for Ignore).
 */
export function checkUnknownFields(type: ResourceType, object: KubeObject, mode: FieldValidation): string[] {
  const schema = SCHEMAS[type.key];
  if (!schema) return [];
  const unknown: string[] = [];
  prune(object, schema, "", unknown);
  if (!unknown.length || mode === "Ignore") return [];
  const messages = unknown.map((path) => `unknown field "${path}"`);
  if (mode === "Strict") {
    const gv = type.group ? `${type.group}/${type.version}` : type.version;
    throw badRequest(
      `${type.kind} in version "${gv}" cannot be handled as a ${type.kind}: strict decoding error: ${messages.join(", ")}`,
    );
  }
  return messages;
}
