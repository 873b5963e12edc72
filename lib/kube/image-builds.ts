import "server-only";

import type {
  CoreV1Event,
  V1ConfigMap,
  V1Container,
  V1Job,
  V1Pod,
  V1PodSecurityContext,
  V1ResourceRequirements,
  V1Secret,
  V1SecurityContext,
} from "@kubernetes/client-node";

import { kubeClients, type ClusterConnection } from "./client";
import { describeKubeError, isKubeCallError, isUnreadableLog, KubeCallError } from "./errors";
import type { SharedInformer } from "./informers";
import { MANAGED_BY_BERTH } from "./labels";
import { createNamespace } from "./namespaces";
import { hardenedPodSecurity } from "./pod-builder";
import { followPodLog } from "./run-pods";
import { callCluster } from "./timeout";

/** The builder container's name in a Kaniko build pod. */
export const KANIKO_CONTAINER = "kaniko";
/** The builder container's name in a BuildKit build pod. */
export const BUILDKIT_CONTAINER = "buildkit";
const BUILDER_CONTAINERS = [KANIKO_CONTAINER, BUILDKIT_CONTAINER];

/** The image builders Berth can run. */
export type BuildExecutorKind = "kaniko" | "buildkit";

/** Requests and limits of the builder container; a null value is left unset. */
export interface BuildContainerResources {
  requests: { cpu: string | null; memory: string | null };
  limits: { cpu: string | null; memory: string | null };
}

const isNotFound = (error: unknown) =>
  (error as { code?: unknown })?.code === 404 ||
  (isKubeCallError(error, "call") && error.failure.reason === "NotFound");

/** What a build Job needs: names, the Dockerfile, the docker config JSON, the executor and its image. */
export interface BuildJobSpec {
  /** Kaniko when absent. */
  executor?: BuildExecutorKind;
  resources?: BuildContainerResources;
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

/** Kubernetes requirements from the settings' values, without the unset ones. */
function containerResources(resources: BuildContainerResources | undefined): V1ResourceRequirements | undefined {
  if (!resources) return undefined;
  const set = (list: { cpu: string | null; memory: string | null }) =>
    Object.fromEntries(Object.entries(list).filter((entry): entry is [string, string] => entry[1] !== null));
  const requirements: V1ResourceRequirements = {};
  const requests = set(resources.requests);
  const limits = set(resources.limits);
  if (Object.keys(requests).length) requirements.requests = requests;
  if (Object.keys(limits).length) requirements.limits = limits;
  return Object.keys(requirements).length ? requirements : undefined;
}

/** The Kaniko executor: reads the mounted Dockerfile, pushes with the mounted docker config, writes the digest as its termination message. */
function kanikoContainer(spec: BuildJobSpec): V1Container {
  return {
    name: KANIKO_CONTAINER,
    securityContext: KANIKO_SECURITY,
    image: spec.executorImage,
    args: [
      "--context=dir:///workspace",
      "--dockerfile=/workspace/Dockerfile",
      `--destination=${spec.destination}`,
      "--digest-file=/dev/termination-log",
    ],
    volumeMounts: [
      { name: "context", mountPath: "/workspace" },
      { name: "docker-config", mountPath: "/kaniko/.docker" },
    ],
  };
}

/** The rootless image's user (moby/buildkit Dockerfile: `USER 1000:1000`), whose home holds BuildKit's state. */
const BUILDKIT_USER = 1000;

/**
 * Rootless BuildKit run daemonless, as moby/buildkit examples/kubernetes/job.rootless.yaml does:
 * `buildctl-daemonless.sh build --frontend dockerfile.v0` with
 * `BUILDKITD_FLAGS=--oci-worker-no-process-sandbox` (no PID namespace for RUN steps, so no
 * privilege is needed), as user 1000, with seccomp and AppArmor unconfined: rootlesskit creates a
 * user namespace and mounts, which the runtime's default profiles refuse. That is Pod Security
 * "privileged". The push uses `$DOCKER_CONFIG/config.json`; `--metadata-file` writes the result
 * (with `containerimage.digest`) as the termination message.
 */
function buildkitContainer(spec: BuildJobSpec): V1Container {
  return {
    name: BUILDKIT_CONTAINER,
    image: spec.executorImage,
    command: ["buildctl-daemonless.sh"],
    args: [
      "build",
      "--frontend",
      "dockerfile.v0",
      "--local",
      "context=/workspace",
      "--local",
      "dockerfile=/workspace",
      "--output",
      `type=image,name=${spec.destination},push=true`,
      "--progress=plain",
      "--metadata-file=/dev/termination-log",
    ],
    env: [
      { name: "BUILDKITD_FLAGS", value: "--oci-worker-no-process-sandbox" },
      { name: "DOCKER_CONFIG", value: "/home/user/.docker" },
    ],
    securityContext: {
      runAsUser: BUILDKIT_USER,
      runAsGroup: BUILDKIT_USER,
      seccompProfile: { type: "Unconfined" },
      appArmorProfile: { type: "Unconfined" },
    },
    volumeMounts: [
      { name: "context", mountPath: "/workspace", readOnly: true },
      { name: "docker-config", mountPath: "/home/user/.docker", readOnly: true },
      { name: "buildkitd", mountPath: "/home/user/.local/share/buildkit" },
    ],
  };
}

/** The ConfigMap, Secret and Job of one build (pure, so the shapes are testable). */
export function buildJobObjects(spec: BuildJobSpec): { configMap: V1ConfigMap; secret: V1Secret; job: V1Job } {
  const metadata = (name: string) => ({
    name,
    namespace: spec.namespace,
    labels: { ...spec.labels, ...MANAGED_BY_BERTH },
  });
  const buildkit = spec.executor === "buildkit";
  const container = buildkit ? buildkitContainer(spec) : kanikoContainer(spec);
  const resources = containerResources(spec.resources);
  if (resources) container.resources = resources;
  // BuildKit's profile is set on its container; the pod's default stays RuntimeDefault for anything else.
  const podSecurity: V1PodSecurityContext = buildkit
    ? { ...hardenedPodSecurity(), fsGroup: BUILDKIT_USER }
    : hardenedPodSecurity();
  return {
    configMap: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: metadata(spec.configMapName),
      data: { Dockerfile: spec.dockerfile },
    },
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
            securityContext: podSecurity,
            containers: [container],
            volumes: [
              { name: "context", configMap: { name: spec.configMapName } },
              {
                name: "docker-config",
                secret: { secretName: spec.secretName, items: [{ key: ".dockerconfigjson", path: "config.json" }] },
              },
              ...(buildkit ? [{ name: "buildkitd", emptyDir: {} }] : []),
            ],
          },
        },
      },
    },
  };
}

