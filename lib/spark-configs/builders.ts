import YAML from "yaml";

import { BERTH_LABELS, MANAGED_BY_BERTH } from "@/lib/kube/labels";
import { resolveNamespace } from "@/lib/kube/names";

import type { SparkConfigSpec } from "./schema";

/** A Spark config as the builders need it. */
export type SparkConfigBody = SparkConfigSpec & { name: string };

/** The run a Spark job is built for. */
export interface SparkRun {
  /** The cluster's API server URL, e.g. https://10.0.0.1:6443. */
  server: string;
  user: string;
  project?: string;
  group?: string;
  /** The job's name: a DNS-1123 label, unique per run (names the driver and per-job RBAC objects). */
  jobName: string;
  mainApplicationFile: string;
  mainClass?: string;
  arguments?: string[];
}

/** Thrown when a run's application file would be read by spark-submit as an option. */
export class SparkArgumentError extends Error {
  name = "SparkArgumentError";
}

/**
 * Why an application file cannot be given to spark-submit, or undefined. spark-submit reads its
 * options until the first argument that does not start with '-' (SparkSubmitOptionParser): that
 * one is the application, and everything after it goes to the application untouched. So a file
 * starting with '-' would be parsed as an option such as `--conf spark.kubernetes…hostPath…`.
 */
export function applicationFileProblem(file: string): string | undefined {
  if (file.trim() === "") return "The application file must not be empty";
  if (file.startsWith("-"))
    return `The application file must not start with '-' ("${file.slice(0, 40)}" would be read by spark-submit as an option)`;
  return undefined;
}

function checkedApplicationFile(file: string): string {
  const problem = applicationFileProblem(file);
  if (problem) throw new SparkArgumentError(problem);
  return file;
}

/** Where runners mount the executor pod fragment for spark-submit. */
export const EXECUTOR_TEMPLATE_PATH = "/etc/berth/spark/executor-pod.yaml";
/** Used when the image tag does not name a Spark version (the operator requires one). */
const DEFAULT_SPARK_VERSION = "3.5.3";
const SPARK_DEFAULTS = {
  executorInstances: 2,
  executorCores: 1,
  executorMemory: "1g",
  driverCores: 1,
  driverMemory: "1g",
};

/** Makes text usable as a label value: letters, digits, '-', '_', '.', at most 63, alphanumeric ends. */
function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** The `berth.dev/*` labels of every object a Spark job makes. */
export function sparkLabels(config: SparkConfigBody, run: SparkRun): Record<string, string> {
  const labels: Record<string, string> = {
    [BERTH_LABELS.job]: labelValue(run.jobName),
    [BERTH_LABELS.sparkConfig]: labelValue(config.name),
    [BERTH_LABELS.user]: labelValue(run.user),
  };
  if (run.project) labels[BERTH_LABELS.project] = labelValue(run.project);
  return Object.fromEntries(Object.entries(labels).filter(([, value]) => value));
}

/** The image of a config that names none: the upstream Apache Spark image. */
export const DEFAULT_SPARK_IMAGE = "apache/spark:3.5.3";

/** The image reference (the config's, else DEFAULT_SPARK_IMAGE) with the registry in front when it does not already start with it. */
export function sparkImage(config: SparkConfigBody): string {
  const image = config.image || DEFAULT_SPARK_IMAGE;
  if (!config.registry || image.startsWith(`${config.registry}/`)) return image;
  return `${config.registry}/${image}`;
}

/** The namespace the job runs in: the managed template resolved for the run, else the conf's, else "default". */
export function sparkNamespace(config: SparkConfigBody, run: SparkRun): string {
  if (config.managed.enabled)
    return resolveNamespace(config.managed.namespace, { user: run.user, project: run.project, group: run.group });
  return config.conf["spark.kubernetes.namespace"] ?? "default";
}

/** The name of the per-job service account (and its Role and RoleBinding). */
export function perJobAccountName(jobName: string): string {
  return `berth-spark-${jobName}`.slice(0, 63).replace(/-+$/, "");
}

