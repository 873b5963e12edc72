/** Small helpers over plain JSON objects: deep equality, freezing, cached serialisation. */
import type { KubeObject } from "../contract";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Structural equality that ignores key order (undefined-valued keys count as absent). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
    const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
    if (keysA.length !== keysB.length) return false;
    return keysA.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as object)) deepFreeze(child);
  }
  return value;
}

/** A mutable deep copy of a stored (frozen) object. */
export function cloneObject<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Stored objects are frozen, so their JSON never changes: serialise each once and reuse the
 * text for every list and every watcher (this is what keeps 10k-pod lists and 20 watchers cheap).
 */
const jsonCache = new WeakMap<object, string>();
export function toJson(object: KubeObject): string {
  let text = jsonCache.get(object);
  if (text === undefined) {
    text = JSON.stringify(object);
    if (Object.isFrozen(object)) jsonCache.set(object, text);
  }
  return text;
}

/** RFC 3339 with whole seconds, as Kubernetes writes metav1.Time. */
export function nowTimestamp(offsetSeconds = 0): string {
  const ms = Math.floor(Date.now() / 1000) * 1000 + offsetSeconds * 1000;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
