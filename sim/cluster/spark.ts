/**
 * A stand-in for the Kubeflow spark-operator v2.x (sparkoperator.k8s.io/v1beta2), following
 * kubeflow/spark-operator internal/controller/sparkapplication/controller.go and submission.go
 * (v2.1–v2.5):
 * - it acts only on applications in its job namespaces (helm `spark.jobNamespaces`, the
 *   controller's `--namespaces`): elsewhere an application never gets a status;
 * - "spark-submit" creates the `<app>-driver` pod from what spark-submit's conf carries (image,
 *   cores, memory, labels, annotations, `envVars`, the app-level nodeSelector) on top of
 *   `driver.template` / `executor.template` (spark.kubernetes.*.podTemplateFile); a refused pod is
 *   SUBMISSION_FAILED with "failed to run spark-submit: …", then FAILED (restartPolicy Never);
 * - env, tolerations, GPUs, configMaps, volumes, affinity and security contexts of the driver and
 *   executor specs reach pods only through the mutating webhook (internal/webhook/sparkpod_defaulter.go),
 *   which is optional here as in the chart (`webhook.enable`), and mutates only pods labelled
 *   `mutated-by-spark-operator`: those of a role without a template;
 * - states SUBMITTED → RUNNING → SUCCEEDING → COMPLETED, or → FAILING (errorMessage) → FAILED, or
 *   → PENDING_RERUN and a new submission under restartPolicy OnFailure/Always.
 */
import { randomBytes, randomUUID } from "node:crypto";

import type { KubeObject, SparkOperatorOptions, Store, StoreEvent } from "../contract";
import { nowTimestamp } from "../server/objects";
import { ANNOTATION_PREFIX } from "./annotations";
import type { EventRecorder } from "./events";
import { isTerminal, podKey, type Pod } from "./model";
import { formatQuantity, fromUnits } from "./quantity";

export const SPARK_APPS = "sparkapplications.sparkoperator.k8s.io";
const COMPONENT = "spark-operator";
const MIB = 1024 * 1024;
/** Without a scripted duration the driver finishes after this, so demo apps complete. */
const DEFAULT_DRIVER_DURATION = "30s";
const MUTATED_LABEL = "sparkoperator.k8s.io/mutated-by-spark-operator";

type Mapping = Record<string, unknown>;

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Mapping & { containers?: Mapping[] };
}

interface RoleSpec {
  cores?: number;
  coreLimit?: string;
  memory?: string;
  memoryOverhead?: string;
  image?: string;
  instances?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  serviceAccount?: string;
  envVars?: Record<string, string>;
  template?: PodTemplate;
  // Applied by the webhook only.
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  gpu?: { name: string; quantity: number };
  env?: { name: string; value?: string }[];
  configMaps?: { name: string; path: string }[];
  volumeMounts?: { name: string; mountPath: string }[];
  affinity?: unknown;
  securityContext?: unknown;
  podSecurityContext?: unknown;
  schedulerName?: string;
}

interface SparkApplication extends KubeObject {
  spec: {
    type?: string;
    mode?: string;
    image?: string;
    mainClass?: string;
    mainApplicationFile?: string;
    sparkVersion?: string;
    nodeSelector?: Record<string, string>;
    volumes?: { name: string }[];
    restartPolicy?: { type?: string; onFailureRetries?: number; onSubmissionFailureRetries?: number };
    driver?: RoleSpec;
    executor?: RoleSpec;
  };
  status?: {
    sparkApplicationId?: string;
    submissionID?: string;
    lastSubmissionAttemptTime?: string;
    terminationTime?: string;
    submissionAttempts?: number;
    executionAttempts?: number;
    driverInfo?: { podName?: string; webUIAddress?: string; webUIPort?: number; webUIServiceName?: string };
    applicationState?: { state: string; errorMessage?: string };
    executorState?: Record<string, string>;
  };
}

