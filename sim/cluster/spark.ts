/**
 * A stand-in for the Kubeflow spark-operator (sparkoperator.k8s.io/v1beta2): submits a
 * `<app>-driver` pod, starts `spec.executor.instances` executors once the driver runs, tracks
 * `status.applicationState.state` SUBMITTED → RUNNING → COMPLETED | FAILED with driverInfo and
 * executorState, and cleans executors up when the driver ends.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { KubeObject, Store, StoreEvent } from "../contract";
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
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  gpu?: { name: string; quantity: number };
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
  const factor = { "": MIB, k: 1024, m: MIB, g: 1024 * MIB, t: 1024 * 1024 * MIB }[match[2].toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Math.round(Number(match[1]) * factor);
}

/** The pod memory Spark asks for: memory plus overhead (10 %, at least 384 MiB) unless given. */
export function sparkPodMemory(role: RoleSpec): string {
  const memory = sparkMemoryBytes(role.memory);
  const overhead = role.memoryOverhead ? sparkMemoryBytes(role.memoryOverhead) : Math.max(384 * MIB, Math.round(memory * 0.1));
  return formatQuantity({ ...fromUnits(Math.ceil((memory + overhead) / MIB) * MIB), format: "BinarySI" });
}

function resources(role: RoleSpec): Record<string, Record<string, string>> {
  const memory = sparkPodMemory(role);
  const cpu = String(role.cores ?? 1);
  const requests: Record<string, string> = { cpu, memory };
  const limits: Record<string, string> = { memory };
  if (role.coreLimit) limits.cpu = role.coreLimit;
  if (role.gpu) {
    limits[role.gpu.name] = String(role.gpu.quantity);
    requests[role.gpu.name] = String(role.gpu.quantity);
  }
  return { requests, limits };
}

const simAnnotations = (annotations: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => k.startsWith(ANNOTATION_PREFIX)));

