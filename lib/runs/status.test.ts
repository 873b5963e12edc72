import type { V1ContainerStatus, V1Pod, V1PodCondition } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import type { RunTransition } from "@/db/schema";
import { formatQuotaRefusal } from "@/lib/kube/quota-refusal";

import {
  appendTransition,
  decidingPod,
  deriveRunStatus,
  isFinalRunStatus,
  podRunStatus,
  schedulerMessage,
} from "./status";

const SCHEDULER_GPU =
  "0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: 2 No preemption victims found for incoming pod, 4 Preemption is not helpful for scheduling.";

interface PodShape {
  name?: string;
  phase: string;
  role?: "driver" | "executor";
  created?: string;
  node?: string;
  reason?: string;
  message?: string;
  conditions?: V1PodCondition[];
  containerStatuses?: V1ContainerStatus[];
  limits?: Record<string, string>;
  requests?: Record<string, string>;
  image?: string;
  activeDeadlineSeconds?: number;
}

function pod(shape: PodShape): V1Pod {
  return {
    metadata: {
      name: shape.name ?? "run-abc",
      namespace: "ml",
      creationTimestamp: new Date(shape.created ?? "2026-11-27T10:00:00Z"),
      labels: { "berth.dev/run": "abc", ...(shape.role ? { "spark-role": shape.role } : {}) },
    },
    spec: {
      nodeName: shape.node,
      activeDeadlineSeconds: shape.activeDeadlineSeconds,
      containers: [
        {
          name: "main",
          image: shape.image ?? "registry.local/python:3.12",
          resources: { limits: shape.limits, requests: shape.requests },
        },
      ],
    },
    status: {
      phase: shape.phase,
      reason: shape.reason,
      message: shape.message,
      conditions: shape.conditions,
      containerStatuses: shape.containerStatuses,
    },
  };
}

const unschedulable = (message: string): V1PodCondition[] => [
  { type: "PodScheduled", status: "False", reason: "Unschedulable", message },
];

function container(state: V1ContainerStatus["state"], extra: Partial<V1ContainerStatus> = {}): V1ContainerStatus {
  return {
    name: "main",
    image: "registry.local/python:3.12",
    imageID: "",
    ready: false,
    restartCount: 0,
    state,
    ...extra,
  };
}

const terminated = (exitCode: number, reason: string, extra: Record<string, unknown> = {}) =>
  container({
    terminated: {
      exitCode,
      reason,
      startedAt: new Date("2026-11-27T10:00:05Z"),
      finishedAt: new Date("2026-11-27T10:01:05Z"),
      ...extra,
    },
  });

