import { describe, expect, it } from "vitest";

import { renderStatus, type ContainerRuntime, type PodView } from "./pod-status";

const T0 = "2026-01-01T00:00:00Z";
const T1 = "2026-01-01T00:00:05Z";

function view(state: ContainerRuntime["state"], phase: PodView["phase"] = "Pending"): PodView {
  return {
    phase,
    hostIP: "172.20.0.2",
    podIP: "10.244.0.5",
    startTime: T0,
    scheduledAt: T0,
    sandboxReady: true,
    containers: [
      {
        name: "c",
        image: "busybox:1.36",
        imageID: "docker.io/library/busybox@sha256:1",
        init: false,
        restartCount: 0,
        state,
        lastState: {},
      },
    ],
    initContainers: [],
    conditions: new Map(),
  };
}

const conditionMap = (s: ReturnType<typeof renderStatus>) =>
  Object.fromEntries((s.conditions ?? []).map((c) => [c.type, `${c.status}${c.reason ? `/${c.reason}` : ""}`]));

describe("kubelet stages", () => {
  it("creating: Pending with ContainersNotReady and a waiting container", () => {
    const s = renderStatus(view({ waiting: { reason: "ContainerCreating" } }), { qosClass: "BestEffort" }, T0);
    expect(s.phase).toBe("Pending");
    expect(conditionMap(s)).toEqual({
      PodReadyToStartContainers: "True",
      Initialized: "True",
      Ready: "False/ContainersNotReady",
      ContainersReady: "False/ContainersNotReady",
      PodScheduled: "True",
    });
    expect(s.conditions?.find((c) => c.type === "Ready")?.message).toBe("containers with unready status: [c]");
    expect(s.containerStatuses?.[0]).toMatchObject({
      ready: false,
      started: false,
      imageID: "",
      state: { waiting: { reason: "ContainerCreating" } },
    });
    expect(s).toMatchObject({
      hostIP: "172.20.0.2",
      hostIPs: [{ ip: "172.20.0.2" }],
      podIP: "10.244.0.5",
      podIPs: [{ ip: "10.244.0.5" }],
      qosClass: "BestEffort",
    });
  });

  it("running: everything ready; transition times move only on change", () => {
    const v = view({ waiting: { reason: "ContainerCreating" } });
    renderStatus(v, {}, T0);
    v.containers[0].state = { running: { startedAt: T1 } };
    v.containers[0].containerID = "containerd://abc";
    v.phase = "Running";
    const s = renderStatus(v, {}, T1);
    expect(conditionMap(s)).toEqual({
      PodReadyToStartContainers: "True",
      Initialized: "True",
      Ready: "True",
      ContainersReady: "True",
      PodScheduled: "True",
    });
    expect(s.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime).toBe(T1);
    expect(s.conditions?.find((c) => c.type === "Initialized")?.lastTransitionTime).toBe(T0);
    expect(s.containerStatuses?.[0]).toMatchObject({ ready: true, started: true, containerID: "containerd://abc" });
  });

  it("completed: PodCompleted reasons and a terminated container", () => {
    const terminated = { terminated: { exitCode: 0, reason: "Completed", startedAt: T0, finishedAt: T1 } };
    const v = view(terminated, "Succeeded");
    v.sandboxReady = false;
    const s = renderStatus(v, {}, T1);
    expect(conditionMap(s)).toMatchObject({
      PodReadyToStartContainers: "False",
      Ready: "False/PodCompleted",
      ContainersReady: "False/PodCompleted",
    });
    expect(s.containerStatuses?.[0].state).toEqual(terminated);
  });

  it("init containers gate Initialized", () => {
    const v = view({ waiting: { reason: "PodInitializing" } });
    v.initContainers = [
      {
        name: "init",
        image: "x",
        imageID: "",
        init: true,
        restartCount: 0,
        state: { waiting: { reason: "PodInitializing" } },
        lastState: {},
      },
    ];
    const s = renderStatus(v, {}, T0);
    expect(s.conditions?.find((c) => c.type === "Initialized")).toMatchObject({
      status: "False",
      reason: "ContainersNotInitialized",
      message: "containers with incomplete status: [init]",
    });
    expect(s.initContainerStatuses?.[0].name).toBe("init");
  });
});
