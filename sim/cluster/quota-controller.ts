/**
 * Quota accounting kept in memory, in step with the store: per-namespace usage is updated
 * synchronously from store events (so an admission decision and the write it allows cannot be
 * interleaved with another request), and `status.used`/`status.hard` are written back in batches.
 */
import type { AdmissionPlugin, KubeObject, ResourceKey, Store, StoreEvent } from "../contract";
import { forbidden } from "../server/errors";
import { admissionName, isTerminal, type Pod } from "./model";
import { formatQuantity, fromUnits, subtractQuantities } from "./quantity";
import {
  exceededMessage,
  hardOf,
  matchingResources,
  objectUsage,
  podConstraintViolation,
  quotaMatches,
  showUsed,
  type ResourceQuota,
} from "./quota";
import { addLists, type ResourceList } from "./resources";

interface Charge {
  resource: ResourceKey;
  namespace: string;
  object: KubeObject;
  usage: ResourceList;
}

const QUOTAS = "resourcequotas";

const sameLifecycle = (a: Pod, b: Pod): boolean =>
  isTerminal(a) === isTerminal(b) && a.metadata.deletionTimestamp === b.metadata.deletionTimestamp;

function subtractLists(into: ResourceList, remove: ResourceList): void {
  for (const [name, q] of Object.entries(remove)) into[name] = subtractQuantities(into[name] ?? fromUnits(0), q);
}

/** Per-store quota state; created on first use so admission works whether seeding happens before or after start. */
export class QuotaLedger {
  /** Charges of live objects by uid. */
  private readonly charges = new Map<string, Charge>();
  /** Admitted but not yet seen committed (cleared on the next flush). */
  private readonly inflight = new Map<string, Charge>();
  private readonly totals = new Map<string, ResourceList>();
  private readonly dirty = new Set<string>();
  private flushScheduled = false;
  private unsubscribe: () => void;

  constructor(private readonly store: Store) {
    for (const type of store.types()) {
      if (!type.namespaced || !type.verbs.includes("create")) continue;
      for (const object of store.list(type.key)) this.charge(type.key, object);
    }
    this.unsubscribe = store.subscribe((event) => this.observe(event));
    for (const quota of store.list(QUOTAS)) this.markDirty(quota.metadata.namespace!);
  }

  stop(): void {
    this.unsubscribe();
  }

  private charge(resource: ResourceKey, object: KubeObject): void {
    const uid = object.metadata.uid!;
    const namespace = object.metadata.namespace!;
    const previous = this.charges.get(uid);
    // Pod resources are immutable: only leaving the running set (terminal, deleting) changes a charge.
    if (previous && resource === "pods" && sameLifecycle(previous.object as Pod, object as Pod)) {
      previous.object = object;
      return;
    }
    const usage = objectUsage(resource, object);
    const totals = this.totalsOf(namespace);
    if (previous) subtractLists(totals, previous.usage);
    addLists(totals, usage);
    this.charges.set(uid, { resource, namespace, object, usage });
  }

  private totalsOf(namespace: string): ResourceList {
    let totals = this.totals.get(namespace);
    if (!totals) this.totals.set(namespace, (totals = {}));
    return totals;
  }

  private observe(event: StoreEvent): void {
    const namespace = event.object.metadata.namespace;
    if (!namespace || !this.store.type(event.resource)?.namespaced) return;
    const uid = event.object.metadata.uid!;
    this.inflight.delete(uid);
    if (event.resource === QUOTAS) {
      if (event.type !== "MODIFIED" || JSON.stringify(event.object.spec) !== JSON.stringify(event.oldObject?.spec))
        this.markDirty(namespace);
      if (event.type !== "MODIFIED") this.recount(event);
      return;
    }
    // Only pods change their charge after creation; other kinds count once.
    if (event.type === "MODIFIED" && event.resource !== "pods") return;
    this.recount(event);
    if (this.store.list(QUOTAS, namespace).length) this.markDirty(namespace);
  }

  private recount(event: StoreEvent): void {
    const uid = event.object.metadata.uid!;
    if (event.type === "DELETED") {
      const previous = this.charges.get(uid);
      if (previous) subtractLists(this.totalsOf(previous.namespace), previous.usage);
      this.charges.delete(uid);
    } else {
      this.charge(event.resource, event.object);
    }
  }

