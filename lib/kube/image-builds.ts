import "server-only";
import type { V1ConfigMap, V1Job, V1Pod, V1Secret, V1SecurityContext } from "@kubernetes/client-node";
import { kubeClients, type ClusterConnection } from "./client";
import { describeKubeError, isUnreadableLog, KubeCallError } from "./errors";
import type { SharedInformer } from "./informers";
import { createNamespace } from "./namespaces";
import { hardenedPodSecurity } from "./pod-builder";
import { followPodLog } from "./run-pods";
import { callCluster } from "./timeout";

/** The container name of every build pod. */
export const KANIKO_CONTAINER = "kaniko";

const isNotFound = (error: unknown) => (error as { code?: unknown })?.code === 404 || (error instanceof KubeCallError && error.failure.reason === "NotFound");

/** What a build Job needs: names, the Dockerfile, the docker config JSON and the executor image. */
export interface BuildJobSpec {
  namespace: string;
  labels: Record<string, string>;
  jobName: string;
  configMapName: string;
  secretName: string;
  dockerfile: string;
  dockerConfigJson: string;
  executorImage: string;
  destination: string;
}

/**
 * Kaniko unpacks base images and runs RUN steps as root inside its own container, so it cannot
 * drop every capability as Berth's other pods do: it keeps the file-ownership ones unpacking
 * needs (CHOWN, DAC_OVERRIDE, FOWNER, SETFCAP) and SETUID/SETGID for `USER` steps, as found in
 * GoogleContainerTools/kaniko#778 and #1171 and shipwright-io/build's Kaniko strategy. All are in
 * Pod Security "baseline"; it cannot run under "restricted" (root).
 */
const KANIKO_SECURITY: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"], add: ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETFCAP", "SETGID", "SETUID"] },
};

/** The ConfigMap, Secret and Job of one Kaniko build (pure, so the shapes are testable). */
export function buildJobObjects(spec: BuildJobSpec): { configMap: V1ConfigMap; secret: V1Secret; job: V1Job } {
  const metadata = (name: string) => ({ name, namespace: spec.namespace, labels: { ...spec.labels, "app.kubernetes.io/managed-by": "berth" } });
  return {
    configMap: { apiVersion: "v1", kind: "ConfigMap", metadata: metadata(spec.configMapName), data: { Dockerfile: spec.dockerfile } },
    secret: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: metadata(spec.secretName),
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": Buffer.from(spec.dockerConfigJson, "utf8").toString("base64") },
    },
    job: {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: metadata(spec.jobName),
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { ...spec.labels } },
          spec: {
            restartPolicy: "Never",
            securityContext: hardenedPodSecurity(),
            containers: [
              {
                name: KANIKO_CONTAINER,
                securityContext: KANIKO_SECURITY,
                image: spec.executorImage,
                args: ["--context=dir:///workspace", "--dockerfile=/workspace/Dockerfile", `--destination=${spec.destination}`, "--digest-file=/dev/termination-log"],
                volumeMounts: [
                  { name: "context", mountPath: "/workspace" },
                  { name: "docker-config", mountPath: "/kaniko/.docker" },
                ],
              },
            ],
            volumes: [
              { name: "context", configMap: { name: spec.configMapName } },
              { name: "docker-config", secret: { secretName: spec.secretName, items: [{ key: ".dockerconfigjson", path: "config.json" }] } },
            ],
          },
        },
      },
    },
  };
}

/** Creates the namespace (if missing), then the build's ConfigMap, Secret and Job. */
export async function createBuildJob(cluster: ClusterConnection, spec: BuildJobSpec): Promise<void> {
  const { core, batch } = kubeClients(cluster);
  try {
    await createNamespace(cluster, spec.namespace);
  } catch (error) {
    throw new KubeCallError(describeKubeError(error));
  }
  const { configMap, secret, job } = buildJobObjects(spec);
  await callCluster(core.createNamespacedConfigMap({ namespace: spec.namespace, body: configMap }));
  await callCluster(core.createNamespacedSecret({ namespace: spec.namespace, body: secret }));
  await callCluster(batch.createNamespacedJob({ namespace: spec.namespace, body: job }));
}

/** Build pods by the value of `label` (their Job's name); the newest when a Job made two. */
export function buildPodsByLabel(pods: readonly V1Pod[], label: string): Map<string, V1Pod> {
  const byJob = new Map<string, V1Pod>();
  const created = (pod: V1Pod | undefined) => new Date(pod?.metadata?.creationTimestamp ?? 0).getTime();
  for (const pod of pods) {
    const value = pod.metadata?.labels?.[label];
    if (value && created(pod) >= created(byJob.get(value))) byJob.set(value, pod);
  }
  return byJob;
}

