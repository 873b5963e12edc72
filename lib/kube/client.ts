import "server-only";

import * as k8s from "@kubernetes/client-node";

import { decryptSecret, UnreadableSecretError } from "@/lib/crypto/secret-box";

import { KubeCallError } from "./errors";
import { authenticateWithTokenFile } from "./in-cluster";
import {
  STRICT_KUBECONFIG_POLICY,
  vetKubeconfigText,
  type KubeconfigPolicy,
  type KubeconfigProblem,
} from "./kubeconfig-policy";

/**
 * What lib/kube needs of a cluster: enough to build (and cache) its client. `version` changes when
 * the stored kubeconfig does, so a cached client is rebuilt. `inCluster`: the cluster Berth runs in,
 * reached with the pod's ServiceAccount token (see setServiceAccountTokenFile).
 */
export interface ClusterConnection {
  id: number;
  version: number;
  /** The kubeconfig as lib/crypto/secret-box sealed it. */
  kubeconfigEncrypted: string;
  context: string;
  inCluster?: boolean;
}

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
// A changed kubeconfig policy empties the cache, so every stored kubeconfig is vetted again.
const globalForKube = globalThis as unknown as {
  berthKubeClients?: Map<number, { version: number; clients: KubeClients }>;
  berthKubeconfigPolicy?: KubeconfigPolicy;
  berthServiceAccountTokenFile?: string | null;
};
const cache = (globalForKube.berthKubeClients ??= new Map());

/** The policy clients are built under: strict until the instance settings say otherwise. */
export function currentKubeconfigPolicy(): KubeconfigPolicy {
  return globalForKube.berthKubeconfigPolicy ?? STRICT_KUBECONFIG_POLICY;
}

/**
 * Sets the policy stored kubeconfigs are vetted under (at start and when an admin changes a
 * switch). A change forgets every cached client: one stored while exec plugins were allowed
 * stops working at its next use once they are not.
 */
export function setKubeconfigPolicy(policy: KubeconfigPolicy): boolean {
  if (JSON.stringify(policy) === JSON.stringify(currentKubeconfigPolicy())) return false;
  globalForKube.berthKubeconfigPolicy = { ...policy };
  cache.clear();
  return true;
}

/**
 * The pod's ServiceAccount token file, which in-cluster rows authenticate with (read for every
 * request, so a rotated token is used at once); null when Berth does not run in a pod. Set at start.
 */
export function setServiceAccountTokenFile(tokenFile: string | null): void {
  if ((globalForKube.berthServiceAccountTokenFile ?? null) === tokenFile) return;
  globalForKube.berthServiceAccountTokenFile = tokenFile;
  cache.clear();
}

/**
 * A kubeconfig Berth cannot use: no such context, no server, or `problems` with fields Berth (or
 * this instance's settings) does not allow. Carries a plain failure, so it shows as the cluster's
 * last error; problems name keys, never values.
 */
function unusableKubeconfig(message: string, problems: KubeconfigProblem[] = []): KubeCallError {
  return new KubeCallError({ status: 502, reason: "Error", message }, { kind: "kubeconfig", problems });
}

/**
 * Vets a kubeconfig text against the allow-list and `policy`, builds a client configuration from
 * the vetted fields only (never client-node's own parser of the text, which reads files and keeps
 * plugins), and selects a context. Throws a KubeCallError of kind "kubeconfig", in plain words.
 */
export function loadKubeconfig(
  text: string,
  context?: string,
  policy: KubeconfigPolicy = STRICT_KUBECONFIG_POLICY,
): k8s.KubeConfig {
  const vetted = vetKubeconfigText(text, policy);
  if (!vetted.ok)
    throw unusableKubeconfig(
      `The kubeconfig is refused: ${vetted.problems.map((problem) => problem.message).join("; ")}`,
      vetted.problems,
    );
  const config = new k8s.KubeConfig();
  config.loadFromOptions(vetted.options);
  const chosen = context || config.getCurrentContext();
  if (!chosen || !config.getContextObject(chosen))
    throw unusableKubeconfig(
      context ? `The kubeconfig has no context "${context}"` : "The kubeconfig has no current context: choose one",
    );
  config.setCurrentContext(chosen);
  if (!config.getCurrentCluster()?.server)
    throw unusableKubeconfig(`Context "${chosen}" names no cluster with a server URL`);
  return config;
}

/** The cluster's kubeconfig in clear; a key mismatch is said as what to do, not as a crypto error. */
function storedKubeconfig(cluster: ClusterConnection): string {
  try {
    return decryptSecret(cluster.kubeconfigEncrypted);
  } catch (error) {
    if (!(error instanceof UnreadableSecretError)) throw error;
    throw new KubeCallError({
      status: 503,
      reason: "Error",
      message: `Berth cannot decrypt this cluster's stored kubeconfig (${error.message}): restart Berth with the key it was saved with, or paste the kubeconfig again.`,
    });
  }
}

/**
 * The API clients of a cluster, built once from its decrypted kubeconfig, vetted again under the
 * instance's current kubeconfig policy: one stored while an admin allowed exec plugins stops
 * working when that is turned off.
 */
export function kubeClients(cluster: ClusterConnection): KubeClients {
  const cached = cache.get(cluster.id);
  if (cached && cached.version === cluster.version) return cached.clients;
  cache.delete(cluster.id);
  const config = loadKubeconfig(storedKubeconfig(cluster), cluster.context, currentKubeconfigPolicy());
  if (cluster.inCluster) {
    const tokenFile = globalForKube.berthServiceAccountTokenFile;
    if (!tokenFile)
      throw unusableKubeconfig(
        "This is the cluster Berth ran in: Berth no longer runs there with a ServiceAccount token, so it cannot reach it",
      );
    authenticateWithTokenFile(config, tokenFile);
  }
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
