/**
 * The simulator's internal contract: how the API server core (store, HTTP, watch, patch) and the
 * cluster behaviour (admission, scheduler, kubelet, controllers, metrics) meet. Both sides build
 * against these types; neither reaches into the other's files. Nothing outside sim/ imports this.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

/** Any stored object. Fields beyond metadata are kind-specific JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [field: string]: unknown;
}

/** "pods", "jobs.batch", "sparkapplications.sparkoperator.k8s.io": resource[.group], as kubectl names them. */
export type ResourceKey = string;

export interface ResourceType {
  key: ResourceKey;
  group: string; // "" for core
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  subresources?: string[]; // "status", "log", "eviction", "scale"
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceKey;
  object: KubeObject; // the object after the change (for DELETED: its last state, with a new resourceVersion)
  oldObject?: KubeObject;
}

export type Operation = "CREATE" | "UPDATE" | "DELETE";

export interface AdmissionAttributes {
  operation: Operation;
  resource: ResourceKey;
  subresource?: string;
  namespace?: string;
  /** Mutable: mutating plugins change it in place (defaults, LimitRange). */
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
  /** True for writes made by the simulator's own controllers (scheduler, kubelet…). */
  internal: boolean;
}

/**
 * An admission plugin: mutate `attrs.object` and/or throw a StatusError (see below) to refuse.
 * Plugins run in registration order, after the core's own defaulting (uid, timestamps, names)
 * and before the write. Quota accounting that must be atomic with the write runs here too.
 */
export interface AdmissionPlugin {
  name: string;
  admit(attrs: AdmissionAttributes, store: Store): void;
}

/** A Kubernetes `Status` failure; the HTTP layer serialises it verbatim with `code` as status. */
export interface StatusError extends Error {
  status: {
    kind: "Status";
    apiVersion: "v1";
    metadata: Record<string, never>;
    status: "Failure";
    message: string;
    reason: string;
    details?: {
      name?: string;
      group?: string;
      kind?: string;
      causes?: { reason?: string; message: string; field?: string }[];
      retryAfterSeconds?: number;
    };
    code: number;
  };
}

export interface WriteOptions {
  dryRun?: boolean;
  /** Writes by simulator controllers: skip auth-related checks, still admitted and versioned. */
  internal?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: { uid?: string; resourceVersion?: string };
}

/**
 * The object store: one global resourceVersion counter, events to subscribers in commit order.
 * All methods are synchronous; they throw StatusError on failure (NotFound, AlreadyExists,
 * Conflict when metadata.resourceVersion is set and stale, Invalid, Forbidden from admission).
 * (Added by the core:) objects returned by get/list/create/update/delete are deep-frozen
 * snapshots shared with every reader; copy before changing (`{ ...pod, status }` or
 * structuredClone). Objects passed in are copied, never kept or frozen.
 */
export interface Store {
  types(): ResourceType[];
  type(key: ResourceKey): ResourceType | undefined;
  registerType(type: ResourceType): void;

  get(key: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined;
  list(key: ResourceKey, namespace?: string): KubeObject[];
  create(key: ResourceKey, object: KubeObject, options?: WriteOptions): KubeObject;
  /** Full replace of the main resource (spec/metadata); status is carried over from the stored object. */
  update(key: ResourceKey, object: KubeObject, options?: WriteOptions): KubeObject;
  /** Replace only `.status` (the status subresource); spec/metadata changes are ignored. */
  updateStatus(key: ResourceKey, object: KubeObject, options?: WriteOptions): KubeObject;
  /**
   * Delete. Pods with a grace period > 0 get deletionTimestamp set (MODIFIED) and are removed by
   * the kubelet side calling `delete(..., {gracePeriodSeconds: 0, internal: true})`; everything
   * else is removed at once (DELETED). Namespaces cascade to their contents.
   */
  delete(key: ResourceKey, namespace: string | undefined, name: string, options?: DeleteOptions): KubeObject;

  subscribe(listener: (event: StoreEvent) => void): () => void;
  addAdmission(plugin: AdmissionPlugin): void;
  currentResourceVersion(): number;
}

/** Context given to extra HTTP handlers registered by the behaviour side. */
export interface RouteContext {
  store: Store;
  url: URL;
  params: Record<string, string>;
}

/**
 * Extra endpoints the behaviour side provides (pods/log, metrics.k8s.io lists, the dcgm
 * exporter text). The core routes to them after authentication and before its generic handler.
 * Return false to fall through.
 */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => boolean | Promise<boolean>;

export interface ExtraRoute {
  method: "GET" | "POST";
  /** Path pattern with :params, e.g. "/api/v1/namespaces/:namespace/pods/:name/log". */
  path: string;
  handler: RouteHandler;
  /** false for endpoints reachable without a token (the dcgm /metrics scrape). Default true. */
  auth?: boolean;
}

/** What the behaviour side exports from sim/cluster/index.ts for the core to wire in at start. */
export interface ClusterBehaviour {
  /** Extra resource types (metrics.k8s.io kinds are served read-only through routes). */
  types: ResourceType[];
  admission: AdmissionPlugin[];
  routes: ExtraRoute[];
  /** Starts scheduler, kubelet, controllers; returns a stop function. */
  start(store: Store, options?: ClusterOptions): () => void;
  /** Seeds nodes and demo objects from the CLI options. */
  seed(store: Store, options: SeedOptions): void;
}

/** How the simulated cluster's add-ons are installed (flags of sim/main.ts). */
export interface ClusterOptions {
  spark?: SparkOperatorOptions;
  kubelet?: KubeletOptions;
}

/** How the simulated kubelet runs pods that script nothing. */
export interface KubeletOptions {
  /**
   * How long the containers of a run-to-completion pod (restartPolicy Never or OnFailure) without
   * a `sim.berth.dev/duration` run before exiting 0 (`--default-run-seconds`). Omitted: until deleted.
   */
  defaultRunMs?: number;
}

/** The Kubeflow spark-operator's install options the simulator honours. */
export interface SparkOperatorOptions {
  /** Namespaces the operator acts in (helm `spark.jobNamespaces`); empty or omitted: all. */
  jobNamespaces?: string[];
  /** Whether its mutating pod webhook is installed (helm `webhook.enable`). */
  webhook?: boolean;
}

export interface SeedOptions {
  nodes: number;
  gpuNodes: number;
  gpusPerNode: number;
  pods: number;
  namespaces: number;
  seed: number;
  /** One ResourceQuota per demo namespace, its hard limits above what the seeded pods use. */
  quotas?: boolean;
}
