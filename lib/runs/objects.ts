/**
 * The Kubernetes objects of a run, built from the resolved config: pure (no database, no
 * cluster), so the commands, labels and Spark objects are unit-tested and a queued run can be
 * re-created later from what was stored.
 */
import type { V1Pod } from "@kubernetes/client-node";

import { configGpuCount } from "@/lib/execution-configs/gpu";
import { buildPod, type PodConfig } from "@/lib/execution-configs/pod";
import { BERTH_ANNOTATIONS, BERTH_LABELS } from "@/lib/kube/labels";
import { hardenedContainerSecurity, hardenedPodSecurity, labelValue } from "@/lib/kube/pod-builder";
import type { ActivityType } from "@/lib/resolution/activities";
import {
  EXECUTOR_TEMPLATE_PATH,
  perJobRbac,
  SPARK_CONTAINER,
  sparkApplication,
  sparkImage,
  sparkLabels,
  sparkNamespace,
  sparkServiceAccount,
  sparkSubmitArgs,
  withApplication,
  type SparkConfigBody,
} from "@/lib/spark-configs/builders";

import type { KubeManifest, RunObjects } from "./views";

/** Records the resolution on the run's objects (`kubectl describe` shows where the config came from). */
export const RESOLUTION_ANNOTATION = BERTH_ANNOTATIONS.resolution;
/** Where a Spark run's script is mounted from its ConfigMap. */
export const SCRIPT_DIR = "/etc/berth/run";
const SCRIPT_FILE = "main.py";
const GPU = "nvidia.com/gpu";

/** Who runs what, as every builder needs it. */
export interface RunIdentity {
  runId: string;
  user: string;
  project: string;
  /** The first of the user's groups that may use the config: what `${group}` in templates becomes. */
  group?: string;
  activity: ActivityType;
}

export interface RunPayload {
  command?: string[];
  script?: string;
  env?: Record<string, string>;
  /** A code env's image, instead of the config's. */
  image?: string;
  /** The simulator's scripted behaviour (test hook), put on every pod of the run. */
  annotations?: Record<string, string>;
  /** One line saying which config and cluster the run got and from where. */
  resolutionSummary: string;
}

const R_ACTIVITIES: readonly ActivityType[] = ["r-recipe", "r-notebook"];

/** The container command of a non-Spark run: its own argv, else its script through the activity's interpreter. */
export function runCommand(
  activity: ActivityType,
  payload: Pick<RunPayload, "command" | "script">,
): string[] | undefined {
  if (payload.command?.length) return payload.command;
  if (!payload.script?.trim()) return undefined;
  return R_ACTIVITIES.includes(activity) ? ["Rscript", "-e", payload.script] : ["python", "-c", payload.script];
}

/** The `berth.dev/*` labels every pod of a run carries (driver and executors included), so it is found by label. */
export function runLabels(identity: RunIdentity): Record<string, string> {
  return {
    [BERTH_LABELS.run]: labelValue(identity.runId),
    [BERTH_LABELS.project]: labelValue(identity.project),
    [BERTH_LABELS.user]: labelValue(identity.user),
    [BERTH_LABELS.activity]: labelValue(identity.activity),
  };
}

/** Whole GPUs a quantity asks for ("2" → 2; anything else → 0: extended resources are integers). */
function wholeGpus(quantity: string | undefined): number {
  return quantity && /^\d+$/.test(quantity) ? Number(quantity) : 0;
}

/** GPUs one pod of an execution config asks for: its GPU field, else nvidia.com/gpu in its resources. */
export function configGpus(config: Pick<PodConfig, "resources" | "gpu">): number {
  return configGpuCount(config);
}

/** The one Pod of a non-Spark run, from the same builder as the config preview. */
export function podRunObjects(config: PodConfig, identity: RunIdentity, payload: RunPayload): RunObjects {
  const pod: V1Pod = buildPod(config, {
    ...identity,
    command: runCommand(identity.activity, payload),
    env: payload.env,
    image: payload.image,
    annotations: { [RESOLUTION_ANNOTATION]: payload.resolutionSummary, ...payload.annotations },
  });
  return { supporting: [], workload: pod as KubeManifest };
}