export class SparkController {
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly events: EventRecorder,
  ) {
    this.unsubscribe = store.subscribe((event) => this.observe(event));
    for (const app of this.apps()) this.markDirty(podKey(app.metadata.namespace, app.metadata.name));
  }

  stop(): void {
    this.unsubscribe();
  }

  private apps(): SparkApplication[] {
    return this.store.type(SPARK_APPS) ? (this.store.list(SPARK_APPS) as SparkApplication[]) : [];
  }

  private observe(event: StoreEvent): void {
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
      if (app && !app.metadata.deletionTimestamp) this.sync(app);
    }
  }

  private podsOf(app: SparkApplication): Pod[] {
    return (this.store.list("pods", app.metadata.namespace) as Pod[]).filter(
      (p) => p.metadata.labels?.["sparkoperator.k8s.io/app-name"] === app.metadata.name,
    );
  }

  private sync(app: SparkApplication): void {
    const state = app.status?.applicationState?.state;
    if (state === "COMPLETED" || state === "FAILED" || state === "SUBMISSION_FAILED") return;
    if (!state) return this.submit(app);
    const pods = this.podsOf(app);
    const driver = pods.find((p) => p.metadata.labels?.["spark-role"] === "driver");
    const executors = pods.filter((p) => p.metadata.labels?.["spark-role"] === "executor");
    const status = structuredClone(app.status ?? {});
    const executorState: Record<string, string> = { ...(status.executorState ?? {}) };
    for (const e of executors) executorState[e.metadata.name] = executorPhase(e);

    if (!driver) {
      this.finish(app, status, executorState, "FAILED", "driver pod not found");
      return;
    }
    status.driverInfo = { ...(status.driverInfo ?? {}), podName: driver.metadata.name };
    if (driver.status?.podIP) status.driverInfo.webUIAddress = `${driver.status.podIP}:4040`;
    if (driver.status?.phase === "Running") {
      if (state === "SUBMITTED") {
        status.applicationState = { state: "RUNNING" };
        status.executionAttempts = 1;
        this.events.record(app, "Normal", "SparkDriverRunning", `Driver ${driver.metadata.name} is running`, COMPONENT);
      }
      if (executors.length === 0) this.startExecutors(app, driver);
    } else if (driver.status?.phase === "Succeeded") {
      this.finish(app, status, executorState, "COMPLETED");
      for (const e of executors) this.deletePod(e);
      return;
    } else if (driver.status?.phase === "Failed") {
      const terminated = driver.status.containerStatuses?.[0]?.state.terminated;
      this.finish(app, status, executorState, "FAILED", `driver container failed with ExitCode: ${terminated?.exitCode ?? 1}, Reason: ${terminated?.reason ?? "Error"}`);
      for (const e of executors) this.deletePod(e);
      return;
    }
    status.executorState = executorState;
    this.writeStatus(app, status);
  }

  private submit(app: SparkApplication): void {
    const now = nowTimestamp();
    const appId = `spark-${randomBytes(16).toString("hex")}`;
    const submissionID = randomUUID();
    const driverName = `${app.metadata.name}-driver`;
    const driverSpec = app.spec.driver ?? {};
    const annotations = { [`${ANNOTATION_PREFIX}duration`]: DEFAULT_DRIVER_DURATION, ...(driverSpec.annotations ?? {}) };
    const labels = this.labels(app, appId, submissionID, "driver", driverSpec.labels);
    const pod: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: driverName,
        namespace: app.metadata.namespace,
        labels,
        annotations,
        ownerReferences: [{ apiVersion: app.apiVersion, kind: app.kind, name: app.metadata.name!, uid: app.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        restartPolicy: "Never",
        serviceAccountName: driverSpec.serviceAccount ?? "default",
        nodeSelector: { ...(app.spec.nodeSelector ?? {}), ...(driverSpec.nodeSelector ?? {}) },
        tolerations: driverSpec.tolerations,
        containers: [
          {
            name: "spark-kubernetes-driver",
            image: driverSpec.image ?? app.spec.image ?? "spark:3.5.0",
            args: ["driver", "--properties-file", "/opt/spark/conf/spark.properties", ...(app.spec.mainClass ? ["--class", app.spec.mainClass] : []), app.spec.mainApplicationFile ?? ""],
            ports: [{ name: "spark-ui", containerPort: 4040, protocol: "TCP" }],
            resources: resources(driverSpec),
          },
        ],
      },
    };
    const status: SparkApplication["status"] = {
      sparkApplicationId: appId,
      submissionID,
      lastSubmissionAttemptTime: now,
      submissionAttempts: 1,
      executionAttempts: 0,
      driverInfo: { podName: driverName, webUIPort: 4040, webUIServiceName: `${app.metadata.name}-ui-svc` },
      applicationState: { state: "SUBMITTED" },
    };
    try {
      this.store.create("pods", pod, { internal: true });
      this.events.record(app, "Normal", "SparkApplicationSubmitted", `SparkApplication ${app.metadata.name} was submitted successfully`, COMPONENT);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      status.applicationState = { state: "SUBMISSION_FAILED", errorMessage: message };
      status.terminationTime = now;
      this.events.record(app, "Warning", "SparkApplicationSubmissionFailed", `failed to submit SparkApplication ${app.metadata.name}: ${message}`, COMPONENT);
    }
    this.writeStatus(app, status);
  }

  private labels(app: SparkApplication, appId: string, submissionID: string, role: string, extra?: Record<string, string>): Record<string, string> {
    return {
      ...(extra ?? {}),
      "spark-role": role,
      "spark-app-selector": appId,
      "spark-app-name": app.metadata.name!,
      "sparkoperator.k8s.io/app-name": app.metadata.name!,
      "sparkoperator.k8s.io/launched-by-spark-operator": "true",
      "sparkoperator.k8s.io/submission-id": submissionID,
      ...(app.spec.sparkVersion ? { "spark-version": app.spec.sparkVersion } : {}),
    };
  }

  private startExecutors(app: SparkApplication, driver: Pod): void {
    const spec = app.spec.executor ?? {};
    const appId = app.status?.sparkApplicationId ?? "spark-app";
    const prefix = `${app.metadata.name}-${randomBytes(8).toString("hex")}`;
    for (let i = 1; i <= (spec.instances ?? 1); i++) {
      const pod: KubeObject = {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
          name: `${prefix}-exec-${i}`,
          namespace: app.metadata.namespace,
          labels: { ...this.labels(app, appId, app.status?.submissionID ?? "", "executor", spec.labels), "spark-exec-id": String(i) },
          // Executors live as long as the driver: only profile annotations are passed on.
          annotations: simAnnotations(spec.annotations),
          ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: driver.metadata.name, uid: driver.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          restartPolicy: "Never",
          nodeSelector: { ...(app.spec.nodeSelector ?? {}), ...(spec.nodeSelector ?? {}) },
          tolerations: spec.tolerations,
          containers: [
            {
              name: "spark-kubernetes-executor",
              image: spec.image ?? app.spec.image ?? "spark:3.5.0",
              args: ["executor"],
              resources: resources(spec),
            },
          ],
        },
      };
      try {
        this.store.create("pods", pod, { internal: true });
      } catch (error) {
        this.events.record(app, "Warning", "SparkExecutorCreateFailed", error instanceof Error ? error.message : String(error), COMPONENT);
      }
    }
  }

  private finish(app: SparkApplication, status: NonNullable<SparkApplication["status"]>, executorState: Record<string, string>, state: "COMPLETED" | "FAILED", errorMessage?: string): void {
    const final = state === "COMPLETED" ? "COMPLETED" : "FAILED";
    for (const name of Object.keys(executorState)) if (executorState[name] === "RUNNING" || executorState[name] === "PENDING") executorState[name] = final;
    status.executorState = executorState;
    status.applicationState = errorMessage ? { state, errorMessage } : { state };
    status.terminationTime = nowTimestamp();
    this.writeStatus(app, status);
    const reason = state === "COMPLETED" ? "SparkApplicationCompleted" : "SparkApplicationFailed";
    this.events.record(app, state === "COMPLETED" ? "Normal" : "Warning", reason, `SparkApplication ${app.metadata.name} ${state === "COMPLETED" ? "completed" : `failed: ${errorMessage}`}`, COMPONENT);
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
