/**
 * Discovery documents (/version, /api, /apis, per group-version resource lists) and the OpenAPI
 * endpoints kubectl needs: an empty protobuf /openapi/v2 so validation passes, and a minimal
 * /openapi/v3 advertising `fieldValidation` on PATCH so kubectl ≥1.29 delegates validation.
 */
import { createHash } from "node:crypto";

import type { ResourceType, Store } from "../contract";
import { groupVersionOf } from "./builtin-types";

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
}

export function versionDocument(version: VersionInfo) {
  return {
    major: version.major,
    minor: version.minor,
    gitVersion: version.gitVersion,
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.24.0",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

export function apiVersions(serverAddress: string) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

/** group -> versions, in a stable order (the core group excluded). */
function groupVersions(store: Store): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const type of store.types()) {
    if (!type.group) continue;
    const versions = groups.get(type.group) ?? [];
    if (!versions.includes(type.version)) versions.push(type.version);
    groups.set(type.group, versions);
  }
  return groups;
}

function groupDocument(name: string, versions: string[]) {
  const list = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(store: Store) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groupVersions(store)].map(([name, versions]) => groupDocument(name, versions)),
  };
}

export function apiGroup(store: Store, group: string) {
  const versions = groupVersions(store).get(group);
  return versions ? { kind: "APIGroup", apiVersion: "v1", ...groupDocument(group, versions) } : undefined;
}

const SUBRESOURCE_VERBS: Record<string, { verbs: string[]; kind?: string; group?: string; version?: string }> = {
  status: { verbs: ["get", "patch", "update"] },
  log: { verbs: ["get"] },
  eviction: { verbs: ["create"], kind: "Eviction", group: "policy", version: "v1" },
  binding: { verbs: ["create"], kind: "Binding" },
  scale: { verbs: ["get", "patch", "update"], kind: "Scale", group: "autoscaling", version: "v1" },
};

function resourceEntries(type: ResourceType) {
  const main = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    ...(type.shortNames?.length ? { shortNames: type.shortNames } : {}),
    ...(type.categories?.length ? { categories: type.categories } : {}),
    storageVersionHash: createHash("sha256")
      .update(`${groupVersionOf(type)}/${type.kind}`)
      .digest("base64")
      .slice(0, 11),
  };
  const subs = (type.subresources ?? []).map((sub) => {
    const info = SUBRESOURCE_VERBS[sub] ?? { verbs: ["get"] };
    return {
      name: `${type.plural}/${sub}`,
      singularName: "",
      namespaced: type.namespaced,
      ...(info.group ? { group: info.group, version: info.version } : {}),
      kind: info.kind ?? type.kind,
      verbs: info.verbs,
    };
  });
  return [main, ...subs];
}

export function apiResourceList(store: Store, group: string, version: string) {
  const types = store.types().filter((t) => t.group === group && t.version === version);
  if (!types.length && group) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: group ? `${group}/${version}` : version,
    resources: types.flatMap(resourceEntries),
  };
}

// ---- aggregated discovery (apidiscovery.k8s.io) --------------------------------------------

/** The aggregated discovery version a client accepts (v2, or v2beta1 for kubectl ≤1.29), if any. */
export function aggregatedDiscoveryVersion(accept: string | undefined): "v2" | "v2beta1" | undefined {
  for (const part of (accept ?? "").split(",")) {
    const params = new Map(
      part
        .split(";")
        .slice(1)
        .map((p) => p.trim().split("=") as [string, string]),
    );
    if (params.get("g") !== "apidiscovery.k8s.io" || params.get("as") !== "APIGroupDiscoveryList") continue;
    const version = params.get("v");
    if (version === "v2" || version === "v2beta1") return version;
  }
  return undefined;
}

export const aggregatedContentType = (version: string) =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;

function resourceDiscovery(type: ResourceType) {
  return {
    resource: type.plural,
    responseKind: { group: type.group, version: type.version, kind: type.kind },
    scope: type.namespaced ? "Namespaced" : "Cluster",
    singularResource: type.singular,
    verbs: type.verbs,
    ...(type.shortNames?.length ? { shortNames: type.shortNames } : {}),
    ...(type.categories?.length ? { categories: type.categories } : {}),
    ...(type.subresources?.length
      ? {
          subresources: type.subresources.map((sub) => {
            const info = SUBRESOURCE_VERBS[sub] ?? { verbs: ["get"] };
            return {
              subresource: sub,
              responseKind: {
                group: info.group ?? type.group,
                version: info.version ?? type.version,
                kind: info.kind ?? type.kind,
              },
              verbs: info.verbs,
            };
          }),
        }
      : {}),
  };
}

/** `/api` (core only) or `/apis` (every group) as one aggregated document. */
export function aggregatedDiscovery(store: Store, core: boolean, version: string) {
  const groups = new Map<string, Map<string, ResourceType[]>>();
  for (const type of store.types()) {
    if ((type.group === "") !== core) continue;
    const versions = groups.get(type.group) ?? new Map<string, ResourceType[]>();
    versions.set(type.version, [...(versions.get(type.version) ?? []), type]);
    groups.set(type.group, versions);
  }
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...groups].map(([name, versions]) => ({
      metadata: name ? { name } : {},
      versions: [...versions].map(([v, types]) => ({
        version: v,
        resources: types.map(resourceDiscovery),
        freshness: "Current",
      })),
    })),
  };
}

// ---- OpenAPI --------------------------------------------------------------------------------

/** The v3 index: one entry per served group-version, with a hash kubectl uses as cache key. */
export function openApiV3Index(store: Store) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const byGv = new Map<string, ResourceType[]>();
  for (const type of store.types()) {
    const path = type.group ? `apis/${type.group}/${type.version}` : "api/v1";
    byGv.set(path, [...(byGv.get(path) ?? []), type]);
  }
  for (const [path, types] of byGv) {
    const hash = createHash("sha256")
      .update(
        types
          .map((t) => t.key)
          .sort()
          .join(","),
      )
      .digest("hex")
      .slice(0, 32)
      .toUpperCase();
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hash}` };
  }
  return { paths };
}

/**
 * A v3 document for one group-version. It holds no schemas (kubectl falls back to its compiled-in
 * types for strategic merge metadata); it only declares that PATCH understands fieldValidation.
 */
export function openApiV3Document(store: Store, gvPath: string, gitVersion: string) {
  const types = store.types().filter((t) => (t.group ? `apis/${t.group}/${t.version}` : "api/v1") === gvPath);
  if (!types.length) return undefined;
  const paths: Record<string, unknown> = {};
  const fieldValidation = { name: "fieldValidation", in: "query", schema: { type: "string", uniqueItems: true } };
  for (const type of types) {
    const prefix = `/${gvPath}${type.namespaced ? "/namespaces/{namespace}" : ""}/${type.plural}`;
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const op = (verb: string) => ({
      "x-kubernetes-action": verb,
      "x-kubernetes-group-version-kind": gvk,
      parameters: [fieldValidation],
      responses: {},
    });
    paths[prefix] = { post: op("post") };
    paths[`${prefix}/{name}`] = { put: op("put"), patch: op("patch") };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: gitVersion }, paths, components: { schemas: {} } };
}
