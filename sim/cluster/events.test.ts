import { describe, expect, it } from "vitest";
import { MemoryStore } from "../server/store";
import { EVENT_TTL_MS, EventRecorder } from "./events";

describe("event recorder", () => {
  it("names events <object>.<hex>, folds repeats into count, and expires them after the TTL", () => {
    const store = new MemoryStore();
    store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } });
    const pod = store.create("configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "ns" } });
    const recorder = new EventRecorder(store);
    recorder.record(pod, "Normal", "Synced", "done", "tester");
    recorder.record(pod, "Normal", "Synced", "done", "tester");
    recorder.flush();
    const [event] = store.list("events", "ns");
    expect(event.metadata.name).toMatch(/^cm\.[0-9a-f]{12,}$/);
    expect(event).toMatchObject({ reason: "Synced", message: "done", type: "Normal", count: 2, source: { component: "tester" }, involvedObject: { kind: "ConfigMap", name: "cm", namespace: "ns" } });
    recorder.expireOld(Date.now() + EVENT_TTL_MS - 5000);
    expect(store.list("events", "ns")).toHaveLength(1);
    recorder.expireOld(Date.now() + EVENT_TTL_MS + 5000);
    expect(store.list("events", "ns")).toHaveLength(0);
  });
});
