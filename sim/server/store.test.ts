import { describe, expect, it } from "vitest";

import type { KubeObject, StoreEvent } from "../contract";
import { isStatusError } from "./errors";
import { expireEvents } from "./event-expiry";
import { MemoryStore } from "./store";

function storeWithNamespace(name = "ns1"): MemoryStore {
  const store = new MemoryStore();
  store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  return store;
}

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "ns1" },
  data,
});
const pod = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "ns1" },
  spec: { containers: [{ name: "c", image: "busybox" }] },
  ...extra,
});

function failure(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isStatusError(error)) return error.status;
    throw error;
  }
  throw new Error("expected a StatusError");
}

describe("MemoryStore", () => {
  it("stamps uid, timestamps, generation and one global resourceVersion", () => {
    const store = storeWithNamespace();
    const a = store.create("configmaps", cm("a"));
    const b = store.create("pods", pod("b"));
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
    expect(b.metadata.generation).toBe(1);
    expect(a.metadata.generation).toBeUndefined();
    expect(store.currentResourceVersion()).toBe(Number(b.metadata.resourceVersion));
  });

  it("returns frozen snapshots and copies its inputs", () => {
    const store = storeWithNamespace();
    const input = cm("a", { k: "v" });
    const created = store.create("configmaps", input);
    expect(Object.isFrozen(created.data)).toBe(true);
    expect(Object.isFrozen(input)).toBe(false);
    expect(input.metadata.uid).toBeUndefined();
  });

  it("generates names from generateName", () => {
    const store = storeWithNamespace();
    const created = store.create("pods", pod("", { metadata: { generateName: "job-", namespace: "ns1" } }));
    expect(created.metadata.name).toMatch(/^job-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it("refuses duplicates, missing and terminating namespaces, and stale updates", () => {
    const store = storeWithNamespace();
    const a = store.create("configmaps", cm("a"));
    expect(failure(() => store.create("configmaps", cm("a")))).toMatchObject({
      code: 409,
      reason: "AlreadyExists",
      message: 'configmaps "a" already exists',
    });
    expect(
      failure(() => store.create("configmaps", { ...cm("x"), metadata: { name: "x", namespace: "nope" } })),
    ).toMatchObject({ code: 404, message: 'namespaces "nope" not found' });
    store.update("configmaps", { ...a, data: { k: "1" } });
    expect(failure(() => store.update("configmaps", { ...a, data: { k: "2" } }))).toMatchObject({
      code: 409,
      reason: "Conflict",
    });
    expect(failure(() => store.update("configmaps", cm("missing")))).toMatchObject({
      code: 404,
      message: 'configmaps "missing" not found',
    });
  });

  it("bumps generation only on spec changes and treats identical writes as no-ops", () => {
    const store = storeWithNamespace();
    const created = store.create("pods", pod("p"));
    const relabelled = store.update("pods", { ...created, metadata: { ...created.metadata, labels: { a: "b" } } });
    expect(relabelled.metadata.generation).toBe(1);
    const respecced = store.update("pods", { ...relabelled, spec: { ...relabelled.spec, activeDeadlineSeconds: 5 } });
    expect(respecced.metadata.generation).toBe(2);
    const same = store.update("pods", { ...respecced });
    expect(same.metadata.resourceVersion).toBe(respecced.metadata.resourceVersion);
  });

  it("keeps status out of main-resource writes and spec out of status writes", () => {
    const store = storeWithNamespace();
    const created = store.create("pods", pod("p", { status: { phase: "Running" } }));
    expect(created.status).toEqual({ phase: "Pending" });
    const withStatus = store.updateStatus("pods", {
      ...created,
      spec: { changed: true },
      status: { phase: "Running" },
    });
    expect(withStatus.status.phase).toBe("Running");
    expect(withStatus.spec.changed).toBeUndefined();
    const updated = store.update("pods", { ...withStatus, status: { phase: "Failed" } });
    expect(updated.status.phase).toBe("Running");
  });

  it("deletes scheduled pods gracefully and unscheduled ones at once", () => {
    const store = storeWithNamespace();
    store.create("pods", pod("bound", { spec: { nodeName: "n1", containers: [] } }));
    store.create("pods", pod("pending"));
    const marked = store.delete("pods", "ns1", "bound");
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(store.get("pods", "ns1", "bound")).toBeDefined();
    store.delete("pods", "ns1", "bound", { gracePeriodSeconds: 0, internal: true });
    expect(store.get("pods", "ns1", "bound")).toBeUndefined();
    store.delete("pods", "ns1", "pending");
    expect(store.get("pods", "ns1", "pending")).toBeUndefined();
  });

  it("keeps objects with finalizers until the finalizers are removed", () => {
    const store = storeWithNamespace();
    store.create("configmaps", {
      ...cm("held"),
      metadata: { name: "held", namespace: "ns1", finalizers: ["example.com/hold"] },
    });
    const marked = store.delete("configmaps", "ns1", "held");
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(store.get("configmaps", "ns1", "held")).toBeDefined();
    const current = store.get("configmaps", "ns1", "held")!;
    store.update("configmaps", { ...current, metadata: { ...current.metadata, finalizers: [] } });
    expect(store.get("configmaps", "ns1", "held")).toBeUndefined();

    store.create(
      "pods",
      pod("fin", {
        metadata: { name: "fin", namespace: "ns1", finalizers: ["example.com/hold"] },
        spec: { nodeName: "n1", containers: [] },
      }),
    );
    store.delete("pods", "ns1", "fin");
    store.delete("pods", "ns1", "fin", { gracePeriodSeconds: 0, internal: true }); // the kubelet is done
    const finPod = store.get("pods", "ns1", "fin")!;
    expect(finPod.metadata.deletionGracePeriodSeconds).toBe(0);
    store.update("pods", { ...finPod, metadata: { ...finPod.metadata, finalizers: [] } });
    expect(store.get("pods", "ns1", "fin")).toBeUndefined();
  });

  it("cascades to dependents (Background) or orphans them", () => {
    const store = storeWithNamespace();
    const job = store.create("jobs.batch", {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j", namespace: "ns1" },
      spec: {},
    });
    const owned = (name: string) =>
      pod(name, {
        metadata: {
          name,
          namespace: "ns1",
          ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "j", uid: job.metadata.uid! }],
        },
      });
    store.create("pods", owned("j-1"));
    store.delete("jobs.batch", "ns1", "j", { propagationPolicy: "Background" });
    expect(store.get("pods", "ns1", "j-1")).toBeUndefined();

    const job2 = store.create("jobs.batch", {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j", namespace: "ns1" },
      spec: {},
    });
    store.create(
      "pods",
      pod("j-2", {
        metadata: {
          name: "j-2",
          namespace: "ns1",
          ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: "j", uid: job2.metadata.uid! }],
        },
      }),
    );
    store.delete("jobs.batch", "ns1", "j"); // Jobs default to orphaning, as upstream batch/v1
    expect(store.get("pods", "ns1", "j-2")?.metadata.ownerReferences).toBeUndefined();
  });

  it("terminates a namespace, deletes its contents, then removes it", () => {
    const store = storeWithNamespace();
    store.create("configmaps", cm("a"));
    store.create("pods", pod("bound", { spec: { nodeName: "n1", containers: [] } }));
    const terminating = store.delete("namespaces", undefined, "ns1");
    expect(terminating.status.phase).toBe("Terminating");
    expect(store.get("configmaps", "ns1", "a")).toBeUndefined();
    expect(failure(() => store.create("configmaps", cm("b")))).toMatchObject({
      code: 403,
      message:
        'configmaps "b" is forbidden: unable to create new content in namespace ns1 because it is being terminated',
      details: {
        causes: [
          { reason: "NamespaceTerminating", message: "namespace ns1 is being terminated", field: "metadata.namespace" },
        ],
      },
    });
    store.delete("pods", "ns1", "bound", { gracePeriodSeconds: 0, internal: true });
    expect(store.get("namespaces", undefined, "ns1")).toBeUndefined();
  });

  it("refuses to delete the system namespaces", () => {
    const store = storeWithNamespace("default");
    expect(failure(() => store.delete("namespaces", undefined, "default"))).toMatchObject({
      code: 403,
      message: 'namespaces "default" is forbidden: this namespace may not be deleted',
    });
  });

  it("runs admission plugins and honours dry runs", () => {
    const store = storeWithNamespace();
    store.addAdmission({
      name: "label-it",
      admit(attrs) {
        if (attrs.operation === "CREATE" && attrs.object)
          attrs.object.metadata.labels = { admitted: String(attrs.dryRun) };
      },
    });
    const dry = store.create("configmaps", cm("a"), { dryRun: true });
    expect(dry.metadata.labels).toEqual({ admitted: "true" });
    expect(store.get("configmaps", "ns1", "a")).toBeUndefined();
    expect(store.create("configmaps", cm("a")).metadata.labels).toEqual({ admitted: "false" });
  });

  it("delivers events in commit order even when listeners write, and keeps history to resume from", () => {
    const store = storeWithNamespace();
    const seen: string[] = [];
    store.subscribe((e: StoreEvent) => {
      seen.push(`${e.type}:${e.object.metadata.name}`);
      if (e.object.metadata.name === "a" && e.type === "ADDED") store.create("configmaps", cm("b"));
    });
    const start = store.currentResourceVersion();
    store.create("configmaps", cm("a"));
    store.create("configmaps", cm("c"));
    expect(seen).toEqual(["ADDED:a", "ADDED:b", "ADDED:c"]);
    expect(store.eventsSince(start)!.map((h) => h.event.object.metadata.name)).toEqual(["a", "b", "c"]);
    store.compact();
    expect(store.eventsSince(start)).toBeUndefined();
    expect(store.eventsSince(store.currentResourceVersion())).toEqual([]);
  });

  it("refuses changes to immutable pod and job fields unless a controller makes them", () => {
    const store = storeWithNamespace();
    const p = store.create("pods", pod("p"));
    expect(
      store.update("pods", { ...p, spec: { ...p.spec, containers: [{ name: "c", image: "busybox:2" }] } }).spec
        .containers[0].image,
    ).toBe("busybox:2");
    const current = store.get("pods", "ns1", "p")!;
    expect(
      failure(() => store.update("pods", { ...current, spec: { ...current.spec, restartPolicy: "Never" } })),
    ).toMatchObject({ code: 422, reason: "Invalid" });
    expect(
      store.update("pods", { ...current, spec: { ...current.spec, nodeName: "n1" } }, { internal: true }).spec.nodeName,
    ).toBe("n1");
    const job = store.create("jobs.batch", {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j", namespace: "ns1" },
      spec: { completions: 2, template: { spec: { containers: [] } } },
    });
    const status = failure(() => store.update("jobs.batch", { ...job, spec: { ...job.spec, completions: 3 } }));
    expect(status).toMatchObject({
      code: 422,
      message: 'Job.batch "j" is invalid: spec.completions: Invalid value: 3: field is immutable',
    });
    expect(store.update("jobs.batch", { ...job, spec: { ...job.spec, parallelism: 5 } }).spec.parallelism).toBe(5);
  });

  it("expires events an hour after they were last seen", () => {
    const store = storeWithNamespace();
    const event = (name: string, lastTimestamp: string): KubeObject => ({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: "ns1" },
      lastTimestamp,
      involvedObject: {},
      reason: "R",
      message: "m",
    });
    const now = Date.parse("2026-01-01T12:00:00Z");
    store.create("events", event("old", "2026-01-01T10:59:00Z"));
    store.create("events", event("recent", "2026-01-01T11:30:00Z"));
    expect(expireEvents(store, 3600_000, now)).toBe(1);
    expect(store.list("events").map((e) => e.metadata.name)).toEqual(["recent"]);
  });

  it("bounds its history", () => {
    const store = new MemoryStore({ historyLimit: 10 });
    store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns1" } });
    for (let i = 0; i < 30; i++) store.create("configmaps", cm(`c${i}`));
    expect(store.eventsSince(1)).toBeUndefined();
    expect(store.eventsSince(store.oldestResumableRevision())!.length).toBeLessThanOrEqual(11);
  });
});
