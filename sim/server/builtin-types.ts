/** The kinds the core serves itself, described as discovery advertises them. */
import type { ResourceType } from "../contract";

const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

interface Spec {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: string[];
  verbs?: string[];
}

function describe(spec: Spec): ResourceType {
  return {
    key: spec.group ? `${spec.plural}.${spec.group}` : spec.plural,
    group: spec.group,
    version: spec.version,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    plural: spec.plural,
    singular: spec.kind.toLowerCase(),
    namespaced: spec.namespaced,
    shortNames: spec.shortNames,
    categories: spec.categories,
    verbs: spec.verbs ?? ALL_VERBS,
    subresources: spec.subresources,
  };
}

export const BUILTIN_TYPES: ResourceType[] = [
  describe({
    group: "",
    version: "v1",
    kind: "Namespace",
    plural: "namespaces",
    namespaced: false,
    shortNames: ["ns"],
    subresources: ["status"],
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
  }),
  describe({
    group: "",
    version: "v1",
    kind: "Node",
    plural: "nodes",
    namespaced: false,
    shortNames: ["no"],
    subresources: ["status"],
  }),
  describe({
    group: "",
    version: "v1",
    kind: "Pod",
    plural: "pods",
    namespaced: true,
    shortNames: ["po"],
    categories: ["all"],
    subresources: ["status", "log", "eviction", "binding"],
  }),
  describe({ group: "", version: "v1", kind: "Event", plural: "events", namespaced: true, shortNames: ["ev"] }),
  describe({
    group: "",
    version: "v1",
    kind: "ResourceQuota",
    plural: "resourcequotas",
    namespaced: true,
    shortNames: ["quota"],
    subresources: ["status"],
  }),
  describe({
    group: "",
    version: "v1",
    kind: "LimitRange",
    plural: "limitranges",
    namespaced: true,
    shortNames: ["limits"],
  }),
  describe({ group: "", version: "v1", kind: "Secret", plural: "secrets", namespaced: true }),
  describe({ group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true, shortNames: ["cm"] }),
  describe({
    group: "",
    version: "v1",
    kind: "ServiceAccount",
    plural: "serviceaccounts",
    namespaced: true,
    shortNames: ["sa"],
  }),
  describe({
    group: "batch",
    version: "v1",
    kind: "Job",
    plural: "jobs",
    namespaced: true,
    categories: ["all"],
    subresources: ["status"],
  }),
  describe({ group: "rbac.authorization.k8s.io", version: "v1", kind: "Role", plural: "roles", namespaced: true }),
  describe({
    group: "rbac.authorization.k8s.io",
    version: "v1",
    kind: "RoleBinding",
    plural: "rolebindings",
    namespaced: true,
  }),
  describe({
    group: "apiextensions.k8s.io",
    version: "v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    namespaced: false,
    shortNames: ["crd", "crds"],
    categories: ["api-extensions"],
    subresources: ["status"],
  }),
];

export const NAMESPACES = "namespaces";
export const PODS = "pods";
export const NODES = "nodes";
export const CRDS = "customresourcedefinitions.apiextensions.k8s.io";

export const groupVersionOf = (type: ResourceType) => (type.group ? `${type.group}/${type.version}` : type.version);
