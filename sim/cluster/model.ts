/**
 * Typed views of the JSON kinds the cluster behaviour reads. Stored objects stay plain JSON
 * (`KubeObject`); these interfaces name only the fields this code touches.
 */
import type { KubeObject, ObjectMeta } from "../contract";

export type RawQuantity = string | number;
export type RawResourceList = Record<string, RawQuantity>;

export interface ResourceRequirements {
  requests?: RawResourceList;
  limits?: RawResourceList;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

/** A ConfigMap or Secret reference as volumes and projections write it. */
export interface ObjectVolumeSource {
  items?: KeyToPath[];
  optional?: boolean;
}

export interface Volume {
  name: string;
  configMap?: ObjectVolumeSource & { name?: string };
  secret?: ObjectVolumeSource & { secretName?: string };
  projected?: {
    sources?: { configMap?: ObjectVolumeSource & { name?: string }; secret?: ObjectVolumeSource & { name?: string } }[];
  };
  [source: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  volumeMounts?: VolumeMount[];
  resources?: ResourceRequirements;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  [field: string]: unknown;
}

export interface Toleration {
  key?: string;
  operator?: "Exists" | "Equal";
  value?: string;
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute" | "";
  tolerationSeconds?: number;
}

export interface Taint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface NodeSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  affinity?: {
    nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] } };
  };
  restartPolicy?: "Always" | "OnFailure" | "Never";
  schedulerName?: string;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  overhead?: RawResourceList;
  [field: string]: unknown;
}

export interface PodCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  lastProbeTime: string | null;
  lastTransitionTime: string;
  /** The pod generation the writer acted on (PodObservedGenerationTracking, on by default since 1.34). */
  observedGeneration?: number;
}

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    reason: string;
    message?: string;
    startedAt?: string;
    finishedAt: string;
    containerID?: string;
  };
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export interface PodStatus {
  phase?: PodPhase;
  conditions?: PodCondition[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  qosClass?: string;
  reason?: string;
  message?: string;
}

export interface Pod extends KubeObject {
  metadata: ObjectMeta & { name: string; namespace: string; uid: string };
  spec: PodSpec;
  status?: PodStatus;
}

export interface NodeStatus {
  capacity?: RawResourceList;
  allocatable?: RawResourceList;
  conditions?: { type: string; status: string }[];
  addresses?: { type: string; address: string }[];
}

export interface Node extends KubeObject {
  metadata: ObjectMeta & { name: string; uid: string };
  spec?: { unschedulable?: boolean; taints?: Taint[]; podCIDR?: string };
  status?: NodeStatus;
}

/** Phase Succeeded or Failed: the pod holds no resources any more. */
export const isTerminal = (pod: Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

export const podKey = (namespace: string | undefined, name: string | undefined): string =>
  `${namespace ?? ""}/${name ?? ""}`;

/**
 * The name admission errors print. Upstream admission runs before the name is generated, so a
 * pod created from `generateName` (every Job pod) reads `pods "myjob-" is forbidden: …`.
 */
export const admissionName = (object: KubeObject): string =>
  object.metadata.generateName || object.metadata.name || "Unknown";
