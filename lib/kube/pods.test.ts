import type { CoreV1Event, V1Job, V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import { jobOutcome, jobSummary } from "./jobs";
import { nodeSummary } from "./nodes";
import { describePod, eventSummary, isFinishedPod, podSummary } from "./pods";

const pod: V1Pod = {
  metadata: {
    name: "train",
    namespace: "ml",
    creationTimestamp: new Date("2026-11-27T10:00:00Z"),
    labels: { app: "train" },
  },
  spec: {
    nodeName: "gpu-1",
    containers: [
      { name: "main", image: "python:3.12" },
      { name: "sidecar", image: "envoy" },
    ],
  },
  status: {
    phase: "Running",
    podIP: "10.0.0.7",
    conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady" }],
    containerStatuses: [
      { name: "main", image: "python:3.12", imageID: "", ready: true, restartCount: 1, state: { running: {} } },
      {
        name: "sidecar",
        image: "envoy",
        imageID: "",
        ready: false,
        restartCount: 2,
        state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s" } },
      },
    ],
  },
};

describe("pod helpers", () => {
  it("summarizes like kubectl get pods", () => {
    expect(podSummary(pod)).toEqual({
      namespace: "ml",
      name: "train",
      phase: "Running",
      reason: "CrashLoopBackOff",
      ready: "1/2",
      restarts: 3,
      node: "gpu-1",
      createdAt: "2026-11-27T10:00:00.000Z",
    });
    expect(podSummary({ ...pod, metadata: { ...pod.metadata, deletionTimestamp: new Date() } }).phase).toBe(
      "Terminating",
    );
  });

  it("describes containers, conditions and the pod's events newest first", () => {
    const event = (reason: string, at: string) => ({
      involvedObject: { kind: "Pod", name: "train" },
      metadata: {},
      reason,
      message: reason,
      lastTimestamp: new Date(at),
    });
    const description = describePod(pod, [
      event("Scheduled", "2026-11-27T10:00:01Z"),
      event("BackOff", "2026-11-27T10:05:00Z"),
    ]);
    expect(description.containers[1]).toEqual({
      name: "sidecar",
      image: "envoy",
      ready: false,
      restarts: 2,
      state: "waiting",
      reason: "CrashLoopBackOff",
      message: "back-off 10s",
      exitCode: null,
    });
    expect(description.conditions).toEqual([
      { type: "Ready", status: "False", reason: "ContainersNotReady", message: null },
    ]);
    expect(description.events.map((item) => [item.reason, item.object])).toEqual([
      ["BackOff", "pod/train"],
      ["Scheduled", "pod/train"],
    ]);
  });

  it("counts a repeated events.k8s.io event by its series and dates it by the series' last observation", () => {
    // kube-scheduler records through events.k8s.io: no count or lastTimestamp, a series on repeats.
    const scheduled = {
      involvedObject: { kind: "Pod", name: "train" },
      metadata: { creationTimestamp: new Date("2026-11-27T10:00:00Z") },
      reason: "FailedScheduling",
      message: "0/6 nodes are available",
      eventTime: new Date("2026-11-27T10:00:00.123Z"),
      reportingComponent: "default-scheduler",
      source: {},
    };
    expect(eventSummary(scheduled)).toMatchObject({ count: 1, lastSeen: "2026-11-27T10:00:00.123Z" });
    const repeated = { ...scheduled, series: { count: 4, lastObservedTime: new Date("2026-11-27T10:07:30.500Z") } };
    expect(eventSummary(repeated)).toMatchObject({ count: 4, lastSeen: "2026-11-27T10:07:30.500Z" });
  });

  it("reads an events.k8s.io-style event through core/v1: count 0 is once, watch strings with microseconds, the latest time wins", () => {
    const fromWatch = {
      involvedObject: { kind: "Pod", name: "train" },
      metadata: { creationTimestamp: "2026-11-27T10:00:00Z" },
      reason: "FailedScheduling",
      count: 0,
      eventTime: "2026-11-27T10:00:02.123456Z",
      firstTimestamp: "2026-11-27T10:00:00Z",
    } as unknown as CoreV1Event;
    expect(eventSummary(fromWatch)).toMatchObject({ count: 1, lastSeen: "2026-11-27T10:00:02.123Z" });
    const repeated = {
      ...fromWatch,
      lastTimestamp: "2026-11-27T10:00:00Z",
      series: { count: 3, lastObservedTime: "2026-11-27T10:04:00.000001Z" },
    } as unknown as CoreV1Event;
    expect(eventSummary(repeated)).toMatchObject({ count: 3, lastSeen: "2026-11-27T10:04:00.000Z" });
  });

  it("shows init containers as kubectl does: Init:Error in the summary, each one described before the app's, sidecars marked", () => {
    const initFailed: V1Pod = {
      metadata: { name: "train", namespace: "ml" },
      spec: {
        initContainers: [
          { name: "istio-init", image: "istio/proxyv2" },
          { name: "istio-proxy", image: "istio/proxyv2", restartPolicy: "Always" },
        ],
        containers: [{ name: "main", image: "python:3.12" }],
      },
      status: {
        phase: "Failed",
        initContainerStatuses: [
          {
            name: "istio-init",
            image: "istio/proxyv2",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 1, reason: "Error", message: "iptables failed" } },
          },
          {
            name: "istio-proxy",
            image: "istio/proxyv2",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "PodInitializing" } },
          },
        ],
        containerStatuses: [
          {
            name: "main",
            image: "python:3.12",
            imageID: "",
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: "PodInitializing" } },
          },
        ],
      },
    };
    expect(podSummary(initFailed)).toMatchObject({ reason: "Init:Error", ready: "0/1" });
    expect(
      describePod(initFailed, []).containers.map((container) => [
        container.name,
        container.kind ?? "app",
        container.reason,
      ]),
    ).toEqual([
      ["istio-init", "init", "Error"],
      ["istio-proxy", "sidecar", "PodInitializing"],
      ["main", "app", "PodInitializing"],
    ]);
    const looping = {
      ...initFailed,
      status: {
        ...initFailed.status,
        phase: "Pending",
        initContainerStatuses: [
          { ...initFailed.status!.initContainerStatuses![0], state: { waiting: { reason: "CrashLoopBackOff" } } },
        ],
      },
    };
    expect(podSummary(looping).reason).toBe("Init:CrashLoopBackOff");
  });

  it("calls Succeeded and Failed pods finished", () => {
    expect(["Succeeded", "Failed", "Running", "Pending"].map((phase) => isFinishedPod({ status: { phase } }))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

describe("job and node helpers", () => {
  const job = (type?: string): V1Job => ({
    metadata: { name: "j", namespace: "n" },
    spec: { template: {} },
    status: {
      succeeded: 1,
      conditions: type ? [{ type, status: "True", lastTransitionTime: new Date("2026-11-27T11:00:00Z") }] : [],
    },
  });

  it("reads a job's outcome from its conditions", () => {
    expect([jobOutcome(job("Complete")), jobOutcome(job("Failed")), jobOutcome(job())]).toEqual([
      "complete",
      "failed",
      "running",
    ]);
    expect(jobSummary(job("Complete"))).toMatchObject({ completions: "1/1", finishedAt: "2026-11-27T11:00:00.000Z" });
  });

  it("keeps a node's readiness, allocatable CPU/memory/GPU, labels and taints", () => {
    const node: V1Node = {
      metadata: { name: "gpu-1", labels: { "nvidia.com/gpu.present": "true" } },
      spec: { taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] },
      status: {
        allocatable: { cpu: "16", memory: "64Gi", "nvidia.com/gpu": "4" },
        conditions: [{ type: "Ready", status: "True" }],
      },
    };
    expect(nodeSummary(node)).toEqual({
      name: "gpu-1",
      ready: true,
      allocatable: { cpu: "16", memory: "64Gi", "nvidia.com/gpu": "4" },
      labels: { "nvidia.com/gpu.present": "true" },
      taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }],
    });
  });
});
