/**
 * The four PATCH flavours the apiserver accepts: JSON patch (RFC 6902), JSON merge patch
 * (RFC 7386), strategic merge patch (merge keys from k8s.io/api struct tags for the kinds served
 * here) and a merge-based server-side apply. All functions return a new object.
 */
import jsonPatch, { type Operation } from "fast-json-patch";

import { badRequest, statusError } from "./errors";
import { isPlainObject } from "./objects";

type Obj = Record<string, unknown>;

export const PATCH_TYPES = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

export function applyJsonPatch<T>(target: T, operations: unknown): T {
  if (!Array.isArray(operations))
    throw badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  try {
    return jsonPatch.applyPatch(structuredClone(target), operations as Operation[], true, true).newDocument;
  } catch {
    // The real apiserver answers with the generic text and empty details, not the patch library's reason.
    throw statusError(422, "Invalid", "the server rejected our request due to an error in our request", {});
  }
}

/** RFC 7386: objects merge recursively, null deletes, everything else (lists too) replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Obj = isPlainObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/**
 * Merge keys of lists (patchMergeKey) by field name. Field names are unique enough across the
 * kinds served here that the parent type need not be tracked.
 */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  imagePullSecrets: "name",
  ports: "containerPort",
  hostAliases: "ip",
  conditions: "type",
  ownerReferences: "uid",
  topologySpreadConstraints: "topologyKey",
  resourceClaims: "name",
};
/** Lists of scalars with patchStrategy "merge" (set union). */
const MERGED_SCALAR_LISTS = new Set(["finalizers"]);

const SET_ORDER = "$setElementOrder/";
const DELETE_FROM = "$deleteFromPrimitiveList/";

function isDirectiveKey(key: string): boolean {
  return key === "$patch" || key === "$retainKeys" || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM);
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value))
    return value.filter((v) => !(isPlainObject(v) && v.$patch === "delete")).map(stripDirectives);
  if (!isPlainObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) if (!isDirectiveKey(k) && v !== null) out[k] = stripDirectives(v);
  return out;
}

/** Strategic merge patch over built-in kinds (what `kubectl apply/edit/label/annotate` send). */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  return mergeMap(isPlainObject(target) ? target : {}, patch, true);
}

function mergeMap(original: Obj, patch: unknown, deleteNulls: boolean): unknown {
  if (!isPlainObject(patch)) throw badRequest("unable to find api field in struct for the patch");
  if (patch.$patch === "replace") return stripDirectives(patch);
  if (patch.$patch === "delete") return undefined;
  const result: Obj = structuredClone(original) as Obj;
  for (const [key, value] of Object.entries(patch)) {
    if (isDirectiveKey(key)) continue;
    if (value === null) {
      if (deleteNulls) delete result[key];
      continue;
    }
    const current = result[key];
    let merged: unknown;
    if (Array.isArray(value)) merged = mergeList(key, Array.isArray(current) ? current : [], value, deleteNulls);
    else if (isPlainObject(value) && isPlainObject(current)) merged = mergeMap(current, value, deleteNulls);
    else merged = stripDirectives(value);
    if (merged === undefined) delete result[key];
    else result[key] = merged;
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM) && Array.isArray(value)) {
      const field = key.slice(DELETE_FROM.length);
      if (Array.isArray(result[field])) result[field] = (result[field] as unknown[]).filter((v) => !value.includes(v));
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(SET_ORDER) && Array.isArray(value)) {
      const field = key.slice(SET_ORDER.length);
      if (Array.isArray(result[field])) result[field] = reorder(field, result[field] as unknown[], value);
    }
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys as string[]);
    for (const key of Object.keys(result)) if (!keep.has(key) && !(key in patch)) delete result[key];
  }
  return result;
}