/** Spark memory strings (`512m`, `2g`; k/m/g/t are binary, a bare number is MiB) in bytes. */
export function sparkMemoryBytes(text: string | undefined, fallbackMiB = 1024): number {
  const match = /^(\d+(?:\.\d+)?)([kmgt]?)b?$/i.exec((text ?? "").trim());
  if (!match) return fallbackMiB * MIB;
  const factor = { "": MIB, k: 1024, m: MIB, g: 1024 * MIB, t: 1024 * 1024 * MIB }[
    match[2].toLowerCase() as "" | "k" | "m" | "g" | "t"
  ];
  return Math.round(Number(match[1]) * factor);
}

/** The pod memory Spark asks for: memory plus overhead (10 %, at least 384 MiB) unless given. */
export function sparkPodMemory(role: RoleSpec): string {
  const memory = sparkMemoryBytes(role.memory);
  const overhead = role.memoryOverhead
    ? sparkMemoryBytes(role.memoryOverhead)
    : Math.max(384 * MIB, Math.round(memory * 0.1));
  return formatQuantity({ ...fromUnits(Math.ceil((memory + overhead) / MIB) * MIB), format: "BinarySI" });
}

/** What spark-submit puts on the Spark container: cpu and memory requests, the memory limit, a cpu limit when given. */
function sparkResources(role: RoleSpec): { requests: Record<string, string>; limits: Record<string, string> } {
  const memory = sparkPodMemory(role);
  const requests: Record<string, string> = { cpu: String(role.cores ?? 1), memory };
  const limits: Record<string, string> = { memory };
  if (role.coreLimit) limits.cpu = role.coreLimit;
  return { requests, limits };
}

const simAnnotations = (annotations: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => k.startsWith(ANNOTATION_PREFIX)));

const isMapping = (value: unknown): value is Mapping =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

type Role = "driver" | "executor";

/**
 * A Spark pod as spark-submit (driver) or the driver (executors) makes it: the role's template as
 * the base (Spark's KubernetesDriverBuilder / KubernetesExecutorBuilder start from
 * podTemplateFile), its container named `spark-kubernetes-<role>` (the operator sets
 * spark.kubernetes.*.podTemplateContainerName), then what the conf says on top.
 */
function sparkPod(
  app: SparkApplication,
  role: Role,
  spec: RoleSpec,
  name: string,
  labels: Record<string, string>,
  annotations: Record<string, string>,
): KubeObject {
  const template = structuredClone(spec.template ?? {});
  const podSpec: Mapping & { containers?: Mapping[] } = isMapping(template.spec) ? template.spec : {};
  const containerName = `spark-kubernetes-${role}`;
  const containers = Array.isArray(podSpec.containers) ? podSpec.containers : [];
  const index = Math.max(
    0,
    containers.findIndex((container) => container.name === containerName),
  );
  const base: Mapping = containers[index] ?? {};
  const baseResources = isMapping(base.resources) ? base.resources : {};
  const own = sparkResources(spec);
  const envVars = Object.entries(spec.envVars ?? {}).map(([envName, value]) => ({ name: envName, value }));
  const container: Mapping = {
    ...base,
    name: containerName,
    image: spec.image ?? app.spec.image ?? "spark:3.5.0",
    args:
      role === "driver"
        ? [
            "driver",
            "--properties-file",
            "/opt/spark/conf/spark.properties",
            ...(app.spec.mainClass ? ["--class", app.spec.mainClass] : []),
            app.spec.mainApplicationFile ?? "",
          ]
        : ["executor"],
    ...(role === "driver" ? { ports: [{ name: "spark-ui", containerPort: 4040, protocol: "TCP" }] } : {}),
    env: [...(Array.isArray(base.env) ? base.env : []), ...envVars],
    resources: {
      requests: { ...(isMapping(baseResources.requests) ? baseResources.requests : {}), ...own.requests },
      limits: { ...(isMapping(baseResources.limits) ? baseResources.limits : {}), ...own.limits },
    },
  };
  const allContainers = [...containers];
  allContainers[index] = container;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: app.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}), ...labels },
      annotations: { ...(template.metadata?.annotations ?? {}), ...annotations },
    },
    spec: {
      ...podSpec,
      restartPolicy: "Never",
      ...(role === "driver"
        ? { serviceAccountName: spec.serviceAccount ?? (podSpec.serviceAccountName as string | undefined) ?? "default" }
        : {}),
      nodeSelector: {
        ...(isMapping(podSpec.nodeSelector) ? podSpec.nodeSelector : {}),
        ...(app.spec.nodeSelector ?? {}),
      },
      containers: allContainers,
    },
  };
}

