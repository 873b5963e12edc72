import type { V1Container, V1EnvVar, V1Pod, V1PodSecurityContext, V1SecurityContext, V1Toleration, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import { GPU_RESOURCE, GPU_TYPE_LABEL, gpuToleration, type GpuSpec } from "@/lib/execution-configs/gpu";
import type { ExecutionConfigSpec } from "@/lib/execution-configs/schema";
import { namespaceSafe, resolveNamespace } from "@/lib/execution-configs/namespace-template";
import { runEnvProblems } from "@/lib/execution-configs/reserved-env";

/** What the pod builder needs of an execution config: its name, version and body. */
export interface PodConfig extends Omit<ExecutionConfigSpec, "gpu"> {
  name: string;
  version?: number;
  /** Absent on configs saved before the field existed. */
  gpu?: GpuSpec;
}

/** One run of an activity: who runs what, where. */
export interface PodRun {
  user: string;
  project: string;
  group?: string;
  /** The activity type, e.g. "python-recipe", "notebook", "visual-recipe". */
  activity: string;
  runId: string;
  command?: string[];
  env?: Record<string, string>;
  /** A code environment's image, used instead of the config's image. */
  image?: string;
  /** Extra annotations for the pod (e.g. the simulator's scripted behaviour). */
  annotations?: Record<string, string>;
}

/** Thrown when a config cannot produce a pod for a run (e.g. `${group}` without a group). */
export class PodBuildError extends Error {
  name = "PodBuildError";
}

/** Thrown when a run's env sets a reserved or pinned variable; one message per variable. */
export class RunEnvError extends PodBuildError {
  name = "RunEnvError";
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
  }
}

export const LABEL_PREFIX = "berth.dev/";

/**
 * The container securityContext of every pod Berth builds: no setuid/file-capability escalation,
 * no Linux capabilities, as Pod Security Admission "restricted" asks (runAsNonRoot is left to the
 * image: most data-science images run as root, and "baseline", Berth's default, allows it).
 */
export function hardenedContainerSecurity(): V1SecurityContext {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
}

/** The pod securityContext of every pod Berth builds: the runtime's default seccomp filter for all its containers. */
export function hardenedPodSecurity(): V1PodSecurityContext {
  return { seccompProfile: { type: "RuntimeDefault" } };
}

/** A string made into a valid label value (≤ 63 characters, alphanumeric at both ends). */
export function labelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** True when the first path segment of an image names a registry host ("registry:5000/x", "localhost/x"). */
function hasRegistryHost(image: string): boolean {
  const slash = image.indexOf("/");
  if (slash < 0) return false;
  const first = image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost";
}

/** The image a pod pulls: the run's (code env) or the config's, prefixed by the config's registry when it has no host. */
export function resolveImage(config: Pick<PodConfig, "image" | "registry">, override?: string): string {
  const image = override || config.image;
  return config.registry && !hasRegistryHost(image) ? `${config.registry}/${image}` : image;
}

function podName(run: PodRun): string {
  const base = namespaceSafe(`berth-${run.activity}-${run.runId}`).slice(0, 63).replace(/-+$/, "");
  return base || "berth-run";
}

/** The config's env with the run's over it; a reserved or pinned name in the run's env is a RunEnvError. */
function envList(config: PodConfig, run: PodRun): V1EnvVar[] {
  const problems = runEnvProblems({ env: config.env, allowedReservedEnv: config.allowedReservedEnv ?? [] }, run.env, `config ${config.name}`);
  if (problems.length) throw new RunEnvError(problems);
  const merged = new Map<string, string>(config.env.map((variable) => [variable.name, variable.value]));
  for (const [name, value] of Object.entries(run.env ?? {})) merged.set(name, value);
  return [...merged].map(([name, value]) => ({ name, value }));
}

function toleration(spec: PodConfig["tolerations"][number]): V1Toleration {
  return {
    ...(spec.key ? { key: spec.key } : {}),
    operator: spec.operator,
    ...(spec.value ? { value: spec.value } : {}),
    ...(spec.effect ? { effect: spec.effect } : {}),
    ...(spec.tolerationSeconds !== undefined ? { tolerationSeconds: spec.tolerationSeconds } : {}),
  };
}