/** The driver's service account: the per-job one in managed mode, else the conf's, else "default". */
export function sparkServiceAccount(config: SparkConfigBody, run: SparkRun): string {
  if (config.managed.enabled && config.managed.serviceAccountPerJob) return perJobAccountName(run.jobName);
  return config.conf["spark.kubernetes.authenticate.driver.serviceAccountName"] ?? "default";
}

const apiServerUrl = (server: string) => (/^https?:\/\//.test(server) ? server : `https://${server}`);

/**
 * The spark-submit command line of a job: cluster mode against the cluster's API server, image,
 * namespace, service account, berth.dev labels on driver and executors, the executor pod template,
 * then the config's own conf, sorted.
 */
export function sparkSubmitArgs(config: SparkConfigBody, run: SparkRun): string[] {
  const conf: Record<string, string> = {
    "spark.kubernetes.container.image": sparkImage(config),
    "spark.kubernetes.namespace": sparkNamespace(config, run),
    "spark.kubernetes.authenticate.driver.serviceAccountName": sparkServiceAccount(config, run),
  };
  for (const [key, value] of Object.entries(sparkLabels(config, run))) {
    conf[`spark.kubernetes.driver.label.${key}`] = value;
    conf[`spark.kubernetes.executor.label.${key}`] = value;
  }
  if (config.executorPodTemplate.trim()) conf["spark.kubernetes.executor.podTemplateFile"] = EXECUTOR_TEMPLATE_PATH;
  const own = Object.entries(config.conf)
    .filter(([key]) => !(key in conf))
    .sort(([a], [b]) => a.localeCompare(b));
  const args = [
    "spark-submit",
    "--master",
    `k8s://${apiServerUrl(run.server)}`,
    "--deploy-mode",
    "cluster",
    "--name",
    run.jobName,
  ];
  if (run.mainClass) args.push("--class", run.mainClass);
  for (const [key, value] of [...Object.entries(conf), ...own]) args.push("--conf", `${key}=${value}`);
  return withApplication(args, run);
}

/** spark-submit options, then the application file, then the user's arguments: nothing of the user's comes before the file. */
export function withApplication(
  options: readonly string[],
  run: Pick<SparkRun, "mainApplicationFile" | "arguments">,
): string[] {
  return [...options, checkedApplicationFile(run.mainApplicationFile), ...(run.arguments ?? [])];
}

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

/** The container names the spark-operator gives spark-submit for the pod templates (podTemplateContainerName). */
export const SPARK_CONTAINER = { driver: "spark-kubernetes-driver", executor: "spark-kubernetes-executor" } as const;

/**
 * The executor fields a SparkApplication takes from a Pod fragment. Everything of the pod goes in
 * `executor.template`, which spark-submit reads as spark.kubernetes.executor.podTemplateFile: the
 * operator's webhook, which would apply `gpu`, `tolerations`, `nodeSelector` or `env` fields,
 * acts only in its job namespaces and may not be installed at all (kubeflow/spark-operator v2
 * submission.go executorPodTemplateOption; a role with a template is not labelled for mutation).
 * Labels and annotations also go to fields, which spark-submit passes on as conf.
 */
function executorFieldsFromFragment(text: string): Mapping {
  const fragment: unknown = text.trim() ? YAML.parse(text) : null;
  if (!isMapping(fragment)) return {};
  const metadata = isMapping(fragment.metadata) ? fragment.metadata : {};
  const spec = isMapping(fragment.spec) ? fragment.spec : {};
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isMapping) : [];
  const fields: Mapping = {};
  if (isMapping(metadata.labels)) fields.labels = metadata.labels;
  if (isMapping(metadata.annotations)) fields.annotations = metadata.annotations;
  // Spark builds the executor from the container named as the operator says, else the first one.
  const [first, ...rest] = containers.length ? containers : [{}];
  fields.template = {
    ...fragment,
    spec: { ...spec, containers: [{ ...first, name: SPARK_CONTAINER.executor }, ...rest] },
  };
  return fields;
}