/** What the webhook (sparkpod_defaulter.go mutateSparkPod) adds to a pod labelled for mutation. */
function mutateSparkPod(pod: KubeObject, app: SparkApplication, spec: RoleSpec): void {
  const podSpec = pod.spec as Mapping & {
    containers: Mapping[];
    volumes?: unknown[];
    tolerations?: unknown[];
    nodeSelector?: Record<string, string>;
  };
  const container = podSpec.containers[0];
  const mounts: unknown[] = [...((container.volumeMounts as unknown[] | undefined) ?? [])];
  const volumes: unknown[] = [...(podSpec.volumes ?? [])];
  if (spec.env?.length) container.env = [...((container.env as unknown[] | undefined) ?? []), ...spec.env];
  for (const { name, path } of spec.configMaps ?? []) {
    const volume = `${name}-vol`.slice(0, 63);
    volumes.push({ name: volume, configMap: { name } });
    mounts.push({ name: volume, readOnly: true, mountPath: path });
  }
  for (const mount of spec.volumeMounts ?? []) {
    const volume = app.spec.volumes?.find((candidate) => candidate.name === mount.name);
    if (!volume) continue;
    if (!volumes.some((known) => isMapping(known) && known.name === mount.name)) volumes.push(volume);
    mounts.push(mount);
  }
  if (mounts.length) container.volumeMounts = mounts;
  if (volumes.length) podSpec.volumes = volumes;
  if (spec.schedulerName) podSpec.schedulerName = spec.schedulerName;
  podSpec.nodeSelector = { ...(podSpec.nodeSelector ?? {}), ...(spec.nodeSelector ?? {}) };
  if (spec.affinity) podSpec.affinity = structuredClone(spec.affinity);
  podSpec.tolerations = [...(podSpec.tolerations ?? []), ...(spec.tolerations ?? [])];
  if (spec.gpu) {
    const resources = container.resources as { requests: Record<string, string>; limits: Record<string, string> };
    resources.limits[spec.gpu.name] = String(spec.gpu.quantity);
  }
  if (spec.securityContext) container.securityContext = structuredClone(spec.securityContext);
  if (spec.podSecurityContext) podSpec.securityContext = structuredClone(spec.podSecurityContext);
}

const FINAL_STATES = new Set(["COMPLETED", "FAILED"]);

