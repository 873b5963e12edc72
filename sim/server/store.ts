/**
 * The in-memory object store behind the API: one global resourceVersion counter, per-kind maps
 * indexed by namespace, an owner index for garbage collection, and a bounded event history that
 * watches resume from. Stored objects are deep-frozen snapshots; every write replaces them.
 */
import { randomUUID } from "node:crypto";

import type {
  AdmissionAttributes,
  AdmissionPlugin,
  DeleteOptions,
  KubeObject,
  Operation,
  ResourceKey,
  ResourceType,
  Store,
  StoreEvent,
  WriteOptions,
} from "../contract";
import { BUILTIN_TYPES, CRDS, NAMESPACES, NODES, PODS } from "./builtin-types";
import { alreadyExists, badRequest, conflict, forbidden, invalid, notFound, statusError } from "./errors";
import { KindIndex } from "./kind-index";
import { cloneObject, deepEqual, deepFreeze, nowTimestamp } from "./objects";
import { REVIEW_TYPES } from "./reviews";
import { validateUpdate } from "./update-validation";

/** A committed event with the revision it was committed at. */
export interface HistoryEntry {
  revision: number;
  event: StoreEvent;
}

export interface StoreOptions {
  /** How many events watches can resume from before they get 410 Gone. */
  historyLimit?: number;
  /**
   * The first resourceVersion is above this. Defaults to the clock in milliseconds, so a
   * restarted simulator never hands out versions an earlier run used: clients resuming from an
   * old version get 410 and re-list instead of silently missing the restart.
   */
  initialRevision?: number;
}

/** Namespaces the NamespaceLifecycle admission plugin refuses to delete. */
const IMMORTAL_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);
const GENERATE_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const CLUSTER = ""; // namespace bucket for cluster-scoped kinds

function randomSuffix(): string {
  let out = "";
  for (let i = 0; i < 5; i++) out += GENERATE_NAME_ALPHABET[Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)];
  return out;
}

const ownerKey = (uid: string) => uid;
const refKey = (key: ResourceKey, namespace: string, name: string) => `${key}\u0000${namespace}\u0000${name}`;

export class MemoryStore implements Store {
  private readonly typesByKey = new Map<ResourceKey, ResourceType>();
  /** kind -> its objects by namespace ("" for cluster scope) and name, all frozen */
  private readonly objects = new Map<ResourceKey, KindIndex>();
  /** owner uid -> dependents, for ownerReference garbage collection */
  private readonly dependents = new Map<string, Set<string>>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  private readonly plugins: AdmissionPlugin[] = [];
  private readonly pending: StoreEvent[] = [];
  private dispatching = false;
  private revision = 0;

  private readonly historyLimit: number;
  private history: HistoryEntry[] = [];
  /** Every event with a revision above this is in `history`; older resumes get 410. */
  private compactedRevision = 0;

  constructor(options: StoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 50_000;
    this.revision = this.compactedRevision = options.initialRevision ?? Date.now();
    for (const type of [...BUILTIN_TYPES, ...REVIEW_TYPES]) this.registerType(type);
  }

  // ---- types -------------------------------------------------------------------------------

  types(): ResourceType[] {
    return [...this.typesByKey.values()];
  }

  type(key: ResourceKey): ResourceType | undefined {
    return this.typesByKey.get(key);
  }

  registerType(type: ResourceType): void {
    this.typesByKey.set(type.key, type);
    if (!this.objects.has(type.key)) this.objects.set(type.key, new KindIndex());
  }

  /** Removes a type (a deleted CRD) together with all its objects, without events (like upstream). */
  unregisterType(key: ResourceKey): void {
    this.typesByKey.delete(key);
    this.objects.delete(key);
  }

  private requireType(key: ResourceKey): ResourceType {
    const type = this.typesByKey.get(key);
    if (!type) throw statusError(404, "NotFound", "the server could not find the requested resource", {});
    return type;
  }

  // ---- reads -------------------------------------------------------------------------------

  get(key: ResourceKey, namespace: string | undefined, name: string): KubeObject | undefined {
    const type = this.typesByKey.get(key);
    if (!type) return undefined;
    return this.objects.get(key)?.get(type.namespaced ? (namespace ?? "") : CLUSTER, name);
  }

