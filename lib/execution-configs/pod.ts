import type { V1EnvVar, V1Pod, V1Toleration } from "@kubernetes/client-node";

import { BERTH_ANNOTATIONS, BERTH_LABELS } from "@/lib/kube/labels";
import { resolveNamespace } from "@/lib/kube/names";
import { labelValue, podManifest, resolveImage, runPodName } from "@/lib/kube/pod-builder";

import { GPU_RESOURCE, GPU_TYPE_LABEL, gpuToleration, type GpuSpec } from "./gpu";
import { runEnvProblems } from "./reserved-env";
import type { ExecutionConfigSpec } from "./schema";

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

/** The config's env with the run's over it; a reserved or pinned name in the run's env is a RunEnvError. */
function envList(config: PodConfig, run: PodRun): V1EnvVar[] {
  const problems = runEnvProblems(
    { env: config.env, allowedReservedEnv: config.allowedReservedEnv ?? [] },
    run.env,
    `config ${config.name}`,
  );
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
  // The GPU field asks as Kubernetes needs an extended resource: the limit, and an equal request.
  const gpus: Record<string, string> = config.gpu?.count ? { [GPU_RESOURCE]: String(config.gpu.count) } : {};
  const nodeSelector: Record<string, string> = {
    ...config.nodeSelector,
    ...(config.gpu?.count && config.gpu.type ? { [GPU_TYPE_LABEL]: config.gpu.type } : {}),
  };
  const tolerations = config.tolerations.map(toleration);
  const gpuTaint = gpuToleration(config);
  // A toleration the config already has for the GPU taint (or for every taint) is enough.
  const covered =
    gpuTaint &&
    tolerations.some(
      (existing) =>
        !existing.key ||
        (existing.key === gpuTaint.key &&
          existing.operator === "Exists" &&
          (!existing.effect || existing.effect === "NoSchedule")),
    );
  if (gpuTaint && !covered) tolerations.push(gpuTaint);
  return podManifest({
    name: runPodName(run.activity, run.runId),
    namespace,
    image: resolveImage(config, run.image),
    imagePullPolicy: config.imagePullPolicy,
    command: run.command,
    env: envList(config, run),
    resources: { requests: { ...config.resources.requests, ...gpus }, limits: { ...config.resources.limits, ...gpus } },
    nodeSelector,
    tolerations,
    affinity: config.affinity,
    shmSize: config.shmSize,
    runAsUser: config.runAsUser,
    serviceAccount: config.serviceAccount,
    imagePullSecret: config.imagePullSecret,
    labels: {
      [BERTH_LABELS.run]: labelValue(run.runId),
      [BERTH_LABELS.project]: labelValue(run.project),
      [BERTH_LABELS.user]: labelValue(run.user),
      [BERTH_LABELS.activity]: labelValue(run.activity),
      [BERTH_LABELS.execConfig]: labelValue(config.name),
    },
    annotations: {
      [BERTH_ANNOTATIONS.namespaceTemplate]: config.namespace,
      [BERTH_ANNOTATIONS.imageSource]: run.image ? "code-env" : "execution-config",
      [BERTH_ANNOTATIONS.execConfigVersion]: String(config.version ?? 0),
      ...(run.group ? { [BERTH_ANNOTATIONS.group]: run.group } : {}),
      ...run.annotations,
    },
  });
}
