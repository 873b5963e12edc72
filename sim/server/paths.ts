/** Mapping request paths to resources, and the extra routes the behaviour side registers. */
import type { ExtraRoute, ResourceType, Store } from "../contract";

export interface ResourcePath {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * `/api/v1/...` and `/apis/<group>/<version>/...` paths: collections (optionally namespaced),
 * objects and subresources. Returns undefined for anything that is not a served resource.
 */
export function parseResourcePath(store: Store, segments: string[]): ResourcePath | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === "api" && segments.length >= 3) {
    group = "";
    version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === "apis" && segments.length >= 4) {
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  } else return undefined;
  const find = (plural: string) =>
    store.types().find((t) => t.group === group && t.version === version && t.plural === plural);

  if (rest[0] === "namespaces" && rest.length >= 3) {
    const namespaced = find(rest[2]);
    if (namespaced?.namespaced) {
      if (rest.length > 5) return undefined;
      return { type: namespaced, namespace: rest[1], name: rest[3], subresource: rest[4] };
    }
  }
  const type = find(rest[0]);
  if (!type || rest.length > 3) return undefined;
  if (type.namespaced && rest.length > 1) return undefined; // a namespaced object needs its namespace
  return { type, name: rest[1], subresource: rest[2] };
}

export interface CompiledRoute {
  route: ExtraRoute;
  pattern: RegExp;
  names: string[];
}

export function compileRoute(route: ExtraRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((part) => {
      if (part.startsWith(":")) {
        names.push(part.slice(1));
        return "([^/]+)";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

export function matchRoute(compiled: CompiledRoute, method: string, path: string): Record<string, string> | undefined {
  if (compiled.route.method !== method) return undefined;
  const m = compiled.pattern.exec(path);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  try {
    compiled.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
  } catch {
    return undefined; // a malformed escape matches no route
  }
  return params;
}