export class SparkController {
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private readonly unsubscribe: () => void;
  private readonly jobNamespaces: ReadonlySet<string>;
  private readonly webhook: boolean;

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
    options: SparkOperatorOptions = {},
  ) {
    this.jobNamespaces = new Set((options.jobNamespaces ?? []).filter(Boolean));
    this.webhook = options.webhook ?? false;
    this.unsubscribe = store.subscribe((event) => this.observe(event));
    for (const app of this.apps()) this.markDirty(podKey(app.metadata.namespace, app.metadata.name));
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Whether the operator acts in a namespace: its controller's cache covers only its job namespaces. */
  private watches(namespace: string | undefined): boolean {
    return this.jobNamespaces.size === 0 || this.jobNamespaces.has(namespace ?? "");
  }

  private apps(): SparkApplication[] {
    return this.store.type(SPARK_APPS) ? (this.store.list(SPARK_APPS) as SparkApplication[]) : [];
  }

  private observe(event: StoreEvent): void {
    if (!this.watches(event.object.metadata.namespace)) return;
    if (event.resource === SPARK_APPS && event.type !== "DELETED") {
      this.markDirty(podKey(event.object.metadata.namespace, event.object.metadata.name));
    } else if (event.resource === "pods") {
      const app = event.object.metadata.labels?.["sparkoperator.k8s.io/app-name"];
      if (app) this.markDirty(podKey(event.object.metadata.namespace, app));
    }
  }

  private markDirty(key: string): void {
    this.dirty.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.syncDirty());
  }

  private syncDirty(): void {
    this.scheduled = false;
    const keys = [...this.dirty];
    this.dirty.clear();
    if (!this.store.type(SPARK_APPS)) return;
    for (const key of keys) {
      const slash = key.indexOf("/");
      const app = this.store.get(SPARK_APPS, key.slice(0, slash), key.slice(slash + 1)) as SparkApplication | undefined;
      if (app && !app.metadata.deletionTimestamp && this.watches(app.metadata.namespace)) this.sync(app);
    }
  }

  private podsOf(app: SparkApplication): Pod[] {
    const submission = app.status?.submissionID;
    return (this.store.list("pods", app.metadata.namespace) as Pod[]).filter(
      (p) =>
        p.metadata.labels?.["sparkoperator.k8s.io/app-name"] === app.metadata.name &&
        (!submission || p.metadata.labels?.["sparkoperator.k8s.io/submission-id"] === submission),
    );
  }

  private sync(app: SparkApplication): void {
    const state = app.status?.applicationState?.state ?? "";
    if (FINAL_STATES.has(state)) return;
    if (state === "") return this.submit(app);
    if (state === "SUBMISSION_FAILED")
      return this.afterFailure(app, "onSubmissionFailureRetries", app.status?.submissionAttempts ?? 1);
    if (state === "SUCCEEDING") return this.afterSuccess(app);
    if (state === "FAILING") return this.afterFailure(app, "onFailureRetries", app.status?.executionAttempts ?? 1);
    if (state === "PENDING_RERUN") return this.rerun(app);
    const pods = this.podsOf(app);
    const driver = pods.find((p) => p.metadata.labels?.["spark-role"] === "driver");
    const executors = pods.filter((p) => p.metadata.labels?.["spark-role"] === "executor");
    const status = structuredClone(app.status ?? {});
    const executorState: Record<string, string> = { ...(status.executorState ?? {}) };
    for (const e of executors) executorState[e.metadata.name] = executorPhase(e);
    status.executorState = executorState;

    if (!driver) {
      status.applicationState = { state: "FAILING", errorMessage: "driver pod not found" };
      status.terminationTime = nowTimestamp();
      this.writeStatus(app, status);
      return;
    }
    status.driverInfo = { ...(status.driverInfo ?? {}), podName: driver.metadata.name };
    if (driver.status?.podIP) status.driverInfo.webUIAddress = `${driver.status.podIP}:4040`;
    if (driver.status?.phase === "Running") {
      if (state === "SUBMITTED") {
        status.applicationState = { state: "RUNNING" };
        status.executionAttempts = (status.executionAttempts ?? 0) + 1;
        this.events.record(app, "Normal", "SparkDriverRunning", `Driver ${driver.metadata.name} is running`, COMPONENT);
      }
      if (executors.length === 0) this.startExecutors(app, driver);
    } else if (driver.status?.phase === "Succeeded") {
      this.endExecutors(executors, executorState, "COMPLETED");
      status.applicationState = { state: "SUCCEEDING" };
      status.terminationTime = nowTimestamp();
    } else if (driver.status?.phase === "Failed") {
      const terminated = driver.status.containerStatuses?.[0]?.state.terminated;
      this.endExecutors(executors, executorState, "FAILED");
      status.applicationState = {
        state: "FAILING",
        errorMessage: `driver container failed with ExitCode: ${terminated?.exitCode ?? 1}, Reason: ${terminated?.reason ?? "Error"}`,
      };
      status.terminationTime = nowTimestamp();
    }
    this.writeStatus(app, status);
  }

  private submit(app: SparkApplication): void {
    const now = nowTimestamp();
    const appId = `spark-${randomBytes(16).toString("hex")}`;
    const submissionID = randomUUID();
    const driverName = `${app.metadata.name}-driver`;
    const driverSpec = app.spec.driver ?? {};
    const annotations = {
      [`${ANNOTATION_PREFIX}duration`]: DEFAULT_DRIVER_DURATION,
      ...(driverSpec.annotations ?? {}),
    };
    const labels = this.labels(app, appId, submissionID, "driver", driverSpec);
    const pod = sparkPod(app, "driver", driverSpec, driverName, labels, annotations);
    pod.metadata.ownerReferences = [
      {
        apiVersion: app.apiVersion,
        kind: app.kind,
        name: app.metadata.name!,
        uid: app.metadata.uid!,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    this.admit(pod, app, driverSpec);
    const status: SparkApplication["status"] = {
      sparkApplicationId: appId,
      submissionID,
      lastSubmissionAttemptTime: now,
      submissionAttempts: (app.status?.submissionAttempts ?? 0) + 1,
      executionAttempts: app.status?.executionAttempts ?? 0,
      driverInfo: { podName: driverName, webUIPort: 4040, webUIServiceName: `${app.metadata.name}-ui-svc` },
      applicationState: { state: "SUBMITTED" },
    };
    try {
      this.store.create("pods", pod, { internal: true });
      this.events.record(
        app,
        "Normal",
        "SparkApplicationSubmitted",
        `SparkApplication ${app.metadata.name} was submitted successfully`,
        COMPONENT,
      );
    } catch (error) {
      // submission.go runSparkSubmit: spark-submit's stderr after this prefix.
      const message = `failed to run spark-submit: ${error instanceof Error ? error.message : String(error)}`;
      status.applicationState = { state: "SUBMISSION_FAILED", errorMessage: message };
      status.terminationTime = now;
      this.events.record(
        app,
        "Warning",
        "SparkApplicationSubmissionFailed",
        `failed to submit SparkApplication ${app.metadata.name}: ${message}`,
        COMPONENT,
      );
    }
    this.writeStatus(app, status);
  }

  /** The webhook mutates pods of roles without a template (their label says so), in its namespaces. */
  private admit(pod: KubeObject, app: SparkApplication, spec: RoleSpec): void {
    if (this.webhook && pod.metadata.labels?.[MUTATED_LABEL] === "true" && this.watches(app.metadata.namespace))
      mutateSparkPod(pod, app, spec);
  }

  /** SUCCEEDING: COMPLETED, unless restartPolicy Always runs it again. */
  private afterSuccess(app: SparkApplication): void {
    const status = structuredClone(app.status ?? {});
    if (app.spec.restartPolicy?.type === "Always") {
      status.applicationState = { state: "PENDING_RERUN" };
    } else {
      status.applicationState = { state: "COMPLETED" };
      this.events.record(
        app,
        "Normal",
        "SparkApplicationCompleted",
        `SparkApplication ${app.metadata.name} completed`,
        COMPONENT,
      );
    }
    this.writeStatus(app, status);
  }

  /** FAILING or SUBMISSION_FAILED: FAILED (the errorMessage kept), unless the restart policy retries (controller.go ShouldRetry). */
  private afterFailure(
    app: SparkApplication,
    retriesField: "onFailureRetries" | "onSubmissionFailureRetries",
    attempts: number,
  ): void {
    const status = structuredClone(app.status ?? {});
    const policy = app.spec.restartPolicy ?? {};
    const retry =
      policy.type === "Always" ||
      (policy.type === "OnFailure" && policy[retriesField] !== undefined && attempts <= policy[retriesField]);
    if (retry) {
      status.applicationState = { state: "PENDING_RERUN" };
    } else {
      const errorMessage = status.applicationState?.errorMessage;
      status.applicationState = errorMessage ? { state: "FAILED", errorMessage } : { state: "FAILED" };
      status.terminationTime = status.terminationTime ?? nowTimestamp();
      this.events.record(
        app,
        "Warning",
        "SparkApplicationFailed",
        `SparkApplication ${app.metadata.name} failed: ${errorMessage ?? "unknown error"}`,
        COMPONENT,
      );
    }
    this.writeStatus(app, status);
  }

  /** PENDING_RERUN: the old driver goes, then a new submission once it is gone. */
  private rerun(app: SparkApplication): void {
    const driver = this.store.get("pods", app.metadata.namespace, `${app.metadata.name}-driver`) as Pod | undefined;
    if (driver) {
      this.deletePod(driver);
      return;
    }
    this.submit(app);
  }

  private labels(
    app: SparkApplication,
    appId: string,
    submissionID: string,
    role: Role,
    spec: RoleSpec,
  ): Record<string, string> {
    return {
      ...(app.metadata.labels ?? {}),
      ...(spec.labels ?? {}),
      "spark-role": role,
      "spark-app-selector": appId,
      "spark-app-name": app.metadata.name!,
      "sparkoperator.k8s.io/app-name": app.metadata.name!,
      "sparkoperator.k8s.io/launched-by-spark-operator": "true",
      "sparkoperator.k8s.io/submission-id": submissionID,
      // submission.go driverConfOption / executorConfOption: only pods without a template are left to the webhook.
      ...(spec.template ? {} : { [MUTATED_LABEL]: "true" }),
      ...(app.spec.sparkVersion ? { "spark-version": app.spec.sparkVersion } : {}),
    };
  }

  private startExecutors(app: SparkApplication, driver: Pod): void {
    const spec = app.spec.executor ?? {};
    const appId = app.status?.sparkApplicationId ?? "spark-app";
    const prefix = `${app.metadata.name}-${randomBytes(8).toString("hex")}`;
    for (let i = 1; i <= (spec.instances ?? 1); i++) {
      const labels = {
        ...this.labels(app, appId, app.status?.submissionID ?? "", "executor", spec),
        "spark-exec-id": String(i),
      };
      // Executors live as long as the driver: only profile annotations are passed on.
      const pod = sparkPod(app, "executor", spec, `${prefix}-exec-${i}`, labels, simAnnotations(spec.annotations));
      pod.metadata.ownerReferences = [
        {
          apiVersion: "v1",
          kind: "Pod",
          name: driver.metadata.name,
          uid: driver.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ];
      this.admit(pod, app, spec);
      try {
        this.store.create("pods", pod, { internal: true });
      } catch (error) {
        this.events.record(
          app,
          "Warning",
          "SparkExecutorCreateFailed",
          error instanceof Error ? error.message : String(error),
          COMPONENT,
        );
      }
    }
  }

  private endExecutors(executors: Pod[], executorState: Record<string, string>, final: "COMPLETED" | "FAILED"): void {
    for (const name of Object.keys(executorState))
      if (executorState[name] === "RUNNING" || executorState[name] === "PENDING") executorState[name] = final;
    for (const e of executors) this.deletePod(e);
  }

  private deletePod(pod: Pod): void {
    try {
      this.store.delete("pods", pod.metadata.namespace, pod.metadata.name, { internal: true });
    } catch {
      // Gone already.
    }
  }

  private writeStatus(app: SparkApplication, status: SparkApplication["status"]): void {
    if (JSON.stringify(status) === JSON.stringify(app.status)) return;
    try {
      this.store.updateStatus(SPARK_APPS, { ...app, status }, { internal: true });
    } catch {
      // Changed meanwhile; its event syncs again.
    }
  }
}

function executorPhase(pod: Pod): string {
  if (!isTerminal(pod)) return pod.status?.phase === "Running" ? "RUNNING" : "PENDING";
  return pod.status?.phase === "Succeeded" ? "COMPLETED" : "FAILED";
}