  /** Objects of a kind (optionally in one namespace), sorted by namespace then name like etcd keys. */
  list(key: ResourceKey, namespace?: string): KubeObject[] {
    const index = this.objects.get(key);
    if (!index) return [];
    return index.list(namespace !== undefined && this.typesByKey.get(key)?.namespaced ? namespace : undefined);
  }

  /** How many objects of any namespaced kind live in a namespace. */
  countInNamespace(namespace: string): number {
    let count = 0;
    for (const [key, index] of this.objects) {
      if (this.typesByKey.get(key)?.namespaced) count += index.count(namespace);
    }
    return count;
  }

  currentResourceVersion(): number {
    return this.revision;
  }

  // ---- history (watch resume) --------------------------------------------------------------

  /** The oldest revision a watch may resume from; older ones get 410 Gone. */
  oldestResumableRevision(): number {
    return this.compactedRevision;
  }

  /** Events committed after `revision`, or undefined when they were compacted away. */
  eventsSince(revision: number): HistoryEntry[] | undefined {
    if (revision < this.compactedRevision) return undefined;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.history[mid].revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /**
   * Forgets all history (fault injection): every resourceVersion handed out so far answers 410.
   * The counter moves on by one so lists made afterwards return a resumable version.
   */
  compact(): void {
    this.history = [];
    this.compactedRevision = ++this.revision;
  }

  // ---- subscriptions and admission ---------------------------------------------------------

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addAdmission(plugin: AdmissionPlugin): void {
    this.plugins.push(plugin);
  }

  private admit(
    operation: Operation,
    key: ResourceKey,
    options: WriteOptions,
    object?: KubeObject,
    oldObject?: KubeObject,
    subresource?: string,
  ): void {
    const namespace = object?.metadata.namespace ?? oldObject?.metadata.namespace;
    const attrs: AdmissionAttributes = {
      operation,
      resource: key,
      subresource,
      namespace,
      object,
      oldObject,
      dryRun: Boolean(options.dryRun),
      internal: Boolean(options.internal),
    };
    for (const plugin of this.plugins) plugin.admit(attrs, this);
  }

  // ---- writes ------------------------------------------------------------------------------

  create(key: ResourceKey, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const type = this.requireType(key);
    const object = this.normaliseKind(type, cloneObject(input));
    const meta = object.metadata;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (type.namespaced) {
      if (!meta.namespace) throw badRequest("the namespace of the object could not be determined");
      this.requireLiveNamespace(type, meta.namespace, meta.name ?? "");
    } else {
      delete meta.namespace;
    }
    if (!meta.name) {
      if (!meta.generateName) {
        throw invalid(type.kind, type.group, "", [
          {
            reason: "FieldValueRequired",
            message: "Required value: name or generateName is required",
            field: "metadata.name",
          },
        ]);
      }
      do meta.name = meta.generateName + randomSuffix();
      while (this.get(key, meta.namespace, meta.name));
    }
    if (this.get(key, meta.namespace, meta.name)) throw alreadyExists(type, meta.name);

    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp();
    if ("spec" in object || this.get(CRDS, undefined, key))
      meta.generation = 1; // custom resources always track it
    else delete meta.generation;
    this.defaultStatusOnCreate(type, object, Boolean(options.internal));

    this.admit("CREATE", key, options, object);
    if (options.dryRun) return deepFreeze(object);
    return this.commit("ADDED", type, object);
  }

  update(key: ResourceKey, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const type = this.requireType(key);
    const object = this.normaliseKind(type, cloneObject(input));
    const existing = this.requireExisting(type, object.metadata.namespace, object.metadata.name);
    this.checkPreconditions(type, existing, object);

    const meta = object.metadata;
    meta.uid = existing.metadata.uid;
    meta.creationTimestamp = existing.metadata.creationTimestamp;
    if (type.namespaced) meta.namespace = existing.metadata.namespace;
    else delete meta.namespace;
    setOrDelete(meta, "deletionTimestamp", existing.metadata.deletionTimestamp);
    setOrDelete(meta, "deletionGracePeriodSeconds", existing.metadata.deletionGracePeriodSeconds);
    if (type.subresources?.includes("status")) setOrDelete(object, "status", existing.status);
    if (existing.metadata.generation !== undefined || "spec" in object) {
      const previous = existing.metadata.generation ?? 1;
      meta.generation = deepEqual(existing.spec, object.spec) ? previous : previous + 1;
    }

    if (!options.internal) validateUpdate(type, existing, object);
    this.admit("UPDATE", key, options, object, existing);
    return this.finishUpdate(type, object, existing, options);
  }

  updateStatus(key: ResourceKey, input: KubeObject, options: WriteOptions = {}): KubeObject {
    const type = this.requireType(key);
    const existing = this.requireExisting(type, input.metadata?.namespace, input.metadata?.name);
    this.checkPreconditions(type, existing, input);
    const object = cloneObject(existing) as KubeObject;
    setOrDelete(object, "status", input.status === undefined ? undefined : cloneObject(input.status));
    this.admit("UPDATE", key, options, object, existing, "status");
    return this.finishUpdate(type, object, existing, options);
  }

  private finishUpdate(
    type: ResourceType,
    object: KubeObject,
    existing: KubeObject,
    options: WriteOptions,
  ): KubeObject {
    object.metadata.resourceVersion = existing.metadata.resourceVersion;
    // A write that changes nothing is a no-op and keeps the resourceVersion, as upstream.
    if (deepEqual(object, existing)) return existing;
    if (options.dryRun) return deepFreeze(object);
    const finalized = existing.metadata.deletionTimestamp && !object.metadata.finalizers?.length;
    if (finalized && !(type.key === PODS && existing.metadata.deletionGracePeriodSeconds)) {
      const removed = this.remove(type, object);
      this.collectDependents(removed, "Background");
      return removed;
    }
    return this.commit("MODIFIED", type, object, existing);
  }

  delete(key: ResourceKey, namespace: string | undefined, name: string, options: DeleteOptions = {}): KubeObject {
    const type = this.requireType(key);
    const existing = this.requireExisting(type, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== existing.metadata.uid) {
      throw conflict(
        type,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(
        type,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      );
    }
    if (type.key === NAMESPACES && IMMORTAL_NAMESPACES.has(name))
      throw forbidden(type, name, "this namespace may not be deleted");
    this.admit("DELETE", key, options, undefined, existing);
    if (options.dryRun) return existing;

    if (type.key === NAMESPACES) return this.terminateNamespace(existing);
    if (type.key === PODS && this.needsGracefulPodDeletion(existing, options))
      return this.markPodTerminating(type, existing, options);
    if (existing.metadata.finalizers?.length) {
      // Kept until its finalizers are removed (finishUpdate then removes it).
      if (existing.metadata.deletionTimestamp && existing.metadata.deletionGracePeriodSeconds === 0) return existing;
      const marked = cloneObject(existing) as KubeObject;
      marked.metadata.deletionTimestamp ??= nowTimestamp();
      marked.metadata.deletionGracePeriodSeconds = 0;
      return this.commit("MODIFIED", type, marked, existing);
    }
    const removed = this.remove(type, existing);
    this.collectDependents(removed, options.propagationPolicy ?? (type.key === "jobs.batch" ? "Orphan" : "Background"));
    return removed;
  }

  // ---- persistence -------------------------------------------------------------------------

  /** Every stored object with its kind key, for saving state. */
  dump(): { resourceVersion: number; objects: { resource: ResourceKey; object: KubeObject }[] } {
    const objects: { resource: ResourceKey; object: KubeObject }[] = [];
    for (const key of this.objects.keys()) for (const object of this.list(key)) objects.push({ resource: key, object });
    return { resourceVersion: this.revision, objects };
  }

  /** Restores saved objects verbatim (no admission, no events); unknown kinds are skipped. */
  load(
    state: { resourceVersion: number; objects: { resource: ResourceKey; object: KubeObject }[] },
    registerTypes: (object: KubeObject, resource: ResourceKey) => void,
  ): void {
    for (const { resource, object } of state.objects) {
      registerTypes(object, resource);
      const type = this.typesByKey.get(resource);
      if (!type) continue;
      this.place(type, deepFreeze(cloneObject(object)));
    }
    this.revision = Math.max(this.revision, state.resourceVersion);
    this.compactedRevision = this.revision;
  }

  // ---- internals ---------------------------------------------------------------------------

  private normaliseKind(type: ResourceType, object: KubeObject): KubeObject {
    const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    if (object.kind && object.kind !== type.kind) {
      throw badRequest(
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersion})`,
      );
    }
    object.kind = type.kind;
    object.apiVersion = apiVersion;
    if (!object.metadata || typeof object.metadata !== "object") object.metadata = {};
    return object;
  }

  private requireExisting(type: ResourceType, namespace: string | undefined, name: string | undefined): KubeObject {
    if (!name) {
      throw invalid(type.kind, type.group, "", [
        { reason: "FieldValueRequired", message: "Required value: name is required", field: "metadata.name" },
      ]);
    }
    const existing = this.get(type.key, namespace, name);
    if (!existing) throw notFound(type, name);
    return existing;
  }

  private requireLiveNamespace(type: ResourceType, namespace: string, name: string): void {
    const ns = this.get(NAMESPACES, undefined, namespace);
    if (!ns) throw notFound({ plural: "namespaces", group: "" }, namespace);
    if (ns.metadata.deletionTimestamp) {
      // As staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle: the cause names the namespace.
      const error = forbidden(
        type,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
      error.status.details = {
        ...error.status.details,
        causes: [
          {
            reason: "NamespaceTerminating",
            message: `namespace ${namespace} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      };
      throw error;
    }
  }

