import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import { podTestVerdict } from "./pod-test";

const pod = (status: V1Pod["status"], nodeName?: string): V1Pod => ({
  spec: { containers: [{ name: "main" }], ...(nodeName ? { nodeName } : {}) },
  status,
});

describe("podTestVerdict", () => {
  it("waits while the pod is pending, pulling or running", () => {
    expect(podTestVerdict(pod({ phase: "Pending" }))).toBeUndefined();
    expect(
      podTestVerdict(
        pod(
          {
            phase: "Running",
            containerStatuses: [
              { name: "main", image: "x", imageID: "x", ready: true, restartCount: 0, state: { running: {} } },
            ],
          },
          "n1",
        ),
      ),
    ).toBeUndefined();
  });

  it("reports the scheduler's reason, a pull failure, success and failure", () => {
    const message =
      "0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector.";
    expect(
      podTestVerdict(
        pod({
          phase: "Pending",
          conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }],
        }),
      ),
    ).toEqual({ outcome: "unschedulable", reason: message });
    const waiting = {
      name: "main",
      image: "x:nonexistent",
      imageID: "",
      ready: false,
      restartCount: 0,
      state: { waiting: { reason: "ErrImagePull", message: "manifest unknown" } },
    };
    expect(podTestVerdict(pod({ phase: "Pending", containerStatuses: [waiting] }, "n1"))).toEqual({
      outcome: "pull-failed",
      reason: "ErrImagePull: manifest unknown",
    });
    const terminated = (exitCode: number, reason: string) => [
      {
        name: "main",
        image: "x",
        imageID: "x",
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode, reason } },
      },
    ];
    expect(podTestVerdict(pod({ phase: "Succeeded", containerStatuses: terminated(0, "Completed") }, "n1"))).toEqual({
      outcome: "succeeded",
      reason: "Scheduled on n1, image pulled, ran and exited with code 0",
    });
    expect(podTestVerdict(pod({ phase: "Failed", containerStatuses: terminated(137, "OOMKilled") }, "n1"))).toEqual({
      outcome: "failed",
      reason: "Ran on n1 and exited with code 137 (OOMKilled)",
    });
  });
});
