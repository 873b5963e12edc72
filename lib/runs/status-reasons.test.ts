import type { CoreV1Event, V1ContainerStatus, V1Pod, V1PodCondition } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import { pendingReason, podRunStatus, schedulerMessage, unschedulableReason } from "./status";

const scheduled: V1PodCondition[] = [{ type: "PodScheduled", status: "True" }];

function pod(options: {
  phase: string;
  initContainerStatuses?: V1ContainerStatus[];
  containerStatuses?: V1ContainerStatus[];
  conditions?: V1PodCondition[];
  restartPolicy?: string;
}): V1Pod {
  return {
    metadata: { name: "run-abc", namespace: "ml", creationTimestamp: new Date("2026-11-27T10:00:00Z") },
    spec: {
      nodeName: "sim-cpu-1",
      restartPolicy: options.restartPolicy ?? "Never",
      initContainers: [{ name: "istio-init", image: "istio/proxyv2:1.24" }],
      containers: [{ name: "main", image: "python:3.12" }],
    },
    status: {
      phase: options.phase,
      conditions: options.conditions ?? scheduled,
      initContainerStatuses: options.initContainerStatuses,
      containerStatuses: options.containerStatuses,
    },
  };
}

const status = (
  name: string,
  state: V1ContainerStatus["state"],
  extra: Partial<V1ContainerStatus> = {},
): V1ContainerStatus => ({
  name,
  image: "",
  imageID: "",
  ready: false,
  restartCount: 0,
  state,
  ...extra,
});
const initializing = status("main", { waiting: { reason: "PodInitializing" } });
const failedInit = {
  exitCode: 1,
  reason: "Error",
  message: "iptables-restore: line 3 failed",
  startedAt: new Date("2026-11-27T10:00:02Z"),
  finishedAt: new Date("2026-11-27T10:00:03Z"),
};

describe("scheduler messages", () => {
  it("keeps only the node summary, whatever PostFilter plugins append after it", () => {
    // Schedulers with DynamicResources before DefaultPreemption join both PostFilter reasons with ", ".
    const withClaims =
      "0/3 nodes are available: 3 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    expect(schedulerMessage(withClaims)).toBe("0/3 nodes are available: 3 Insufficient cpu");
    expect(schedulerMessage("0/3 nodes are available: 3 Insufficient nvidia.com/gpu. some plugin's own words.")).toBe(
      "0/3 nodes are available: 3 Insufficient nvidia.com/gpu",
    );
    // A PreFilter refusal replaces the histogram: the summary is its one sentence.
    expect(
      schedulerMessage(
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: not eligible.",
      ),
    ).toBe("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims");
    expect(schedulerMessage("no nodes available to schedule pods")).toBe("no nodes available to schedule pods");
  });

  it("explains every wording of an untolerated taint, naming the taint when the scheduler does", () => {
    const noPod = pod({ phase: "Pending" });
    const old = "0/2 nodes are available: 2 node(s) had taint {nvidia.com/gpu: present}, that the pod didn't tolerate.";
    expect(unschedulableReason(noPod, old)).toBe(
      `Every node has a taint the pod does not tolerate (nvidia.com/gpu: present): ${old.slice(0, -1)}`,
    );
    const middle = "0/2 nodes are available: 2 node(s) had untolerated taint {nvidia.com/gpu: present}.";
    expect(unschedulableReason(noPod, middle)).toBe(
      `Every node has a taint the pod does not tolerate (nvidia.com/gpu: present): ${middle.slice(0, -1)}`,
    );
    const plural = "0/2 nodes are available: 2 node(s) had taints that the pod didn't tolerate.";
    expect(unschedulableReason(noPod, plural)).toBe(
      `Every node has a taint the pod does not tolerate: ${plural.slice(0, -1)}`,
    );
    const current =
      "0/2 nodes are available: 2 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
    expect(unschedulableReason(noPod, current)).toBe(
      "Every node has a taint the pod does not tolerate: 0/2 nodes are available: 2 node(s) had untolerated taint(s)",
    );
  });
});

describe("events in both styles", () => {
  it("takes the kubelet warning last seen in its series over one written later but not repeated", () => {
    const stuck = pod({
      phase: "Pending",
      containerStatuses: [status("main", { waiting: { reason: "ContainerCreating" } })],
    });
    const once: CoreV1Event = {
      metadata: { name: "run-abc.1" },
      involvedObject: { kind: "Pod", name: "run-abc" },
      type: "Warning",
      reason: "FailedCreatePodSandBox",
      message: "sandbox failed once",
      lastTimestamp: new Date("2026-11-27T10:00:05Z"),
    };
    const repeated: CoreV1Event = {
      metadata: { name: "run-abc.2" },
      involvedObject: { kind: "Pod", name: "run-abc" },
      type: "Warning",
      reason: "FailedMount",
      message: 'MountVolume.SetUp failed for volume "ctx" : configmap "ctx" not found',
      eventTime: new Date("2026-11-27T10:00:01.000001Z"),
      series: { count: 6, lastObservedTime: new Date("2026-11-27T10:00:09.5Z") },
    };
    expect(pendingReason(stuck, [once, repeated])).toBe(
      'The container cannot start on node sim-cpu-1 (FailedMount): MountVolume.SetUp failed for volume "ctx" : configmap "ctx" not found',
    );
  });
});

describe("init containers", () => {
  it("names a failed init container as the reason a pod failed (Init:Error)", () => {
    const failed = pod({
      phase: "Failed",
      initContainerStatuses: [status("istio-init", { terminated: failedInit })],
      containerStatuses: [initializing],
    });
    expect(podRunStatus(failed)).toMatchObject({
      status: "failed",
      exitCode: 1,
      reason: 'The init container "istio-init" failed with exit code 1 (Init:Error): iptables-restore: line 3 failed',
    });
  });

  it("names an init container that keeps failing as the reason a pod waits (Init:CrashLoopBackOff)", () => {
    const looping = pod({
      phase: "Pending",
      restartPolicy: "Always",
      initContainerStatuses: [
        status(
          "istio-init",
          { waiting: { reason: "CrashLoopBackOff", message: "back-off 20s restarting failed container=istio-init" } },
          { restartCount: 2, lastState: { terminated: failedInit } },
        ),
      ],
      containerStatuses: [initializing],
    });
    expect(podRunStatus(looping)).toMatchObject({
      status: "pending",
      reason:
        'The init container "istio-init" failed with exit code 1 and is being restarted (Init:CrashLoopBackOff): iptables-restore: line 3 failed',
    });
  });

  it("says init containers run while they do, and ignores a running native sidecar", () => {
    const starting = pod({
      phase: "Pending",
      initContainerStatuses: [status("istio-init", { running: {} })],
      containerStatuses: [initializing],
    });
    expect(pendingReason(starting)).toBe("Running init containers on node sim-cpu-1");
    const meshed = pod({
      phase: "Pending",
      initContainerStatuses: [status("istio-init", { running: {} }, { started: true })],
      containerStatuses: [status("main", { waiting: { reason: "ContainerCreating" } })],
    });
    meshed.spec!.initContainers![0].restartPolicy = "Always";
    expect(pendingReason(meshed)).toBe("Scheduled on node sim-cpu-1; pulling the image and creating the container");
    const withSidecar = pod({
      phase: "Running",
      initContainerStatuses: [status("istio-init", { running: {} }, { started: true })],
      containerStatuses: [status("main", { running: {} })],
    });
    expect(podRunStatus(withSidecar).reason).toBeNull();
  });
});