describe("pending", () => {
  it("keeps the scheduler's real message and says how many GPUs no node has free", () => {
    const result = podRunStatus(
      pod({ phase: "Pending", conditions: unschedulable(SCHEDULER_GPU), limits: { "nvidia.com/gpu": "16" } }),
    );
    expect(result.status).toBe("pending");
    expect(result.reason).toBe(
      "No node has 16 free nvidia.com/gpu: 0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector",
    );
  });

  it("says a node selector matches nothing", () => {
    const result = podRunStatus(
      pod({
        phase: "Pending",
        conditions: unschedulable("0/6 nodes are available: 6 node(s) didn't match Pod's node affinity/selector."),
      }),
    );
    expect(result.reason).toBe(
      "No node matches the pod's node selector or affinity: 0/6 nodes are available: 6 node(s) didn't match Pod's node affinity/selector",
    );
  });

  it("says the pod does not tolerate the nodes' taints", () => {
    const message =
      "0/6 nodes are available: 2 node(s) had untolerated taint {nvidia.com/gpu: present}, 4 Insufficient cpu.";
    expect(
      podRunStatus(pod({ phase: "Pending", conditions: unschedulable(message), requests: { cpu: "100" } })).reason,
    ).toBe(
      "No node has 100 free cpu: 0/6 nodes are available: 2 node(s) had untolerated taint {nvidia.com/gpu: present}, 4 Insufficient cpu",
    );
    expect(
      podRunStatus(
        pod({
          phase: "Pending",
          conditions: unschedulable("0/2 nodes are available: 2 node(s) had untolerated taint {a: b}."),
        }),
      ).reason,
    ).toMatch(/^Every node has a taint the pod does not tolerate \(a: b\): 0\/2 nodes/);
    // kube-scheduler 1.37's wording: the taint is not named, and every node counts in the preemption tail.
    const current =
      "0/2 nodes are available: 2 node(s) had untolerated taint(s). preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.";
    expect(podRunStatus(pod({ phase: "Pending", conditions: unschedulable(current) })).reason).toBe(
      "Every node has a taint the pod does not tolerate: 0/2 nodes are available: 2 node(s) had untolerated taint(s)",
    );
  });

  it("names the image and the registry's message when the pull fails", () => {
    for (const reason of ["ErrImagePull", "ImagePullBackOff"]) {
      const result = podRunStatus(
        pod({
          phase: "Pending",
          node: "sim-cpu-1",
          image: "registry.local/team/model:nonexistent",
          conditions: [{ type: "PodScheduled", status: "True" }],
          containerStatuses: [
            container({
              waiting: { reason, message: 'Back-off pulling image "registry.local/team/model:nonexistent"' },
            }),
          ],
        }),
      );
      expect(result.reason).toBe(
        `The image registry.local/team/model:nonexistent cannot be pulled (${reason}): Back-off pulling image "registry.local/team/model:nonexistent"`,
      );
    }
  });

  it("says the container is being created on its node", () => {
    const result = podRunStatus(
      pod({
        phase: "Pending",
        node: "sim-cpu-2",
        conditions: [{ type: "PodScheduled", status: "True" }],
        containerStatuses: [container({ waiting: { reason: "ContainerCreating" } })],
      }),
    );
    expect(result).toEqual({
      status: "pending",
      reason: "Scheduled on node sim-cpu-2; pulling the image and creating the container",
      exitCode: null,
      startedAt: null,
      finishedAt: null,
    });
  });

  it("says why a scheduled pod cannot start from the kubelet's newest warning about it", () => {
    const stuck = pod({
      phase: "Pending",
      node: "sim-cpu-1",
      conditions: [{ type: "PodScheduled", status: "True" }],
      containerStatuses: [container({ waiting: { reason: "ContainerCreating" } })],
    });
    const event = (reason: string, message: string, at: string, name = "run-abc") => ({
      metadata: { name: `${name}.${at}` },
      involvedObject: { kind: "Pod", name },
      type: "Warning",
      reason,
      message,
      lastTimestamp: new Date(at),
    });
    const events = [
      event(
        "FailedMount",
        'MountVolume.SetUp failed for volume "script" : configmap "old" not found',
        "2026-11-27T10:00:01Z",
      ),
      event(
        "FailedMount",
        'MountVolume.SetUp failed for volume "script" : configmap "job-script" not found',
        "2026-11-27T10:00:09Z",
      ),
      event("FailedMount", "about another pod", "2026-11-27T10:00:10Z", "other"),
    ];
    expect(podRunStatus(stuck, events).reason).toBe(
      'The container cannot start on node sim-cpu-1 (FailedMount): MountVolume.SetUp failed for volume "script" : configmap "job-script" not found',
    );
    expect(deriveRunStatus([stuck], events)?.reason).toContain("FailedMount");
  });

  it("explains a container that cannot be configured and a pod the scheduler has not seen yet", () => {
    const config = podRunStatus(
      pod({
        phase: "Pending",
        node: "sim-cpu-1",
        containerStatuses: [
          container({ waiting: { reason: "CreateContainerConfigError", message: 'secret "creds" not found' } }),
        ],
      }),
    );
    expect(config.reason).toBe(
      'The container "main" cannot be created (CreateContainerConfigError): secret "creds" not found',
    );
    expect(podRunStatus(pod({ phase: "Pending" })).reason).toBe("Waiting for the scheduler to place the pod");
  });

  it("drops only the preemption tail of a scheduler message", () => {
    expect(schedulerMessage(SCHEDULER_GPU)).toBe(
      "0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector",
    );
  });
});