function mergeList(field: string, original: unknown[], patch: unknown[], deleteNulls: boolean): unknown[] {
  const mergeKey = MERGE_KEYS[field];
  if (patch.some((item) => isPlainObject(item) && item.$patch === "replace")) {
    return patch.filter((item) => !(isPlainObject(item) && item.$patch === "replace")).map(stripDirectives);
  }
  if (MERGED_SCALAR_LISTS.has(field)) {
    const out = [...original];
    for (const item of patch) if (!out.includes(item)) out.push(item);
    return out;
  }
  if (!mergeKey || !patch.every(isPlainObject)) return patch.map(stripDirectives);
  const out: unknown[] = structuredClone(original);
  const indexOf = (key: unknown) => out.findIndex((item) => isPlainObject(item) && item[mergeKey] === key);
  for (const item of patch as Obj[]) {
    const at = indexOf(item[mergeKey]);
    if (item.$patch === "delete") {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) {
      out[at] = mergeMap(out[at] as Obj, item, deleteNulls);
    } else {
      out.push(stripDirectives(item));
    }
  }
  return out;
}

/** `$setElementOrder`: listed elements in the given order, then the others in their old order. */
function reorder(field: string, list: unknown[], order: unknown[]): unknown[] {
  const mergeKey = MERGE_KEYS[field];
  const keyOf = (item: unknown) => (mergeKey && isPlainObject(item) ? item[mergeKey] : item);
  const wanted = order.map(keyOf);
  const ranked = list.map((item, i) => ({ item, rank: wanted.indexOf(keyOf(item)), i }));
  ranked.sort((a, b) => (a.rank < 0 ? Infinity : a.rank) - (b.rank < 0 ? Infinity : b.rank) || a.i - b.i);
  return ranked.map((r) => r.item);
}

/**
 * Server-side apply, simplified: the applied configuration is merged over the live object with
 * list merge keys (nulls mean "not managed", not "delete"); fields this manager owned before
 * (its managedFields set) but no longer applies are removed. Conflicts with other managers are
 * checked beforehand (apply-conflicts.ts).
 */
export function applyServerSide(live: Obj, applied: Obj, previousFields: Obj | undefined): Obj {
  const merged = mergeMap(live, applied, false) as Obj;
  if (previousFields) removeDropped(merged, previousFields, fieldSet(applied));
  return merged;
}

/** The FieldsV1 set of a configuration: `f:<field>` for fields, `k:{"name":"x"}` for keyed items. */
export function fieldSet(value: Obj): Obj {
  const out: Obj = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === null || child === undefined) continue;
    const mergeKey = MERGE_KEYS[key];
    if (isPlainObject(child)) out[`f:${key}`] = fieldSet(child);
    else if (Array.isArray(child) && mergeKey && child.every(isPlainObject)) {
      const items: Obj = {};
      for (const item of child as Obj[]) items[itemKey(mergeKey, item[mergeKey])] = { ".": {}, ...fieldSet(item) };
      out[`f:${key}`] = items;
    } else out[`f:${key}`] = {};
  }
  return out;
}

const itemKey = (mergeKey: string, id: unknown) => `k:${JSON.stringify({ [mergeKey]: id })}`;
const IDENTITY = new Set(["f:apiVersion", "f:kind", "f:metadata"]);

function removeDropped(target: Obj, before: Obj, now: Obj): void {
  for (const [entry, old] of Object.entries(before)) {
    if (!entry.startsWith("f:")) continue;
    const key = entry.slice(2);
    const current = now[entry];
    const live = target[key];
    if (current === undefined) {
      // Drop only what this manager owned inside a map; other managers' keys stay.
      if (isPlainObject(live) && isPlainObject(old) && Object.keys(old).some((k) => k.startsWith("f:"))) {
        removeDropped(live, old, {});
        if (Object.keys(live).length === 0 && !IDENTITY.has(entry)) delete target[key];
      } else if (!IDENTITY.has(entry)) delete target[key];
      continue;
    }
    if (isPlainObject(live) && isPlainObject(old) && isPlainObject(current)) {
      removeDropped(live, old, current);
    } else if (Array.isArray(live) && MERGE_KEYS[key] && isPlainObject(old) && isPlainObject(current)) {
      const mergeKey = MERGE_KEYS[key];
      target[key] = live.filter((item) => {
        const id = itemKey(mergeKey, isPlainObject(item) ? item[mergeKey] : item);
        return !(id in old) || id in current;
      });
      for (const item of target[key] as unknown[]) {
        if (!isPlainObject(item)) continue;
        const id = itemKey(mergeKey, item[mergeKey]);
        if (isPlainObject(old[id]) && isPlainObject(current[id]))
          removeDropped(item, old[id] as Obj, current[id] as Obj);
      }
    }
  }
}