/**
 * Creates the namespace (if missing) at the Pod Security level its executor needs — Kaniko runs
 * under "baseline", rootless BuildKit only under "privileged" — then the build's ConfigMap,
 * Secret and Job. An existing namespace keeps its labels: that is its owner's decision.
 */
export async function createBuildJob(cluster: ClusterConnection, spec: BuildJobSpec): Promise<void> {
  const { core, batch } = kubeClients(cluster);
  try {
    await createNamespace(cluster, spec.namespace, spec.executor === "buildkit" ? "privileged" : "baseline");
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
export async function listBuildPods(
  cluster: ClusterConnection,
  namespace: string,
  label: string,
): Promise<Map<string, V1Pod>> {
  const list = await callCluster(kubeClients(cluster).core.listNamespacedPod({ namespace, labelSelector: label }));
  return buildPodsByLabel(list.items, label);
}

/**
 * The build pods of a namespace from the cluster's shared pods informer (no request per call).
 * Fails like a request when the informer has not synced or is stale, so callers keep builds as
 * they are until the cluster answers again.
 */
export async function watchedBuildPods(
  informer: SharedInformer<V1Pod>,
  namespace: string,
  label: string,
): Promise<Map<string, V1Pod>> {
  try {
    await informer.whenSynced(10_000);
  } catch (error) {
    throw new KubeCallError({
      status: 503,
      reason: "Unreachable",
      message: error instanceof Error ? error.message : String(error),
    });
  }
  if (informer.status().stale)
    throw new KubeCallError({
      status: 503,
      reason: "Unreachable",
      message: informer.status().error ?? "The cluster is not answering",
    });
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

/** The builder container of a build pod (Kaniko's or BuildKit's), not a sidecar a webhook added. */
export function builderContainerName(pod: V1Pod): string {
  return (
    pod.spec?.containers?.find((container) => BUILDER_CONTAINERS.includes(container.name))?.name ?? KANIKO_CONTAINER
  );
}

/** The whole log of a build pod's builder container (empty when it has not started). */
export async function readBuildLog(cluster: ClusterConnection, namespace: string, pod: V1Pod): Promise<string> {
  try {
    return await callCluster(
      kubeClients(cluster).core.readNamespacedPodLog({
        namespace,
        name: pod.metadata!.name!,
        container: builderContainerName(pod),
      }),
    );
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
export function followBuildLog(
  cluster: ClusterConnection,
  namespace: string,
  pod: V1Pod,
  onChunk: (text: string) => void,
  signal: AbortSignal,
): Promise<void> {
  return followPodLog(
    cluster,
    { namespace, podName: pod.metadata!.name!, container: builderContainerName(pod) },
    onChunk,
    signal,
  );
}

/** Deletes a build's objects; ones already gone are fine. The Job's pod goes with it (Background). */
export async function deleteBuildObjects(
  cluster: ClusterConnection,
  namespace: string,
  names: { job?: string; configMap?: string; secret?: string },
): Promise<void> {
  const { core, batch } = kubeClients(cluster);
  const ignoreMissing = async (promise: Promise<unknown>) => {
    try {
      await callCluster(promise);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  };
  if (names.job)
    await ignoreMissing(batch.deleteNamespacedJob({ namespace, name: names.job, propagationPolicy: "Background" }));
  if (names.configMap) await ignoreMissing(core.deleteNamespacedConfigMap({ namespace, name: names.configMap }));
  if (names.secret) await ignoreMissing(core.deleteNamespacedSecret({ namespace, name: names.secret }));
}

/** What a build pod says about the build. */
export type BuildPodState =
  | { phase: "waiting"; detail: string | null }
  | { phase: "running" }
  | { phase: "succeeded"; digest: string | null }
  | { phase: "failed"; detail: string | null };

/**
 * The pushed image's digest from a termination message: Kaniko's `--digest-file` writes it bare;
 * buildctl's `--metadata-file` writes JSON whose `containerimage.digest` it is (the same JSON also
 * has the config's digest, so the first digest in the text is not necessarily the image's).
 */
export function digestFromMessage(message: string | undefined): string | null {
  const text = message?.trim() ?? "";
  if (text.startsWith("{")) {
    try {
      const digest = (JSON.parse(text) as Record<string, unknown>)["containerimage.digest"];
      if (typeof digest === "string" && /^sha256:[a-f0-9]{64}$/.test(digest)) return digest;
    } catch {
      // Cut by the kubelet's 4 KiB limit: read it as text.
    }
    return /"containerimage\.digest":\s*"(sha256:[a-f0-9]{64})"/.exec(text)?.[1] ?? null;
  }
  return /sha256:[a-f0-9]{64}/.exec(text)?.[0] ?? null;
}

/** Reads a build pod's phase and its builder container's termination (digest or reason). */
export function buildPodState(pod: V1Pod): BuildPodState {
  const builder = builderContainerName(pod);
  const status = pod.status?.containerStatuses?.find((container) => container.name === builder);
  const terminated = status?.state?.terminated;
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || (terminated && terminated.exitCode === 0)) {
    return { phase: "succeeded", digest: digestFromMessage(terminated?.message) };
  }
  if (phase === "Failed" || terminated) {
    const detail = terminated
      ? [terminated.reason, terminated.exitCode !== undefined ? `exit code ${terminated.exitCode}` : null]
          .filter(Boolean)
          .join(", ")
      : (pod.status?.message ?? pod.status?.reason ?? null);
    return { phase: "failed", detail: detail || null };
  }
  if (phase === "Running") return { phase: "running" };
  const waiting = status?.state?.waiting;
  return { phase: "waiting", detail: waiting ? [waiting.reason, waiting.message].filter(Boolean).join(": ") : null };
}

/**
 * Why the Job controller could not create a build Job's pod: the message of its newest
 * `FailedCreate` Warning event (kube-controller-manager pkg/controller/controller_utils.go
 * createPods records `Error creating: <apiserver error>`), without the `Error creating: ` prefix.
 * Null when there is none. `events` are Warning events of the Job's namespace.
 */
export function jobPodRefusal(
  events: readonly CoreV1Event[],
  jobName: string,
): { message: string; at: Date | null } | null {
  const time = (event: CoreV1Event) =>
    new Date(
      event.series?.lastObservedTime ??
        event.lastTimestamp ??
        event.eventTime ??
        event.metadata?.creationTimestamp ??
        0,
    ).getTime();
  const refusals = events.filter(
    (event) =>
      event.reason === "FailedCreate" && event.involvedObject?.kind === "Job" && event.involvedObject.name === jobName,
  );
  if (!refusals.length) return null;
  const newest = refusals.reduce((a, b) => (time(b) > time(a) ? b : a));
  const at = time(newest);
  return { message: (newest.message ?? "").replace(/^Error creating: /, ""), at: at ? new Date(at) : null };
}
