import { describe, expect, it } from "vitest";

import { MemoryStore } from "../server/store";
import { EventRecorder } from "./events";

describe("event recorder", () => {
  it("names events <object>.<hex> and folds repeats into count", () => {
    const store = new MemoryStore();
    store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } });
    const pod = store.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm", namespace: "ns" },
    });
    const recorder = new EventRecorder(store);
    recorder.record(pod, "Normal", "Synced", "done", "tester");
    recorder.record(pod, "Normal", "Synced", "done", "tester");
    recorder.flush();
    const [event] = store.list("events", "ns");
    expect(event.metadata.name).toMatch(/^cm\.[0-9a-f]{12,}$/);
    expect(event).toMatchObject({
      reason: "Synced",
      message: "done",
      type: "Normal",
      count: 2,
      source: { component: "tester" },
      involvedObject: { kind: "ConfigMap", name: "cm", namespace: "ns" },
    });
  });

  it("records events.k8s.io-style events as kube-scheduler does: eventTime and action, no count, repeats in a series", () => {
    const store = new MemoryStore();
    store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } });
    const pod = store.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm", namespace: "ns" },
    });
    const recorder = new EventRecorder(store);
    recorder.recordAction(
      pod,
      "Warning",
      "FailedScheduling",
      "Scheduling",
      "0/1 nodes are available",
      "default-scheduler",
      "default-scheduler-host",
    );
    recorder.flush();
    const [first] = store.list("events", "ns");
    expect(first).toMatchObject({
      action: "Scheduling",
      reportingComponent: "default-scheduler",
      reportingInstance: "default-scheduler-host",
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
    });
    expect(first.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(first).not.toHaveProperty("count");
    expect(first).not.toHaveProperty("series");
    recorder.recordAction(
      pod,
      "Warning",
      "FailedScheduling",
      "Scheduling",
      "0/1 nodes are available",
      "default-scheduler",
      "default-scheduler-host",
    );
    recorder.flush();
    const [repeated] = store.list("events", "ns");
    expect(repeated.series).toEqual({ count: 2, lastObservedTime: expect.stringMatching(/\.\d{6}Z$/) });
    expect(repeated).not.toHaveProperty("count");
  });
});