/**
 * The Pod an execution config produces for a run: the one builder shared by Preview, Test and
 * runs. Pure: the same config and run always give the same pod.
 */
export function buildPod(config: PodConfig, run: PodRun): V1Pod {
  let namespace: string;
  try {
    namespace = resolveNamespace(config.namespace, { user: run.user, project: run.project, group: run.group });
  } catch (error) {
    throw new PodBuildError((error as Error).message);
  }
  const image = resolveImage(config, run.image);
  const volumes: V1Volume[] = [];
  const volumeMounts: V1VolumeMount[] = [];
  if (config.shmSize) {
    volumes.push({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: config.shmSize } });
    volumeMounts.push({ name: "dshm", mountPath: "/dev/shm" });
  }
  const env = envList(config, run);
  // The GPU field asks as Kubernetes needs an extended resource: the limit, and an equal request.
  const gpus: Record<string, string> = config.gpu?.count ? { [GPU_RESOURCE]: String(config.gpu.count) } : {};
  const requests = { ...config.resources.requests, ...gpus };
  const limits = { ...config.resources.limits, ...gpus };
  const resources = {
    ...(Object.keys(requests).length ? { requests } : {}),
    ...(Object.keys(limits).length ? { limits } : {}),
  };
  const nodeSelector: Record<string, string> = { ...config.nodeSelector, ...(config.gpu?.count && config.gpu.type ? { [GPU_TYPE_LABEL]: config.gpu.type } : {}) };
  const tolerations = config.tolerations.map(toleration);
  const gpuTaint = gpuToleration(config);
  // A toleration the config already has for the GPU taint (or for every taint) is enough.
  const covered = gpuTaint && tolerations.some((existing) => !existing.key || (existing.key === gpuTaint.key && existing.operator === "Exists" && (!existing.effect || existing.effect === "NoSchedule")));
  if (gpuTaint && !covered) tolerations.push(gpuTaint);
  const container: V1Container = {
    name: "main",
    image,
    imagePullPolicy: config.imagePullPolicy,
    ...(run.command?.length ? { command: run.command } : {}),
    ...(env.length ? { env } : {}),
    ...(Object.keys(resources).length ? { resources } : {}),
    ...(volumeMounts.length ? { volumeMounts } : {}),
    securityContext: hardenedContainerSecurity(),
  };
  const hasAffinity = Object.keys(config.affinity).length > 0;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: podName(run),
      namespace,
      labels: {
        [`${LABEL_PREFIX}run`]: labelValue(run.runId),
        [`${LABEL_PREFIX}project`]: labelValue(run.project),
        [`${LABEL_PREFIX}user`]: labelValue(run.user),
        [`${LABEL_PREFIX}activity`]: labelValue(run.activity),
        [`${LABEL_PREFIX}exec-config`]: labelValue(config.name),
      },
      annotations: {
        [`${LABEL_PREFIX}namespace-template`]: config.namespace,
        [`${LABEL_PREFIX}image-source`]: run.image ? "code-env" : "execution-config",
        [`${LABEL_PREFIX}exec-config-version`]: String(config.version ?? 0),
        ...(run.group ? { [`${LABEL_PREFIX}group`]: run.group } : {}),
        ...run.annotations,
      },
    },
    spec: {
      restartPolicy: "Never",
      securityContext: { ...hardenedPodSecurity(), ...(config.runAsUser ? { runAsNonRoot: true, runAsUser: config.runAsUser } : {}) },
      containers: [container],
      ...(config.serviceAccount ? { serviceAccountName: config.serviceAccount } : {}),
      ...(config.imagePullSecret ? { imagePullSecrets: [{ name: config.imagePullSecret }] } : {}),
      ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
      ...(tolerations.length ? { tolerations } : {}),
      ...(hasAffinity ? { affinity: config.affinity } : {}),
      ...(volumes.length ? { volumes } : {}),
    },
  };
}