/** The Spark job's name: names the SparkApplication, its driver pod and the per-job account. */
export function sparkJobName(identity: RunIdentity): string {
  return `berth-${identity.activity}-${identity.runId}`;
}

export interface SparkPlan {
  namespace: string;
  /** Whether the config lets Berth create the namespace when it is missing. */
  createNamespace: boolean;
  /** Whole GPUs of all executors together. */
  gpus: number;
  /** The driver pod's name (the operator names it `<app>-driver` too). */
  driverPod: string;
}

type Mapping = Record<string, unknown>;
const mapping = (value: unknown): Mapping =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Mapping) : {};

/** The application and its arguments: the command's first argument is the application file; a script is mounted as one. */
function sparkMain(payload: RunPayload): { mainApplicationFile: string; arguments: string[] } {
  if (payload.command?.length) return { mainApplicationFile: payload.command[0], arguments: payload.command.slice(1) };
  return { mainApplicationFile: `local://${SCRIPT_DIR}/${SCRIPT_FILE}`, arguments: [] };
}

function scriptConfigMap(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  script: string,
): KubeManifest {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace, labels },
    data: { [SCRIPT_FILE]: script },
  };
}

interface SparkContext {
  config: SparkConfigBody;
  identity: RunIdentity;
  payload: RunPayload;
  /** The cluster's API server URL (spark-submit's master). */
  server: string;
}

function sparkBasics({ config, identity, payload, server }: SparkContext) {
  const jobName = sparkJobName(identity);
  const main = sparkMain(payload);
  const sparkRun = { server, user: identity.user, project: identity.project, group: identity.group, jobName, ...main };
  const namespace = sparkNamespace(config, sparkRun);
  const labels = { ...sparkLabels(config, sparkRun), ...runLabels(identity) };
  const supporting: KubeManifest[] = [];
  if (config.managed.enabled && config.managed.serviceAccountPerJob) {
    const rbac = perJobRbac(namespace, jobName, config.conf);
    for (const object of [rbac.serviceAccount, rbac.role, rbac.roleBinding]) {
      supporting.push({
        ...object,
        metadata: { ...object.metadata, labels: { ...object.metadata.labels, ...runLabels(identity) } },
      } as KubeManifest);
    }
  }
  const scriptMap =
    payload.command?.length || !payload.script
      ? undefined
      : scriptConfigMap(`${jobName}-script`, namespace, labels, payload.script);
  if (scriptMap) supporting.push(scriptMap);
  const application = sparkApplication(config, sparkRun);
  const executor = mapping(mapping(application.spec).executor);
  const gpus = templateGpus(mapping(executor.template)) * Number(executor.instances ?? 0);
  const plan: SparkPlan = {
    namespace,
    createNamespace: config.managed.enabled && config.managed.createNamespace,
    gpus,
    driverPod: `${jobName}-driver`,
  };
  return { jobName, sparkRun, namespace, labels, supporting, scriptMap, application, plan };
}

const envList = (env: Record<string, string> | undefined) =>
  Object.entries(env ?? {}).map(([name, value]) => ({ name, value }));

/** Whole GPUs the Spark container of a pod template asks for. */
function templateGpus(template: Mapping): number {
  const containers = mapping(template.spec).containers;
  const first = mapping(Array.isArray(containers) ? containers[0] : undefined);
  const resources = mapping(first.resources);
  return Math.max(
    wholeGpus(String(mapping(resources.limits)[GPU] ?? "")),
    wholeGpus(String(mapping(resources.requests)[GPU] ?? "")),
  );
}

/**
 * A pod template for one Spark role with Berth's hardening, the run's env and mounts merged into
 * its Spark container (the first, renamed as the operator tells spark-submit to look for it).
 */
