import "server-only";
import * as k8s from "@kubernetes/client-node";
import type { Cluster } from "@/db/schema";
import { decryptSecret } from "@/lib/crypto/secret-box";

/** What lib/kube needs of a cluster row: enough to build (and cache) its client. */
export type ClusterConnection = Pick<Cluster, "id" | "version" | "kubeconfigEncrypted" | "context">;

export interface KubeClients {
  config: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  batch: k8s.BatchV1Api;
  rbac: k8s.RbacAuthorizationV1Api;
  custom: k8s.CustomObjectsApi;
  objects: k8s.KubernetesObjectApi;
  version: k8s.VersionApi;
}

// One set of clients per cluster and version: a changed kubeconfig (new version) gets new clients.
const globalForKube = globalThis as unknown as { berthKubeClients?: Map<number, { version: number; clients: KubeClients }> };
const cache = (globalForKube.berthKubeClients ??= new Map());

/** Loads a kubeconfig text and selects a context; throws with a plain message when it is unusable. */
export function loadKubeconfig(text: string, context?: string): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromString(text);
  const chosen = context || config.getCurrentContext();
  if (!chosen || !config.getContextObject(chosen)) throw new Error(context ? `The kubeconfig has no context "${context}"` : "The kubeconfig has no current context: choose one");
  config.setCurrentContext(chosen);
  if (!config.getCurrentCluster()?.server) throw new Error(`Context "${chosen}" names no cluster with a server URL`);
  return config;
}

/** The API clients of a cluster, built once from its decrypted kubeconfig. */
export function kubeClients(cluster: ClusterConnection): KubeClients {
  const cached = cache.get(cluster.id);
  if (cached && cached.version === cluster.version) return cached.clients;
  const config = loadKubeconfig(decryptSecret(cluster.kubeconfigEncrypted), cluster.context);
  const clients: KubeClients = {
    config,
    core: config.makeApiClient(k8s.CoreV1Api),
    batch: config.makeApiClient(k8s.BatchV1Api),
    rbac: config.makeApiClient(k8s.RbacAuthorizationV1Api),
    custom: config.makeApiClient(k8s.CustomObjectsApi),
    objects: k8s.KubernetesObjectApi.makeApiClient(config),
    version: config.makeApiClient(k8s.VersionApi),
  };
  cache.set(cluster.id, { version: cluster.version, clients });
  return clients;
}

/** Forgets a cluster's clients (after it is removed). */
export function forgetKubeClients(clusterId: number): void {
  cache.delete(clusterId);
}