const intOr = (value: string | undefined, fallback: number) =>
  value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback;

// Conf keys that become SparkApplication fields instead of staying in sparkConf.
const LIFTED_KEYS = new Set([
  "spark.executor.instances",
  "spark.executor.cores",
  "spark.executor.memory",
  "spark.executor.memoryOverhead",
  "spark.driver.cores",
  "spark.driver.memory",
  "spark.driver.memoryOverhead",
  "spark.kubernetes.memoryOverheadFactor",
  "spark.dynamicAllocation.enabled",
  "spark.dynamicAllocation.minExecutors",
  "spark.dynamicAllocation.initialExecutors",
  "spark.dynamicAllocation.maxExecutors",
  "spark.kubernetes.namespace",
  "spark.kubernetes.authenticate.driver.serviceAccountName",
]);

function sparkType(file: string): "Python" | "R" | "Scala" {
  if (/\.py$/i.test(file)) return "Python";
  if (/\.r$/i.test(file)) return "R";
  return "Scala";
}

/** The kubeflow spark-operator SparkApplication (sparkoperator.k8s.io/v1beta2) equivalent to sparkSubmitArgs. */
export function sparkApplication(config: SparkConfigBody, run: SparkRun): Mapping {
  const conf = config.conf;
  const labels = sparkLabels(config, run);
  const image = sparkImage(config);
  const serviceAccount = sparkServiceAccount(config, run);
  const sparkConf = Object.fromEntries(
    Object.entries(conf)
      .filter(([key]) => !LIFTED_KEYS.has(key))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const fromFragment = executorFieldsFromFragment(config.executorPodTemplate);
  const executor: Mapping = {
    ...fromFragment,
    instances: intOr(conf["spark.executor.instances"], SPARK_DEFAULTS.executorInstances),
    cores: intOr(conf["spark.executor.cores"], SPARK_DEFAULTS.executorCores),
    memory: conf["spark.executor.memory"] ?? SPARK_DEFAULTS.executorMemory,
    ...(conf["spark.executor.memoryOverhead"] ? { memoryOverhead: conf["spark.executor.memoryOverhead"] } : {}),
    serviceAccount,
    labels: { ...(isMapping(fromFragment.labels) ? fromFragment.labels : {}), ...labels },
  };
  const driver: Mapping = {
    cores: intOr(conf["spark.driver.cores"], SPARK_DEFAULTS.driverCores),
    memory: conf["spark.driver.memory"] ?? SPARK_DEFAULTS.driverMemory,
    ...(conf["spark.driver.memoryOverhead"] ? { memoryOverhead: conf["spark.driver.memoryOverhead"] } : {}),
    serviceAccount,
    labels,
  };
  const dynamic = conf["spark.dynamicAllocation.enabled"] === "true";
  const tagVersion = /:v?(\d+\.\d+(?:\.\d+)?)/.exec(image)?.[1];
  return {
    apiVersion: "sparkoperator.k8s.io/v1beta2",
    kind: "SparkApplication",
    metadata: { name: run.jobName, namespace: sparkNamespace(config, run), labels },
    spec: {
      type: sparkType(run.mainApplicationFile),
      mode: "cluster",
      image,
      imagePullPolicy: "IfNotPresent",
      mainApplicationFile: checkedApplicationFile(run.mainApplicationFile),
      ...(run.mainClass ? { mainClass: run.mainClass } : {}),
      ...(run.arguments?.length ? { arguments: run.arguments } : {}),
      sparkVersion: tagVersion ?? DEFAULT_SPARK_VERSION,
      ...(conf["spark.kubernetes.memoryOverheadFactor"]
        ? { memoryOverheadFactor: conf["spark.kubernetes.memoryOverheadFactor"] }
        : {}),
      ...(Object.keys(sparkConf).length ? { sparkConf } : {}),
      ...(dynamic
        ? {
            dynamicAllocation: {
              enabled: true,
              ...(conf["spark.dynamicAllocation.initialExecutors"]
                ? { initialExecutors: Number(conf["spark.dynamicAllocation.initialExecutors"]) }
                : {}),
              ...(conf["spark.dynamicAllocation.minExecutors"]
                ? { minExecutors: Number(conf["spark.dynamicAllocation.minExecutors"]) }
                : {}),
              ...(conf["spark.dynamicAllocation.maxExecutors"]
                ? { maxExecutors: Number(conf["spark.dynamicAllocation.maxExecutors"]) }
                : {}),
            },
          }
        : {}),
      restartPolicy: { type: "Never" },
      driver,
      executor,
    },
  };
}

type PolicyRule = { apiGroups: string[]; resources: string[]; verbs: string[] };

/** Whether the conf asks Spark to create executor PVCs itself (`…persistentVolumeClaim.<name>.options.claimName=OnDemand`). */
function usesOnDemandClaims(conf: Record<string, string>): boolean {
  return Object.entries(conf).some(
    ([key, value]) =>
      /^spark\.kubernetes\.executor\.volumes\.persistentVolumeClaim\.[^.]+\.options\.claimName$/.test(key) &&
      value.toLowerCase() === "ondemand",
  );
}

/**
 * The Role of the per-job account: exactly the calls the Spark driver makes, read off Apache
 * Spark's resource-managers/kubernetes (scheduler/cluster/k8s, Spark 3.5–4.0). The driver's token
 * is also the user's code's token, so nothing more is granted.
 * - pods: `ExecutorPodsAllocator` gets the driver pod (owner of the executors) and creates
 *   executor pods; `ExecutorPodsWatchSnapshotSource` / `ExecutorPodsPollingSnapshotSource` watch and
 *   list them; `KubernetesClusterSchedulerBackend` labels them with their executor id (`edit`, a
 *   patch) and deletes them by label when scaling down or stopping (delete / deletecollection).
 * - configmaps: `KubernetesClusterSchedulerBackend.setUpExecutorConfigMap` creates the executors'
 *   conf map and `stop` deletes it by label.
 * - services: `stop` deletes the driver's service by label
 *   (spark.kubernetes.driver.service.deleteOnTermination); the service itself is made by whoever
 *   submits in cluster mode (the spark-operator), never by the driver.
 * - persistentvolumeclaims: only with on-demand executor claims (`claimName=OnDemand`):
 *   `ExecutorPodsAllocator.requestNewExecutors` creates them, `getReusablePVCs` lists them, `stop`
 *   deletes them by label.
 * Deleting by label is a collection delete or a list then deletes, depending on the fabric8
 * client version Spark ships, hence list with deletecollection.
 */
function sparkDriverRules(conf: Record<string, string>): PolicyRule[] {
  const rules: PolicyRule[] = [
    {
      apiGroups: [""],
      resources: ["pods"],
      verbs: ["create", "get", "list", "watch", "patch", "delete", "deletecollection"],
    },
    { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "list", "delete", "deletecollection"] },
    { apiGroups: [""], resources: ["services"], verbs: ["list", "delete", "deletecollection"] },
  ];
  if (usesOnDemandClaims(conf))
    rules.push({
      apiGroups: [""],
      resources: ["persistentvolumeclaims"],
      verbs: ["create", "list", "delete", "deletecollection"],
    });
  return rules;
}

/**
 * The objects of "a service account per job": a ServiceAccount, a Role allowing what the Spark
 * driver does in its namespace (see sparkDriverRules) and the RoleBinding between them. The
 * runner creates them before the job and deletes them after.
 */
export function perJobRbac(namespace: string, jobName: string, conf: Record<string, string> = {}) {
  const name = perJobAccountName(jobName);
  const metadata = { name, namespace, labels: { [BERTH_LABELS.job]: labelValue(jobName), ...MANAGED_BY_BERTH } };
  return {
    serviceAccount: { apiVersion: "v1", kind: "ServiceAccount", metadata },
    role: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata,
      rules: sparkDriverRules(conf),
    },
    roleBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    },
  };
}