function sparkRoleTemplate(
  template: Mapping,
  container: string,
  extra: { env: { name: string; value: string }[]; volumes: Mapping[]; volumeMounts: Mapping[] },
): Mapping {
  const spec = mapping(template.spec);
  const containers = Array.isArray(spec.containers) ? spec.containers.map(mapping) : [];
  const [first, ...rest] = containers.length ? containers : [{}];
  const own = (key: string) => (Array.isArray(first[key]) ? (first[key] as unknown[]) : []);
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  return {
    ...template,
    spec: {
      ...spec,
      securityContext: { ...hardenedPodSecurity(), ...mapping(spec.securityContext) },
      ...(volumes.length || extra.volumes.length ? { volumes: [...volumes, ...extra.volumes] } : {}),
      containers: [
        {
          ...first,
          name: container,
          securityContext: { ...hardenedContainerSecurity(), ...mapping(first.securityContext) },
          ...(own("env").length || extra.env.length ? { env: [...own("env"), ...extra.env] } : {}),
          ...(own("volumeMounts").length || extra.volumeMounts.length
            ? { volumeMounts: [...own("volumeMounts"), ...extra.volumeMounts] }
            : {}),
        },
        ...rest,
      ],
    },
  };
}

/**
 * A SparkApplication for the spark-operator: driver and executors labelled `berth.dev/*`, with the
 * run's env, script mount and hardening in their pod templates, which spark-submit applies itself
 * (spark.kubernetes.{driver,executor}.podTemplateFile): the operator's webhook, the only one that
 * applies the `env`, `configMaps`, `gpu`, `tolerations` and security context fields, is optional
 * and acts only in the operator's job namespaces.
 */
export function sparkApplicationRunObjects(context: SparkContext): { objects: RunObjects; plan: SparkPlan } {
  const { payload } = context;
  const { jobName, labels, supporting, scriptMap, application, plan } = sparkBasics(context);
  const spec = mapping(application.spec);
  const driver = mapping(spec.driver);
  const executor = mapping(spec.executor);
  const annotations = { ...payload.annotations };
  const env = envList(payload.env);
  const scriptVolume = scriptMap ? [{ name: "berth-script", configMap: { name: scriptMap.metadata.name } }] : [];
  const scriptMount = scriptMap ? [{ name: "berth-script", mountPath: SCRIPT_DIR, readOnly: true }] : [];
  const workload: KubeManifest = {
    ...application,
    apiVersion: String(application.apiVersion),
    kind: String(application.kind),
    metadata: {
      name: jobName,
      namespace: plan.namespace,
      labels,
      annotations: { [RESOLUTION_ANNOTATION]: payload.resolutionSummary },
    },
    spec: {
      ...spec,
      ...(payload.image ? { image: payload.image } : {}),
      driver: {
        ...driver,
        labels: { ...mapping(driver.labels), ...labels },
        ...(Object.keys(annotations).length ? { annotations } : {}),
        template: sparkRoleTemplate(mapping(driver.template), SPARK_CONTAINER.driver, {
          env,
          volumes: scriptVolume,
          volumeMounts: scriptMount,
        }),
      },
      executor: {
        ...executor,
        labels: { ...mapping(executor.labels), ...labels },
        ...(Object.keys(annotations).length
          ? { annotations: { ...mapping(executor.annotations), ...annotations } }
          : {}),
        template: sparkRoleTemplate(mapping(executor.template), SPARK_CONTAINER.executor, {
          env,
          volumes: [],
          volumeMounts: [],
        }),
      },
    },
  };
  return { objects: { supporting, workload }, plan };
}

/** Spark memory ("4g", "512m", a bare number in MiB) as a Kubernetes quantity ("4Gi", "512Mi"). */
export function sparkMemoryQuantity(text: string | undefined): string {
  const match = /^(\d+)([kmgt]?)b?$/i.exec((text ?? "").trim());
  if (!match) return "1Gi";
  const unit = match[2].toLowerCase();
  return `${match[1]}${unit === "" ? "Mi" : `${unit.toUpperCase()}i`}`;
}