describe("running and finished", () => {
  it("is running since the container started", () => {
    const result = podRunStatus(
      pod({
        phase: "Running",
        node: "sim-cpu-1",
        containerStatuses: [container({ running: { startedAt: new Date("2026-11-27T10:00:07Z") } })],
      }),
    );
    expect(result).toEqual({
      status: "running",
      reason: null,
      exitCode: null,
      startedAt: new Date("2026-11-27T10:00:07Z"),
      finishedAt: null,
    });
  });

  it("reads watch timestamps given as strings", () => {
    const watched = pod({ phase: "Running" });
    watched.status!.containerStatuses = [
      container({ running: { startedAt: "2026-11-27T10:00:09Z" as unknown as Date } }),
    ];
    expect(podRunStatus(watched).startedAt).toEqual(new Date("2026-11-27T10:00:09Z"));
  });

  it("succeeds with exit code 0 and its start and end times", () => {
    const result = podRunStatus(pod({ phase: "Succeeded", containerStatuses: [terminated(0, "Completed")] }));
    expect(result).toEqual({
      status: "succeeded",
      reason: null,
      exitCode: 0,
      startedAt: new Date("2026-11-27T10:00:05Z"),
      finishedAt: new Date("2026-11-27T10:01:05Z"),
    });
  });

  it("explains OOMKilled with the memory limit", () => {
    const result = podRunStatus(
      pod({ phase: "Failed", limits: { memory: "2Gi" }, containerStatuses: [terminated(137, "OOMKilled")] }),
    );
    expect(result.status).toBe("failed");
    expect(result.exitCode).toBe(137);
    expect(result.reason).toBe(
      "Out of memory (OOMKilled, exit code 137): the container used more memory than its limit 2Gi and was killed; raise the memory limit or use a larger config",
    );
  });

  it("gives the exit code and reason of a failed container", () => {
    const result = podRunStatus(pod({ phase: "Failed", containerStatuses: [terminated(3, "Error")] }));
    expect(result).toMatchObject({
      status: "failed",
      exitCode: 3,
      reason: 'The container "main" exited with code 3 (Error)',
    });
    const withMessage = podRunStatus(
      pod({ phase: "Failed", containerStatuses: [terminated(1, "Error", { message: "ValueError: bad input\n" })] }),
    );
    expect(withMessage.reason).toBe('The container "main" exited with code 1 (Error): ValueError: bad input');
  });

  it("says a deadline stopped the run", () => {
    const result = podRunStatus(
      pod({
        phase: "Failed",
        reason: "DeadlineExceeded",
        message: "Pod was active on the node longer than the specified deadline",
        activeDeadlineSeconds: 600,
        containerStatuses: [terminated(137, "Error")],
      }),
    );
    expect(result.reason).toBe(
      "The run took longer than its time limit of 600 s and was stopped: Pod was active on the node longer than the specified deadline",
    );
  });

  it("says the pod was evicted and from which node", () => {
    const result = podRunStatus(
      pod({ phase: "Failed", node: "sim-cpu-3", reason: "Evicted", message: "The node was low on resource: memory." }),
    );
    expect(result).toMatchObject({
      status: "failed",
      exitCode: null,
      reason: "The pod was evicted from node sim-cpu-3: The node was low on resource: memory.",
    });
  });

  it("says a crash-looping container keeps restarting", () => {
    const result = podRunStatus(
      pod({
        phase: "Running",
        containerStatuses: [container({ waiting: { reason: "CrashLoopBackOff" } }, { restartCount: 3 })],
      }),
    );
    expect(result.status).toBe("running");
    expect(result.reason).toContain("CrashLoopBackOff");
  });

  it("stays pending with a reason when the node stops reporting", () => {
    expect(podRunStatus(pod({ phase: "Unknown" }))).toMatchObject({
      status: "pending",
      reason: expect.stringContaining("Unknown"),
    });
  });
});

describe("runs of several pods", () => {
  const driverRunning = pod({
    name: "job-driver",
    role: "driver",
    phase: "Running",
    containerStatuses: [container({ running: { startedAt: new Date("2026-11-27T10:00:07Z") } })],
  });

  it("has no status without pods", () => {
    expect(deriveRunStatus([])).toBeNull();
  });

  it("follows the Spark driver, whatever the executors do", () => {
    const failedExecutor = pod({
      name: "job-exec-1",
      role: "executor",
      phase: "Failed",
      containerStatuses: [terminated(1, "Error")],
    });
    expect(deriveRunStatus([failedExecutor, driverRunning])?.status).toBe("running");
    const driverDone = pod({
      name: "job-driver",
      role: "driver",
      phase: "Succeeded",
      containerStatuses: [terminated(0, "Completed")],
    });
    expect(deriveRunStatus([failedExecutor, driverDone])?.status).toBe("succeeded");
    const driverFailed = pod({
      name: "job-driver",
      role: "driver",
      phase: "Failed",
      containerStatuses: [terminated(2, "Error")],
    });
    expect(deriveRunStatus([driverFailed, failedExecutor])).toMatchObject({ status: "failed", exitCode: 2 });
  });

  it("says why executors wait while the driver runs", () => {
    const waiting = pod({
      name: "job-exec-2",
      role: "executor",
      phase: "Pending",
      conditions: unschedulable("0/6 nodes are available: 6 Insufficient memory."),
      requests: { memory: "900Gi" },
    });
    expect(deriveRunStatus([driverRunning, waiting])?.reason).toBe(
      "The driver runs; 1 executor is waiting: No node has 900Gi free memory: 0/6 nodes are available: 6 Insufficient memory",
    );
  });

  it("takes the client-mode driver (no role label) over executors, and the newest of plain pods", () => {
    const clientDriver = pod({ name: "job", phase: "Running" });
    const executor = pod({ name: "job-exec-1", role: "executor", phase: "Pending", created: "2026-11-27T11:00:00Z" });
    expect(decidingPod([executor, clientDriver])?.metadata?.name).toBe("job");
    const older = pod({ name: "old", phase: "Failed", created: "2026-11-27T09:00:00Z" });
    const newer = pod({ name: "new", phase: "Running", created: "2026-11-27T10:30:00Z" });
    expect(decidingPod([older, newer])?.metadata?.name).toBe("new");
    expect(decidingPod([executor])).toBeNull();
  });
});

