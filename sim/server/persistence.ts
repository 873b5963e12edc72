/** `--state FILE`: the whole store as JSON, loaded at start and saved (debounced) on change and at stop. */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import type { KubeObject, ResourceKey } from "../contract";
import { CRDS } from "./builtin-types";
import { typeFromCrd } from "./crds";
import { toJson } from "./objects";
import type { MemoryStore } from "./store";

interface SavedState {
  format: "berth-sim/v1";
  resourceVersion: number;
  objects: { resource: ResourceKey; object: KubeObject }[];
}

/** Loads a saved state if the file exists; returns whether anything was loaded. */
export function loadState(store: MemoryStore, path: string): boolean {
  if (!existsSync(path)) return false;
  const state = JSON.parse(readFileSync(path, "utf8")) as SavedState;
  if (state.format !== "berth-sim/v1") throw new Error(`${path}: not a berth-sim state file`);
  store.load(state, (object, resource) => {
    if (resource !== CRDS) return;
    const type = typeFromCrd(object);
    if (type) store.registerType(type);
  });
  return true;
}

export function saveState(store: MemoryStore, path: string): void {
  const { resourceVersion, objects } = store.dump();
  // Built from each object's cached JSON: saving 10k pods must not stall the API for long.
  const items = objects.map(
    ({ resource, object }) => `{"resource":${JSON.stringify(resource)},"object":${toJson(object)}}`,
  );
  const text = `{"format":"berth-sim/v1","resourceVersion":${resourceVersion},"objects":[${items.join(",")}]}`;
  // The state holds Secrets and service-account tokens: owner-only, like the rest of Berth's data dir.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.tmp`;
  // A leftover temporary file would keep its older mode: `mode` applies only when a file is created.
  rmSync(temporary, { force: true });
  writeFileSync(temporary, text, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path); // never leave a half-written file behind
}

/** Saves a few seconds after changes settle (at most every `maxDelayMs`); returns a stop function that saves once more. */
export function autosave(store: MemoryStore, path: string, quietMs = 2000, maxDelayMs = 10_000): () => void {
  let timer: NodeJS.Timeout | undefined;
  let firstDirty = 0;
  const flush = () => {
    timer = undefined;
    firstDirty = 0;
    saveState(store, path);
  };
  const unsubscribe = store.subscribe(() => {
    const now = Date.now();
    if (!firstDirty) firstDirty = now;
    clearTimeout(timer);
    timer = setTimeout(flush, Math.max(0, Math.min(quietMs, firstDirty + maxDelayMs - now)));
  });
  return () => {
    unsubscribe();
    clearTimeout(timer);
    saveState(store, path);
  };
}