  /** Current usage a quota sees: scoped quotas add up only the objects they select. */
  usedBy(quota: ResourceQuota): ResourceList {
    const namespace = quota.metadata.namespace!;
    const scoped = Boolean(quota.spec?.scopes?.length || quota.spec?.scopeSelector?.matchExpressions?.length);
    const used: ResourceList = {};
    if (!scoped) addLists(used, this.totalsOf(namespace));
    else {
      for (const c of this.charges.values()) {
        if (c.namespace === namespace && quotaMatches(quota, c.resource, c.object)) addLists(used, c.usage);
      }
    }
    for (const c of this.inflight.values()) {
      if (c.namespace === namespace && quotaMatches(quota, c.resource, c.object)) addLists(used, c.usage);
    }
    return used;
  }

  /** Admission: refuse with the upstream 403 text, or remember the charge until the write is seen. */
  admit(resource: ResourceKey, namespace: string, object: KubeObject, dryRun: boolean): void {
    const quotas = (this.store.list(QUOTAS, namespace) as ResourceQuota[]).filter((q) =>
      quotaMatches(q, resource, object),
    );
    if (quotas.length === 0) return;
    const usage = objectUsage(resource, object);
    const group = this.store.type(resource)?.group ?? "";
    const plural = this.store.type(resource)?.plural ?? resource;
    for (const quota of quotas) {
      const hard = hardOf(quota);
      const tracked = matchingResources(resource, Object.keys(hard));
      if (tracked.length === 0) continue;
      if (resource === "pods") {
        const violation = podConstraintViolation(object as Pod, tracked);
        if (violation)
          throw forbidden(
            { plural, group },
            admissionName(object),
            `failed quota: ${quota.metadata.name}: ${violation}`,
          );
      }
      const delta: ResourceList = {};
      for (const name of tracked) if (usage[name]) delta[name] = usage[name];
      const message = exceededMessage({ name: quota.metadata.name!, hard, used: this.usedBy(quota) }, delta);
      if (message) throw forbidden({ plural, group }, admissionName(object), message);
    }
    if (!dryRun) {
      this.inflight.set(object.metadata.uid!, { resource, namespace, object, usage });
      this.markDirty(namespace);
    }
  }

  private markDirty(namespace: string): void {
    this.dirty.add(namespace);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** The quota controller's job: keep status.hard = spec.hard and status.used current. */
  private flush(): void {
    this.flushScheduled = false;
    this.inflight.clear();
    const namespaces = [...this.dirty];
    this.dirty.clear();
    for (const namespace of namespaces) {
      for (const quota of this.store.list(QUOTAS, namespace) as ResourceQuota[]) {
        const hard = hardOf(quota);
        const used = this.usedBy(quota);
        const status = {
          hard: Object.fromEntries(Object.entries(hard).map(([k, q]) => [k, formatQuantity(q)])),
          used: Object.fromEntries(Object.entries(hard).map(([k, q]) => [k, showUsed(used[k], q)])),
        };
        if (JSON.stringify(status) === JSON.stringify(quota.status)) continue;
        try {
          this.store.updateStatus(QUOTAS, { ...quota, status }, { internal: true });
        } catch {
          // Deleted or changed meanwhile: the event that caused it marks the namespace again.
        }
      }
    }
  }
}

const ledgers = new WeakMap<Store, QuotaLedger>();

/** The ledger of a store, created (and subscribed) on first use. */
export function ledgerFor(store: Store): QuotaLedger {
  let ledger = ledgers.get(store);
  if (!ledger) ledgers.set(store, (ledger = new QuotaLedger(store)));
  return ledger;
}

export function forgetLedger(store: Store): void {
  ledgers.get(store)?.stop();
  ledgers.delete(store);
}

/** ResourceQuota admission: creates only (pod updates do not change charges upstream either). */
export const resourceQuotaPlugin: AdmissionPlugin = {
  name: "ResourceQuota",
  admit(attrs, store) {
    if (attrs.operation !== "CREATE" || attrs.subresource || !attrs.object || !attrs.namespace) return;
    if (!store.type(attrs.resource)?.namespaced) return;
    ledgerFor(store).admit(attrs.resource, attrs.namespace, attrs.object, attrs.dryRun);
  },
};