describe("timeline", () => {
  const at = new Date("2026-11-27T10:00:00Z");

  it("appends a step only when the status changes", () => {
    const first = appendTransition([], { status: "pending", at, reason: "Waiting for the scheduler to place the pod" });
    expect(first).toEqual([
      { status: "pending", at: at.toISOString(), reason: "Waiting for the scheduler to place the pod" },
    ]);
    const same = appendTransition(first, {
      status: "pending",
      at: new Date("2026-11-27T10:00:01Z"),
      reason: "Scheduled",
    });
    expect(same).toBe(first);
    const running = appendTransition(first, { status: "running", at: new Date("2026-11-27T10:00:02Z") });
    expect(running.map((step) => step.status)).toEqual(["pending", "running"]);
    expect(running[1]).not.toHaveProperty("reason");
  });

  it("adds the running step a watch gap skipped, at the containers' start", () => {
    const timeline: RunTransition[] = [
      { status: "queued", at: at.toISOString() },
      { status: "pending", at: at.toISOString() },
    ];
    const next = appendTransition(timeline, {
      status: "succeeded",
      at: new Date("2026-11-27T10:05:00Z"),
      startedAt: new Date("2026-11-27T10:01:00Z"),
    });
    expect(next.map((step) => `${step.status}@${step.at}`)).toEqual([
      `queued@${at.toISOString()}`,
      `pending@${at.toISOString()}`,
      "running@2026-11-27T10:01:00.000Z",
      "succeeded@2026-11-27T10:05:00.000Z",
    ]);
    const alreadyRan = appendTransition(next.slice(0, 3), { status: "failed", at, startedAt: at });
    expect(alreadyRan.filter((step) => step.status === "running")).toHaveLength(1);
  });

  it("knows the final statuses", () => {
    expect(["succeeded", "failed", "aborted", "lost"].every((status) => isFinalRunStatus(status as "lost"))).toBe(true);
    expect(["queued", "pending", "running"].some((status) => isFinalRunStatus(status as "queued"))).toBe(false);
  });
});

describe("quota refusals", () => {
  it("gives the quota's numbers", () => {
    const message =
      'pods "run-abc" is forbidden: exceeded quota: team-q, requested: requests.nvidia.com/gpu=8, used: requests.nvidia.com/gpu=4, limited: requests.nvidia.com/gpu=8';
    expect(formatQuotaRefusal(message, "ml")).toBe(
      "Over the quota team-q of namespace ml: requests.nvidia.com/gpu: asks 8, 4 in use, limit 8",
    );
  });

  it("lists every resource over the quota", () => {
    const message =
      "exceeded quota: compute, requested: requests.cpu=4,requests.memory=8Gi, used: requests.cpu=6,requests.memory=4Gi, limited: requests.cpu=8,requests.memory=10Gi";
    expect(formatQuotaRefusal(message)).toBe(
      "Over the quota compute: requests.cpu: asks 4, 6 in use, limit 8; requests.memory: asks 8Gi, 4Gi in use, limit 10Gi",
    );
  });

  it("keeps a 'must specify' refusal readable", () => {
    expect(
      formatQuotaRefusal('pods "x" is forbidden: failed quota: compute: must specify limits.cpu for: main', "ml"),
    ).toBe("Refused by the quota compute of namespace ml: must specify limits.cpu for: main");
  });
});
