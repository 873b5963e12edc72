import { describe, expect, it } from "vitest";
import { MemoryStore } from "../server/store";
import { EventRecorder } from "./events";

describe("event recorder", () => {
  it("names events <object>.<hex> and folds repeats into count", () => {
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
  });
});
