/**
 * Namespace lifecycle pieces a real control plane provides: the system namespaces exist from the
 * start, and every namespace gets its `default` ServiceAccount (the serviceaccount controller).
 */
import type { KubeObject } from "../contract";
import { NAMESPACES } from "./builtin-types";
import type { MemoryStore } from "./store";

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export function ensureNamespaces(store: MemoryStore, names: string[]): void {
  for (const name of names) {
    if (!store.get(NAMESPACES, undefined, name)) {
      store.create(
        NAMESPACES,
        { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name } } },
        { internal: true },
      );
    }
  }
}

function ensureDefaultServiceAccount(store: MemoryStore, namespace: KubeObject): void {
  const ns = namespace.metadata.name!;
  if (namespace.metadata.deletionTimestamp || store.get("serviceaccounts", ns, "default")) return;
  store.create(
    "serviceaccounts",
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace: ns } },
    { internal: true },
  );
}

/** Starts the default-ServiceAccount controller; returns its stop function. */
export function startNamespaceController(store: MemoryStore): () => void {
  for (const ns of store.list(NAMESPACES)) ensureDefaultServiceAccount(store, ns);
  return store.subscribe((event) => {
    if (event.resource === NAMESPACES && event.type === "ADDED") ensureDefaultServiceAccount(store, event.object);
    if (event.resource === "serviceaccounts" && event.type === "DELETED" && event.object.metadata.name === "default") {
      const ns = store.get(NAMESPACES, undefined, event.object.metadata.namespace!);
      if (ns) ensureDefaultServiceAccount(store, ns);
    }
  });
}