/** The build pods of a namespace, by the value of `label`, read from the cluster once. */
export async function listBuildPods(cluster: ClusterConnection, namespace: string, label: string): Promise<Map<string, V1Pod>> {
  const list = await callCluster(kubeClients(cluster).core.listNamespacedPod({ namespace, labelSelector: label }));
  return buildPodsByLabel(list.items, label);
}

/**
 * The build pods of a namespace from the cluster's shared pods informer (no request per call).
 * Fails like a request when the informer has not synced or is stale, so callers keep builds as
 * they are until the cluster answers again.
 */
export async function watchedBuildPods(informer: SharedInformer<V1Pod>, namespace: string, label: string): Promise<Map<string, V1Pod>> {
  try {
    await informer.whenSynced(10_000);
  } catch (error) {
    throw new KubeCallError({ status: 503, reason: "Unreachable", message: error instanceof Error ? error.message : String(error) });
  }
  if (informer.status().stale) throw new KubeCallError({ status: 503, reason: "Unreachable", message: informer.status().error ?? "The cluster is not answering" });
  return buildPodsByLabel(informer.list(namespace), label);
}

/** The Job, or null when it is gone. */
export async function readBuildJob(cluster: ClusterConnection, namespace: string, name: string): Promise<V1Job | null> {
  try {
    return await callCluster(kubeClients(cluster).batch.readNamespacedJob({ namespace, name }));
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** The whole log of a build pod's container (empty when it has not started). */
export async function readBuildLog(cluster: ClusterConnection, namespace: string, podName: string): Promise<string> {
  try {
    return await callCluster(kubeClients(cluster).core.readNamespacedPodLog({ namespace, name: podName, container: KANIKO_CONTAINER }));
  } catch (error) {
    if (isUnreadableLog(error)) return "";
    throw error;
  }
}

/**
 * Follows a build pod's log (client-node Log, follow) and calls `onChunk` with each piece of
 * text; resolves when the container's log ends or `signal` aborts. Throws when it cannot start
 * (e.g. the container is still waiting to start: 400).
 */
export function followBuildLog(cluster: ClusterConnection, namespace: string, podName: string, onChunk: (text: string) => void, signal: AbortSignal): Promise<void> {
  return followPodLog(cluster, { namespace, podName, container: KANIKO_CONTAINER }, onChunk, signal);
}

/** Deletes a build's objects; ones already gone are fine. The Job's pod goes with it (Background). */
export async function deleteBuildObjects(cluster: ClusterConnection, namespace: string, names: { job?: string; configMap?: string; secret?: string }): Promise<void> {
  const { core, batch } = kubeClients(cluster);
  const ignoreMissing = async (promise: Promise<unknown>) => {
    try {
      await callCluster(promise);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  };
  if (names.job) await ignoreMissing(batch.deleteNamespacedJob({ namespace, name: names.job, propagationPolicy: "Background" }));
  if (names.configMap) await ignoreMissing(core.deleteNamespacedConfigMap({ namespace, name: names.configMap }));
  if (names.secret) await ignoreMissing(core.deleteNamespacedSecret({ namespace, name: names.secret }));
}

/** What a build pod says about the build. */
export type BuildPodState =
  | { phase: "waiting"; detail: string | null }
  | { phase: "running" }
  | { phase: "succeeded"; digest: string | null }
  | { phase: "failed"; detail: string | null };

/** Reads a build pod's phase and its kaniko container's termination (digest or reason). */
export function buildPodState(pod: V1Pod): BuildPodState {
  const status = pod.status?.containerStatuses?.find((container) => container.name === KANIKO_CONTAINER);
  const terminated = status?.state?.terminated;
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || (terminated && terminated.exitCode === 0)) {
    const digest = /sha256:[a-f0-9]{64}/.exec(terminated?.message ?? "")?.[0] ?? null;
    return { phase: "succeeded", digest };
  }
  if (phase === "Failed" || terminated) {
    const detail = terminated ? [terminated.reason, terminated.exitCode !== undefined ? `exit code ${terminated.exitCode}` : null].filter(Boolean).join(", ") : (pod.status?.message ?? pod.status?.reason ?? null);
    return { phase: "failed", detail: detail || null };
  }
  if (phase === "Running") return { phase: "running" };
  const waiting = status?.state?.waiting;
  return { phase: "waiting", detail: waiting ? [waiting.reason, waiting.message].filter(Boolean).join(": ") : null };
}
