/**
 * The pod status the simulated kubelet reports, built from its runtime record: phase,
 * conditions (PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled),
 * container statuses and addresses, shaped like a 1.30 kubelet's.
 */
import type { ContainerState, ContainerStatus, PodCondition, PodPhase, PodStatus } from "./model";

export interface ContainerRuntime {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  init: boolean;
  /** A native sidecar: an init container with restartPolicy Always, running beside the app. */
  sidecar?: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export interface ConditionRecord {
  status: "True" | "False";
  since: string;
  reason?: string;
  message?: string;
}

export interface PodView {
  phase: PodPhase;
  reason?: string;
  message?: string;
  hostIP?: string;
  podIP?: string;
  startTime?: string;
  scheduledAt: string;
  sandboxReady: boolean;
  containers: ContainerRuntime[];
  initContainers: ContainerRuntime[];
  /** Remembers when each condition last changed, so lastTransitionTime stays put between writes. */
  conditions: Map<string, ConditionRecord>;
}

const isRunning = (c: ContainerRuntime) => Boolean(c.state.running);
const isTerminatedOk = (c: ContainerRuntime) => c.state.terminated?.exitCode === 0;
/** kubelet_pods.go (v1.30): a regular init container is done once it exited 0, a sidecar once it started. */
const isInitDone = (c: ContainerRuntime) =>
  isTerminatedOk(c) || (Boolean(c.sidecar) && (isRunning(c) || Boolean(c.state.terminated)));

function setCondition(
  view: PodView,
  type: string,
  status: "True" | "False",
  now: string,
  reason?: string,
  message?: string,
): void {
  const previous = view.conditions.get(type);
  const since = previous && previous.status === status ? previous.since : now;
  view.conditions.set(type, { status, since, reason, message });
}

/** Derives the conditions from the containers, then renders the whole status. */
export function renderStatus(view: PodView, base: PodStatus, now: string): PodStatus {
  const terminal = view.phase === "Succeeded" || view.phase === "Failed";
  const initDone = view.initContainers.every(isInitDone);
  const unready = view.containers.filter((c) => !isRunning(c)).map((c) => c.name);
  const pendingInit = view.initContainers.filter((c) => !isInitDone(c)).map((c) => c.name);

  setCondition(view, "PodReadyToStartContainers", view.sandboxReady ? "True" : "False", now);
  if (initDone) setCondition(view, "Initialized", "True", now);
  else
    setCondition(
      view,
      "Initialized",
      "False",
      now,
      "ContainersNotInitialized",
      `containers with incomplete status: [${pendingInit.join(" ")}]`,
    );
  if (terminal) {
    setCondition(view, "Ready", "False", now, "PodCompleted");
    setCondition(view, "ContainersReady", "False", now, "PodCompleted");
  } else if (unready.length === 0 && initDone) {
    setCondition(view, "Ready", "True", now);
    setCondition(view, "ContainersReady", "True", now);
  } else {
    const message = `containers with unready status: [${unready.join(" ")}]`;
    setCondition(view, "Ready", "False", now, "ContainersNotReady", message);
    setCondition(view, "ContainersReady", "False", now, "ContainersNotReady", message);
  }
  if (!view.conditions.has("PodScheduled"))
    view.conditions.set("PodScheduled", { status: "True", since: view.scheduledAt });

  const order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
  const conditions: PodCondition[] = order.map((type) => {
    const c = view.conditions.get(type)!;
    const out: PodCondition = { type, status: c.status, lastProbeTime: null, lastTransitionTime: c.since };
    if (c.reason) out.reason = c.reason;
    if (c.message) out.message = c.message;
    return out;
  });

  const status: PodStatus = { phase: view.phase, conditions };
  if (view.reason) status.reason = view.reason;
  if (view.message) status.message = view.message;
  if (view.hostIP) {
    status.hostIP = view.hostIP;
    status.hostIPs = [{ ip: view.hostIP }];
  }
  if (view.podIP) {
    status.podIP = view.podIP;
    status.podIPs = [{ ip: view.podIP }];
  }
  if (view.startTime) status.startTime = view.startTime;
  if (view.initContainers.length)
    status.initContainerStatuses = view.initContainers.map((c) => containerStatus(c, Boolean(c.sidecar) && !terminal));
  status.containerStatuses = view.containers.map((c) => containerStatus(c, !terminal && initDone));
  if (base.qosClass) status.qosClass = base.qosClass;
  return status;
}

function containerStatus(c: ContainerRuntime, podMayBeReady: boolean): ContainerStatus {
  const status: ContainerStatus = {
    name: c.name,
    image: c.image,
    imageID: c.containerID ? c.imageID : "",
    ready: podMayBeReady && isRunning(c),
    started: isRunning(c),
    restartCount: c.restartCount,
    state: c.state,
    lastState: c.lastState,
  };
  if (c.containerID) status.containerID = c.containerID;
  return status;
}