/**
 * Without the spark-operator: a driver pod running spark-submit in client mode (the driver lives
 * in this pod and asks the API server for executors), with the per-job service account in managed
 * mode. Executors get the run's `berth.dev/*` labels through spark.kubernetes.executor.label.*.
 */
export function sparkDriverRunObjects(context: SparkContext): { objects: RunObjects; plan: SparkPlan } {
  const { config, identity, payload } = context;
  const { sparkRun, namespace, labels, supporting, scriptMap, plan } = sparkBasics(context);
  const args = sparkSubmitArgs(config, sparkRun);
  const deployMode = args.indexOf("--deploy-mode");
  if (deployMode >= 0) args[deployMode + 1] = "client";
  const extraConf: Record<string, string> = {
    "spark.kubernetes.driver.pod.name": plan.driverPod,
    // Executors call back to the driver: its pod IP, filled in by Kubernetes from the env below.
    "spark.driver.host": "$(BERTH_POD_IP)",
  };
  for (const [key, value] of Object.entries(runLabels(identity)))
    extraConf[`spark.kubernetes.executor.label.${key}`] = value;
  for (const [key, value] of Object.entries(payload.annotations ?? {}))
    extraConf[`spark.kubernetes.executor.annotation.${key}`] = value;
  for (const [name, value] of Object.entries(payload.env ?? {})) extraConf[`spark.executorEnv.${name}`] = value;
  if (payload.image) extraConf["spark.kubernetes.container.image"] = payload.image;
  // spark-submit reads the executor pod fragment from a file: mounted from a ConfigMap of the run.
  const templateDir = EXECUTOR_TEMPLATE_PATH.slice(0, EXECUTOR_TEMPLATE_PATH.lastIndexOf("/"));
  const templateMap = config.executorPodTemplate.trim()
    ? ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: `${sparkRun.jobName}-executor-template`, namespace, labels },
        data: { [EXECUTOR_TEMPLATE_PATH.slice(templateDir.length + 1)]: config.executorPodTemplate },
      } satisfies KubeManifest)
    : undefined;
  if (templateMap) supporting.push(templateMap);
  const volumes = [
    ...(scriptMap ? [{ name: "script", configMap: { name: scriptMap.metadata.name } }] : []),
    ...(templateMap ? [{ name: "executor-template", configMap: { name: templateMap.metadata.name } }] : []),
  ];
  const volumeMounts = [
    ...(scriptMap ? [{ name: "script", mountPath: SCRIPT_DIR, readOnly: true }] : []),
    ...(templateMap ? [{ name: "executor-template", mountPath: templateDir, readOnly: true }] : []),
  ];
  const options = args.slice(0, args.length - 1 - sparkRun.arguments.length);
  const command = withApplication(
    [...options, ...Object.entries(extraConf).flatMap(([key, value]) => ["--conf", `${key}=${value}`])],
    sparkRun,
  );
  const conf = config.conf;
  const pod: V1Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: plan.driverPod,
      namespace,
      labels: { ...labels, "spark-role": "driver" },
      annotations: { [RESOLUTION_ANNOTATION]: payload.resolutionSummary, ...payload.annotations },
    },
    spec: {
      restartPolicy: "Never",
      securityContext: hardenedPodSecurity(),
      serviceAccountName: sparkServiceAccount(config, sparkRun),
      containers: [
        {
          name: "spark-driver",
          image: payload.image ?? sparkImage(config),
          command,
          env: [
            ...envList(payload.env),
            { name: "BERTH_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
          ],
          resources: {
            requests: {
              cpu: conf["spark.driver.cores"] ?? "1",
              memory: sparkMemoryQuantity(conf["spark.driver.memory"]),
            },
          },
          ...(volumeMounts.length ? { volumeMounts } : {}),
          securityContext: hardenedContainerSecurity(),
        },
      ],
      ...(volumes.length ? { volumes } : {}),
    },
  };
  return { objects: { supporting, workload: pod as KubeManifest }, plan };
}