  private checkPreconditions(type: ResourceType, existing: KubeObject, incoming: KubeObject): void {
    const rv = incoming.metadata?.resourceVersion;
    if (rv && rv !== existing.metadata.resourceVersion) throw conflict(type, existing.metadata.name!);
    const uid = incoming.metadata?.uid;
    if (uid && uid !== existing.metadata.uid) {
      throw conflict(
        type,
        existing.metadata.name!,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${existing.metadata.uid}`,
      );
    }
  }

  /** External creates start with a fresh status (as upstream PrepareForCreate); controllers may seed one. */
  private defaultStatusOnCreate(type: ResourceType, object: KubeObject, internal: boolean): void {
    if (type.key === NAMESPACES) {
      object.metadata.labels = { ...object.metadata.labels, "kubernetes.io/metadata.name": object.metadata.name! };
      object.spec = { finalizers: ["kubernetes"], ...(object.spec ?? {}) };
      object.status = { phase: "Active" };
      return;
    }
    // Nodes keep theirs: the kubelet registers a node with its capacity in one create.
    if (internal || type.key === NODES || !type.subresources?.includes("status")) return;
    if (type.key === PODS) object.status = { phase: "Pending" };
    else delete object.status;
  }

  private needsGracefulPodDeletion(pod: KubeObject, options: DeleteOptions): boolean {
    const phase = pod.status?.phase;
    if (!pod.spec?.nodeName || phase === "Succeeded" || phase === "Failed") return false;
    const grace = options.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    return grace > 0;
  }

  private markPodTerminating(type: ResourceType, pod: KubeObject, options: DeleteOptions): KubeObject {
    const grace = options.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const current = pod.metadata.deletionGracePeriodSeconds;
    if (pod.metadata.deletionTimestamp && current !== undefined && current <= grace) return pod;
    const marked = cloneObject(pod) as KubeObject;
    marked.metadata.deletionTimestamp = nowTimestamp(grace);
    marked.metadata.deletionGracePeriodSeconds = grace;
    return this.commit("MODIFIED", type, marked, pod);
  }

  /** Namespace deletion: mark Terminating, delete the contents, drop the namespace once empty. */
  private terminateNamespace(ns: KubeObject): KubeObject {
    const name = ns.metadata.name!;
    let current = ns;
    if (!ns.metadata.deletionTimestamp) {
      const marked = cloneObject(ns) as KubeObject;
      marked.metadata.deletionTimestamp = nowTimestamp();
      marked.metadata.deletionGracePeriodSeconds = 0;
      marked.status = { ...(marked.status ?? {}), phase: "Terminating" };
      current = this.commit("MODIFIED", this.typesByKey.get(NAMESPACES)!, marked, ns);
    }
    for (const [key, type] of this.typesByKey) {
      if (!type.namespaced) continue;
      for (const object of this.objects.get(key)?.list(name) ?? []) {
        if (object.metadata.deletionTimestamp) continue;
        try {
          this.delete(key, name, object.metadata.name!, { internal: true, propagationPolicy: "Background" });
        } catch {
          // Already gone through an owner's cascade: nothing left to do for it.
        }
      }
    }
    this.finishNamespaceIfEmpty(name);
    return current;
  }

  private finishNamespaceIfEmpty(name: string): void {
    const ns = this.get(NAMESPACES, undefined, name);
    if (ns?.metadata.deletionTimestamp && this.countInNamespace(name) === 0) {
      this.remove(this.typesByKey.get(NAMESPACES)!, ns);
    }
  }

  private collectDependents(owner: KubeObject, policy: NonNullable<DeleteOptions["propagationPolicy"]>): void {
    const refs = this.dependents.get(ownerKey(owner.metadata.uid!));
    if (!refs) return;
    for (const ref of [...refs]) {
      const [key, namespace, name] = ref.split("\u0000");
      const dependent = this.get(key, namespace, name);
      if (!dependent) continue;
      if (policy === "Orphan") {
        const orphan = cloneObject(dependent) as KubeObject;
        orphan.metadata.ownerReferences = orphan.metadata.ownerReferences?.filter((r) => r.uid !== owner.metadata.uid);
        if (!orphan.metadata.ownerReferences?.length) delete orphan.metadata.ownerReferences;
        this.commit("MODIFIED", this.typesByKey.get(key)!, orphan, dependent);
      } else {
        try {
          this.delete(key, namespace, name, { internal: true, propagationPolicy: "Background" });
        } catch {
          // The dependent went away meanwhile.
        }
      }
    }
  }

  private place(type: ResourceType, object: KubeObject, previous?: KubeObject): void {
    const ns = type.namespaced ? object.metadata.namespace! : CLUSTER;
    this.objects.get(type.key)!.set(ns, object.metadata.name!, object);
    this.indexOwners(type, previous, "remove");
    this.indexOwners(type, object, "add");
  }

  private indexOwners(type: ResourceType, object: KubeObject | undefined, action: "add" | "remove"): void {
    if (!object?.metadata.ownerReferences) return;
    const ref = refKey(type.key, object.metadata.namespace ?? CLUSTER, object.metadata.name!);
    for (const owner of object.metadata.ownerReferences) {
      const k = ownerKey(owner.uid);
      if (action === "add") {
        let set = this.dependents.get(k);
        if (!set) this.dependents.set(k, (set = new Set()));
        set.add(ref);
      } else {
        const set = this.dependents.get(k);
        set?.delete(ref);
        if (set && set.size === 0) this.dependents.delete(k);
      }
    }
  }

  private commit(type: StoreEvent["type"], kind: ResourceType, object: KubeObject, previous?: KubeObject): KubeObject {
    object.metadata.resourceVersion = String(++this.revision);
    deepFreeze(object);
    this.place(kind, object, previous);
    this.emit({ type, resource: kind.key, object, oldObject: previous });
    return object;
  }

  private remove(kind: ResourceType, object: KubeObject): KubeObject {
    const ns = kind.namespaced ? object.metadata.namespace! : CLUSTER;
    const previous = this.objects.get(kind.key)?.delete(ns, object.metadata.name!);
    this.indexOwners(kind, previous, "remove");
    const last = cloneObject(object) as KubeObject;
    last.metadata.resourceVersion = String(++this.revision);
    deepFreeze(last);
    this.emit({ type: "DELETED", resource: kind.key, object: last, oldObject: previous });
    if (kind.namespaced) this.finishNamespaceIfEmpty(ns);
    return last;
  }

  /** Events are delivered in commit order even when a listener writes while being notified. */
  private emit(event: StoreEvent): void {
    this.history.push({ revision: this.revision, event });
    // Trim in chunks so a full history does not copy the array on every write.
    if (this.history.length > this.historyLimit + Math.ceil(this.historyLimit / 10)) {
      const drop = this.history.length - this.historyLimit;
      this.compactedRevision = this.history[drop - 1].revision;
      this.history = this.history.slice(drop);
    }
    this.pending.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.pending.length) {
        const next = this.pending.shift()!;
        for (const listener of [...this.listeners]) {
          try {
            listener(next);
          } catch (error) {
            console.error("berth-sim: store listener failed", error);
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }
}

function setOrDelete<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete target[key];
  else target[key] = value;
}
