/**
 * A KWOK-style kubelet for every node at once: bound pods get an IP, pull, create and start
 * their containers, run for their scripted duration, restart or finish by restartPolicy, and
 * honour graceful deletion. All timing goes through one TimerQueue; status writes are whole
 * renders of an in-memory record (pod-status.ts), so the store sees one write per transition.
 */
import { createHash, randomBytes } from "node:crypto";

import type { KubeletOptions, Store, StoreEvent } from "../contract";
import { nowTimestamp } from "../server/objects";
import { podBehaviour, type PodBehaviour } from "./annotations";
import { isBuildkitContainer } from "./buildkit";
import type { EventRecorder } from "./events";
import { isKanikoContainer } from "./kaniko-args";
import { runBuild, type BuildExit } from "./kaniko-run";
import { LogBuffer, type ContainerLogs } from "./logs";
import { isTerminal, podKey, type Container, type Node, type Pod } from "./model";
import { renderStatus, type ContainerRuntime, type PodView } from "./pod-status";
import { podRequestAmounts } from "./scheduling";
import type { TimerQueue } from "./timer-queue";
import { containerFiles, mountVolumes, type MountResult, type VolumeFiles } from "./volumes";

const COMPONENT = "kubelet";
const GPU = "nvidia.com/gpu";
const MAX_BACKOFF_MS = 10_000;

interface RunningContainer extends ContainerRuntime {
  spec: Container;
  /** Runs a simulated Kaniko or BuildKit build (kaniko-run.ts) instead of the pod's scripted behaviour. */
  kaniko: boolean;
  /** The build is BuildKit's (buildctl), not Kaniko's. */
  buildkit?: boolean;
  logs?: LogBuffer;
  previousLogs?: LogBuffer;
  /** When the current instance started running (ms), for metrics. */
  runningSince?: number;
}

/** The kubelet's record of one pod. */
export interface PodRuntime extends PodView {
  uid: string;
  namespace: string;
  name: string;
  nodeName: string;
  behaviour: PodBehaviour;
  restartPolicy: "Always" | "OnFailure" | "Never";
  containers: RunningContainer[];
  initContainers: RunningContainer[];
  gpuIndices: number[];
  /** Bumped on every transition: stale timers see a different epoch and do nothing. */
  epoch: number;
  pullAttempts: number;
  mountAttempts: number;
  /** The pod's volumes as mounted (ConfigMap and Secret keys as files), once they could be. */
  volumes?: Map<string, VolumeFiles>;
  terminating: boolean;
  finished: boolean;
}

interface NodeNetwork {
  hostIP: string;
  prefix: string;
  next: number;
  used: Set<number>;
  gpusUsed: Set<number>;
  gpuCount: number;
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const containerId = () => `containerd://${randomBytes(32).toString("hex")}`;

/** The digest reference a runtime reports as imageID (`docker.io/library/busybox@sha256:…`). */
export function imageID(image: string): string {
  const name = image.split("@")[0].replace(/:[^/:]+$/, "");
  const qualified = name.includes("/")
    ? name.split("/")[0].includes(".")
      ? name
      : `docker.io/${name}`
    : `docker.io/library/${name}`;
  return `${qualified}@sha256:${sha(image)}`;
}

export class Kubelet {
  private readonly runtimes = new Map<string, PodRuntime>();
  private readonly networks = new Map<string, NodeNetwork>();
  private readonly dirty = new Set<string>();
  private scheduled = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly timers: TimerQueue,
    private readonly events: EventRecorder,
    private readonly options: KubeletOptions = {},
  ) {
    this.unsubscribe = store.subscribe((event) => this.observe(event));
    for (const pod of store.list("pods")) this.markDirty(podKey(pod.metadata.namespace, pod.metadata.name));
  }

  stop(): void {
    this.unsubscribe();
    for (const rt of this.runtimes.values()) for (const c of [...rt.containers, ...rt.initContainers]) c.logs?.close();
  }

  /** Runtime of a pod by uid (metrics and logs read it). */
  runtime(uid: string | undefined): PodRuntime | undefined {
    return uid ? this.runtimes.get(uid) : undefined;
  }

  /** Logs of a container for the pods/log route. */
  logs(pod: Pod, container: string): ContainerLogs | undefined {
    const rt = this.runtimes.get(pod.metadata.uid);
    const c = rt && [...rt.containers, ...rt.initContainers].find((x) => x.name === container);
    if (!c) return undefined;
    // In CrashLoopBackOff the last instance is both what `logs` and `logs --previous` show, as upstream.
    const backingOff = Boolean(c.state.waiting && c.logs?.closed);
    return { current: c.logs, previous: backingOff ? c.logs : c.previousLogs, waitingReason: c.state.waiting?.reason };
  }

  private observe(event: StoreEvent): void {
    if (event.resource !== "pods") return;
    const { namespace, name } = event.object.metadata;
    this.markDirty(podKey(namespace, name));
    if (event.type === "DELETED") this.release(event.object.metadata.uid!);
  }

  private markDirty(key: string): void {
    this.dirty.add(key);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.reconcileDirty());
  }

  private reconcileDirty(): void {
    this.scheduled = false;
    const keys = [...this.dirty];
    this.dirty.clear();
    for (const key of keys) {
      const slash = key.indexOf("/");
      const pod = this.store.get("pods", key.slice(0, slash), key.slice(slash + 1)) as Pod | undefined;
      if (pod) this.reconcile(pod);
    }
  }

  private reconcile(pod: Pod): void {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) return;
    let rt = this.runtimes.get(pod.metadata.uid);
    if (!rt) {
      if (isTerminal(pod) && !pod.metadata.deletionTimestamp) return;
      const network = this.network(nodeName);
      if (!network) {
        // Bound to a node that does not exist: it stays Pending as upstream, but can still be deleted.
        if (pod.metadata.deletionTimestamp) this.removeNow(pod.metadata.namespace, pod.metadata.name, pod.metadata.uid);
        return;
      }
      rt = this.adopt(pod, network);
    }
    if (pod.metadata.deletionTimestamp && !rt.terminating) this.beginTermination(rt, pod);
  }

  private network(nodeName: string): NodeNetwork | undefined {
    let net = this.networks.get(nodeName);
    if (net) return net;
    const node = this.store.get("nodes", undefined, nodeName) as Node | undefined;
    if (!node) return undefined;
    const hostIP = node.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "10.0.0.1";
    const cidr = node.spec?.podCIDR ?? `10.${244 + (this.networks.size >> 8)}.${this.networks.size & 255}.0/24`;
    const gpus = Number(node.status?.allocatable?.[GPU] ?? node.status?.capacity?.[GPU] ?? 0);
    net = {
      hostIP,
      prefix: cidr.split(".").slice(0, 3).join("."),
      next: 2,
      used: new Set(),
      gpusUsed: new Set(),
      gpuCount: Number.isFinite(gpus) ? gpus : 0,
    };
    this.networks.set(nodeName, net);
    return net;
  }

  private allocateIP(net: NodeNetwork): string {
    for (let tries = 0; tries < 253; tries++) {
      const host = net.next;
      net.next = net.next >= 254 ? 2 : net.next + 1;
      if (!net.used.has(host)) {
        net.used.add(host);
        return `${net.prefix}.${host}`;
      }
    }
    return `${net.prefix}.254`;
  }

  private allocateGPUs(net: NodeNetwork, count: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < net.gpuCount && out.length < count; i++) {
      if (!net.gpusUsed.has(i)) {
        net.gpusUsed.add(i);
        out.push(i);
      }
    }
    return out;
  }

  private release(uid: string): void {
    const rt = this.runtimes.get(uid);
    if (!rt) return;
    this.freeNodeResources(rt);
    for (const c of [...rt.containers, ...rt.initContainers]) c.logs?.close();
    rt.epoch++;
    this.runtimes.delete(uid);
  }

  private freeNodeResources(rt: PodRuntime): void {
    const net = this.networks.get(rt.nodeName);
    if (!net) return;
    if (rt.podIP) net.used.delete(Number(rt.podIP.split(".")[3]));
    for (const g of rt.gpuIndices) net.gpusUsed.delete(g);
    rt.gpuIndices = [];
  }

  /** Takes over a pod: a fresh one starts its lifecycle, one already running (seeded, restored) is resumed. */
  private adopt(pod: Pod, net: NodeNetwork): PodRuntime {
    const toRuntime = (c: Container, init: boolean): RunningContainer => {
      const known = (init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses)?.find(
        (s) => s.name === c.name,
      );
      return {
        spec: c,
        kaniko:
          !init && (isKanikoContainer(c, pod.metadata.annotations) || isBuildkitContainer(c, pod.metadata.annotations)),
        buildkit: !init && isBuildkitContainer(c, pod.metadata.annotations),
        name: c.name,
        image: c.image ?? "",
        imageID: imageID(c.image ?? ""),
        containerID: known?.containerID,
        init,
        sidecar: init && c.restartPolicy === "Always",
        restartCount: known?.restartCount ?? 0,
        // Behind init containers the app waits in PodInitializing (kubelet_pods.go), else ContainerCreating.
        state: known?.state ?? {
          waiting: { reason: init || pod.spec.initContainers?.length ? "PodInitializing" : "ContainerCreating" },
        },
        lastState: known?.lastState ?? {},
      };
    };
    const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "True");
    const rt: PodRuntime = {
      uid: pod.metadata.uid,
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      nodeName: pod.spec.nodeName!,
      behaviour: podBehaviour(pod),
      restartPolicy: pod.spec.restartPolicy ?? "Always",
      phase: pod.status?.phase ?? "Pending",
      reason: pod.status?.reason,
      message: pod.status?.message,
      hostIP: pod.status?.hostIP,
      podIP: pod.status?.podIP,
      startTime: pod.status?.startTime,
      scheduledAt: scheduled?.lastTransitionTime ?? nowTimestamp(),
      sandboxReady: Boolean(pod.status?.podIP),
      containers: (pod.spec.containers ?? []).map((c) => toRuntime(c, false)),
      initContainers: (pod.spec.initContainers ?? []).map((c) => toRuntime(c, true)),
      conditions: new Map(),
      gpuIndices: [],
      epoch: 0,
      pullAttempts: 0,
      mountAttempts: 0,
      terminating: false,
      finished: isTerminal(pod),
    };
    for (const c of pod.status?.conditions ?? []) {
      rt.conditions.set(c.type, {
        status: c.status === "True" ? "True" : "False",
        since: c.lastTransitionTime,
        reason: c.reason,
        message: c.message,
      });
    }
    this.runtimes.set(rt.uid, rt);
    if (rt.podIP) net.used.add(Number(rt.podIP.split(".")[3]));
    rt.gpuIndices = this.allocateGPUs(net, podRequestAmounts(pod.spec).get(GPU) ?? 0);
    if (rt.phase === "Running" && rt.containers.every((c) => c.state.running)) this.resumeRunning(rt);
    else if (!rt.finished)
      this.timers.after(
        Math.min(100, rt.behaviour.startDelayMs / 4),
        this.guard(rt, () => this.createSandbox(rt)),
      );
    return rt;
  }

  /** Wraps a timer callback so it only runs if nothing happened to the pod since it was set. */
  private guard(rt: PodRuntime, run: () => void): () => void {
    const epoch = rt.epoch;
    return () => {
      if (rt.epoch === epoch && this.runtimes.get(rt.uid) === rt) run();
    };
  }

  private transition(rt: PodRuntime): void {
    rt.epoch++;
  }

  private podObject(rt: PodRuntime): Pod | undefined {
    const pod = this.store.get("pods", rt.namespace, rt.name) as Pod | undefined;
    return pod?.metadata.uid === rt.uid ? pod : undefined;
  }

  private writeStatus(rt: PodRuntime): void {
    const pod = this.podObject(rt);
    if (!pod) return;
    const status = renderStatus(rt, pod.status ?? {}, nowTimestamp());
    try {
      this.store.updateStatus("pods", { ...pod, status }, { internal: true });
    } catch {
      // Deleted in between: the DELETED event releases the runtime.
    }
  }

  private event(rt: PodRuntime, type: "Normal" | "Warning", reason: string, message: string): void {
    const pod = this.podObject(rt);
    if (pod) this.events.record(pod, type, reason, message, COMPONENT, rt.nodeName);
  }

  private createSandbox(rt: PodRuntime): void {
    const net = this.networks.get(rt.nodeName)!;
    rt.hostIP ??= net.hostIP;
    rt.startTime ??= nowTimestamp();
    if (!this.mount(rt)) return;
    rt.podIP ??= this.allocateIP(net);
    rt.sandboxReady = true;
    this.transition(rt);
    this.writeStatus(rt);
    this.pull(rt);
  }

  private mountPod(rt: PodRuntime): MountResult | undefined {
    const pod = this.podObject(rt);
    return pod && mountVolumes(pod, (resource, name) => this.store.get(resource, rt.namespace, name));
  }

  /**
   * Volumes are set up before the sandbox, as the kubelet's volume manager does: a missing
   * ConfigMap or Secret (or key) leaves the pod in ContainerCreating with a FailedMount event,
   * retried with back-off (500 ms doubling, capped at 10 s rather than upstream's 2 min) until
   * the object appears.
   */
  private mount(rt: PodRuntime): boolean {
    const result = this.mountPod(rt);
    if (!result) return false;
    if (result.ok) {
      rt.volumes = result.volumes;
      return true;
    }
    rt.mountAttempts++;
    this.event(rt, "Warning", "FailedMount", result.message);
    this.writeStatus(rt);
    const delay = Math.min(500 * 2 ** (rt.mountAttempts - 1), MAX_BACKOFF_MS);
    this.timers.after(
      delay,
      this.guard(rt, () => this.createSandbox(rt)),
    );
    return false;
  }

  private pull(rt: PodRuntime): void {
    const pending = [...rt.initContainers, ...rt.containers];
    for (const c of pending) this.event(rt, "Normal", "Pulling", `Pulling image "${c.image}"`);
    const pullMs = Math.round(rt.behaviour.startDelayMs * 0.6);
    this.timers.after(
      pullMs,
      this.guard(rt, () => (rt.behaviour.imagePullFails ? this.pullFailed(rt) : this.startAll(rt, pullMs))),
    );
  }

  private pullFailed(rt: PodRuntime): void {
    rt.pullAttempts++;
    const backoffMs = Math.min(1000 * 2 ** (rt.pullAttempts - 1), MAX_BACKOFF_MS);
    for (const c of rt.containers) {
      const detail = `rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": not found`;
      c.state = { waiting: { reason: "ErrImagePull", message: detail } };
      this.event(rt, "Warning", "Failed", `Failed to pull image "${c.image}": ${detail}`);
      this.event(rt, "Warning", "Failed", "Error: ErrImagePull");
    }
    this.transition(rt);
    this.writeStatus(rt);
    this.timers.after(
      Math.min(1000, backoffMs),
      this.guard(rt, () => {
        for (const c of rt.containers) {
          c.state = { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` } };
          this.event(rt, "Normal", "BackOff", `Back-off pulling image "${c.image}"`);
          this.event(rt, "Warning", "Failed", "Error: ImagePullBackOff");
        }
        this.transition(rt);
        this.writeStatus(rt);
        this.timers.after(
          backoffMs,
          this.guard(rt, () => this.pull(rt)),
        );
      }),
    );
  }

  private startAll(rt: PodRuntime, pullMs: number): void {
    if (this.runInits(rt, 0, pullMs, true)) this.startMains(rt, pullMs, true);
  }

  /**
   * Init containers in order from `from`, as the kubelet runs them (kubelet_pods.go,
   * kuberuntime_container.go, v1.30): a regular one completes at once (with its scripted exit code),
   * a native sidecar (restartPolicy Always) starts and keeps running beside the app. False when one
   * failed: the pod fails under restartPolicy Never, else that container restarts with back-off
   * (Init:CrashLoopBackOff) while the app waits in PodInitializing.
   */
  private runInits(rt: PodRuntime, from: number, pullMs: number, freshPull: boolean): boolean {
    for (let index = from; index < rt.initContainers.length; index++) {
      const c = rt.initContainers[index];
      this.announceStart(rt, c, pullMs, freshPull);
      if (c.sidecar) {
        this.run(rt, c);
        continue;
      }
      const exitCode = rt.behaviour.initExitCodes.get(c.name) ?? 0;
      const now = nowTimestamp();
      c.containerID = containerId();
      if (c.logs) c.previousLogs = c.logs;
      c.logs = new LogBuffer();
      c.logs.append(
        exitCode === 0
          ? `sim: init container ${c.name} completed`
          : `sim: init container ${c.name} exiting with code ${exitCode}`,
      );
      c.logs.close();
      const reason = exitCode === 0 ? "Completed" : "Error";
      c.state = { terminated: { exitCode, reason, startedAt: now, finishedAt: now, containerID: c.containerID } };
      if (exitCode !== 0) {
        this.initFailed(rt, c, index);
        return false;
      }
    }
    return true;
  }

  private initFailed(rt: PodRuntime, c: RunningContainer, index: number): void {
    if (rt.restartPolicy === "Never") {
      this.finish(rt, "Failed");
      return;
    }
    c.restartCount++;
    const backoffS = Math.min(10 * 2 ** (c.restartCount - 1), 300);
    c.lastState = { terminated: c.state.terminated! };
    c.state = {
      waiting: {
        reason: "CrashLoopBackOff",
        message: `back-off ${backoffS}s restarting failed container=${c.name} pod=${rt.name}_${rt.namespace}(${rt.uid})`,
      },
    };
    this.event(
      rt,
      "Warning",
      "BackOff",
      `Back-off restarting failed container ${c.name} in pod ${rt.name}_${rt.namespace}(${rt.uid})`,
    );
    this.transition(rt);
    this.writeStatus(rt);
    // Compressed tenfold, as for app containers.
    const delay = Math.min(1000 * 2 ** (c.restartCount - 1), MAX_BACKOFF_MS);
    this.timers.after(
      delay,
      this.guard(rt, () => {
        if (this.runInits(rt, index, 0, false)) this.startMains(rt, 0, false);
        else this.writeStatus(rt);
      }),
    );
  }

  private startMains(rt: PodRuntime, pullMs: number, freshPull: boolean): void {
    for (const c of rt.containers) {
      this.announceStart(rt, c, pullMs, freshPull);
      this.run(rt, c);
    }
    rt.phase = "Running";
    this.transition(rt);
    this.writeStatus(rt);
    this.scheduleEnd(rt);
    this.scheduleDeadline(rt);
  }

  private announceStart(rt: PodRuntime, c: RunningContainer, pullMs: number, freshPull: boolean): void {
    if (freshPull) {
      const seconds = (pullMs / 1000).toFixed(3);
      this.event(
        rt,
        "Normal",
        "Pulled",
        `Successfully pulled image "${c.image}" in ${seconds}s (${seconds}s including waiting). Image size: ${parseInt(sha(c.image).slice(0, 6), 16) * 16} bytes.`,
      );
    } else {
      this.event(rt, "Normal", "Pulled", `Container image "${c.image}" already present on machine`);
    }
    this.event(rt, "Normal", "Created", `Created container ${c.name}`);
    this.event(rt, "Normal", "Started", `Started container ${c.name}`);
  }

  private run(rt: PodRuntime, c: RunningContainer): void {
    c.containerID = containerId();
    c.state = { running: { startedAt: nowTimestamp() } };
    c.runningSince = Date.now();
    if (c.logs) c.previousLogs = c.logs;
    c.logs = new LogBuffer();
    this.startProcess(rt, c);
  }

  private startProcess(rt: PodRuntime, c: RunningContainer): void {
    if (c.kaniko) this.startBuild(rt, c);
    else this.startLogs(rt, c);
  }

  /** A Kaniko container builds from its mounted files, step by step, and exits on its own. */
  private startBuild(rt: PodRuntime, c: RunningContainer): void {
    if (!rt.volumes) {
      // Resumed from saved state: mount again, as a restarted kubelet would.
      const result = this.mountPod(rt);
      rt.volumes = result?.ok ? result.volumes : new Map();
    }
    const instance = c.containerID;
    runBuild(
      {
        container: c.spec,
        files: containerFiles(c.spec, rt.volumes),
        behaviour: rt.behaviour,
        logs: c.logs!,
        timers: this.timers,
        alive: () =>
          this.runtimes.get(rt.uid) === rt && c.containerID === instance && Boolean(c.state.running) && !rt.terminating,
        exited: (exit) => this.buildExited(rt, c, exit),
      },
      c.buildkit ? "buildkit" : "kaniko",
    );
  }

  private buildExited(rt: PodRuntime, c: RunningContainer, exit: BuildExit): void {
    c.state = {
      terminated: {
        exitCode: exit.exitCode,
        reason: exit.reason,
        ...(exit.message ? { message: exit.message } : {}),
        startedAt: c.state.running?.startedAt,
        finishedAt: nowTimestamp(),
        containerID: c.containerID,
      },
    };
    c.logs?.close();
    this.settle(rt, [c]);
  }

  private resumeRunning(rt: PodRuntime): void {
    for (const c of [...rt.containers, ...rt.initContainers.filter((init) => init.sidecar && init.state.running)]) {
      c.runningSince = Date.parse(c.state.running!.startedAt) || Date.now();
      c.logs = new LogBuffer();
      this.startProcess(rt, c);
    }
    this.scheduleEnd(rt);
    this.scheduleDeadline(rt);
  }

  private startLogs(rt: PodRuntime, c: RunningContainer): void {
    const logs = c.logs!;
    const { logLines, logRate } = rt.behaviour;
    // The scripted lines are the app's; a native sidecar only says it started.
    if (c.sidecar) {
      logs.append(`sim: sidecar ${c.name} started (image ${c.image}) on ${rt.nodeName}`);
      return;
    }
    if (!logRate) {
      for (const line of logLines ?? [`sim: container ${c.name} started (image ${c.image}) on ${rt.nodeName}`])
        logs.append(line);
      return;
    }
    let index = 0;
    const emit = () => {
      if (logs.closed) return;
      if (logLines && index >= logLines.length) return;
      logs.append(logLines ? logLines[index] : `sim: ${c.name} line ${index + 1}`);
      index++;
      this.timers.after(1000 / logRate, emit);
    };
    emit();
  }

  /**
   * When the scripted duration elapses, every scripted container exits (with the scripted code, or
   * OOM); Kaniko builds end on their own. Without a duration, a run-to-completion pod ends after
   * the default run time when one is set, and a server (restartPolicy Always) runs until deleted.
   */
  private scheduleEnd(rt: PodRuntime): void {
    const { durationMs, oom } = rt.behaviour;
    const defaultRunMs = rt.restartPolicy === "Always" ? undefined : this.options.defaultRunMs;
    const runFor = durationMs ?? (oom ? 2000 : defaultRunMs);
    const scripted = rt.containers.filter((c) => !c.kaniko);
    if (runFor === undefined || scripted.length === 0) return;
    const started = Math.min(...scripted.map((c) => c.runningSince ?? Date.now()));
    this.timers.after(
      Math.max(0, started + runFor - Date.now()),
      this.guard(rt, () => this.exitAll(rt)),
    );
  }

  private scheduleDeadline(rt: PodRuntime): void {
    const pod = this.podObject(rt);
    const deadline = pod?.spec.activeDeadlineSeconds;
    if (typeof deadline !== "number" || !rt.startTime) return;
    const at = Date.parse(rt.startTime) + deadline * 1000;
    const uid = rt.uid;
    // Not epoch-guarded: the deadline outlives ordinary transitions such as restarts.
    this.timers.after(Math.max(0, at - Date.now()), () => {
      const current = this.runtimes.get(uid);
      if (!current || current.finished || current.terminating) return;
      this.killAll(current, 137, "Error");
      current.reason = "DeadlineExceeded";
      current.message = "Pod was active on the node longer than the specified deadline";
      this.event(current, "Warning", "DeadlineExceeded", current.message);
      this.finish(current, "Failed");
    });
  }

  private killAll(rt: PodRuntime, exitCode: number, reason: string): void {
    const now = nowTimestamp();
    for (const c of [...rt.containers, ...rt.initContainers.filter((init) => init.sidecar)]) {
      if (!c.state.running && !c.state.waiting) continue;
      c.state = {
        terminated: {
          exitCode,
          reason,
          startedAt: c.state.running?.startedAt,
          finishedAt: now,
          containerID: c.containerID,
        },
      };
      c.logs?.close();
    }
  }

  private exitAll(rt: PodRuntime): void {
    const { oom } = rt.behaviour;
    const exitCode = oom ? 137 : rt.behaviour.exitCode;
    const reason = oom ? "OOMKilled" : exitCode === 0 ? "Completed" : "Error";
    const exiting = rt.containers.filter((c) => !c.kaniko && (c.state.running || c.state.waiting));
    if (exitCode !== 0 && !oom) for (const c of exiting) c.logs?.append(`sim: exiting with code ${exitCode}`);
    const now = nowTimestamp();
    for (const c of exiting) {
      c.state = {
        terminated: {
          exitCode,
          reason,
          startedAt: c.state.running?.startedAt,
          finishedAt: now,
          containerID: c.containerID,
        },
      };
      c.logs?.close();
    }
    this.settle(rt, exiting);
  }

  /** After containers exited: restart them by restartPolicy, or end the pod once every container has ended. */
  private settle(rt: PodRuntime, exited: RunningContainer[]): void {
    const restarting = exited.filter((c) => {
      const code = c.state.terminated?.exitCode ?? 0;
      return rt.restartPolicy === "Always" || (rt.restartPolicy === "OnFailure" && code !== 0);
    });
    if (restarting.length) {
      this.backOff(rt, restarting);
      return;
    }
    if (rt.containers.every((c) => c.state.terminated)) {
      this.finish(rt, rt.containers.every((c) => c.state.terminated?.exitCode === 0) ? "Succeeded" : "Failed");
      return;
    }
    this.writeStatus(rt);
  }

  /** CrashLoopBackOff, then the containers start again. */
  private backOff(rt: PodRuntime, restarting: RunningContainer[]): void {
    for (const c of restarting) {
      c.restartCount++;
      const backoffS = Math.min(10 * 2 ** (c.restartCount - 1), 300);
      c.lastState = { terminated: c.state.terminated! };
      c.state = {
        waiting: {
          reason: "CrashLoopBackOff",
          message: `back-off ${backoffS}s restarting failed container=${c.name} pod=${rt.name}_${rt.namespace}(${rt.uid})`,
        },
      };
      this.event(
        rt,
        "Warning",
        "BackOff",
        `Back-off restarting failed container ${c.name} in pod ${rt.name}_${rt.namespace}(${rt.uid})`,
      );
    }
    // When only some containers restart, the others keep their pending timers: no epoch change.
    const all = restarting.length === rt.containers.length;
    if (all) this.transition(rt);
    this.writeStatus(rt);
    const restart = () => {
      for (const c of restarting) {
        this.announceStart(rt, c, 0, false);
        this.run(rt, c);
      }
      if (all) this.transition(rt);
      this.writeStatus(rt);
      if (restarting.some((c) => !c.kaniko)) this.scheduleEnd(rt);
    };
    const ids = restarting.map((c) => c.containerID);
    const stillWaiting = () =>
      this.runtimes.get(rt.uid) === rt &&
      !rt.terminating &&
      !rt.finished &&
      restarting.every((c, i) => c.containerID === ids[i] && c.state.waiting);
    // Real back-off is 10s doubling to 5 min; compressed tenfold so restarts are observable in tests.
    const delay = Math.min(1000 * 2 ** (restarting[0].restartCount - 1 || 0), MAX_BACKOFF_MS);
    this.timers.after(delay, all ? this.guard(rt, restart) : () => stillWaiting() && restart());
  }

  private finish(rt: PodRuntime, phase: "Succeeded" | "Failed"): void {
    // Native sidecars are stopped once the app containers have ended; they do not decide the phase.
    const now = nowTimestamp();
    for (const c of rt.initContainers.filter((init) => init.sidecar && init.state.running)) {
      c.state = {
        terminated: {
          exitCode: 0,
          reason: "Completed",
          startedAt: c.state.running?.startedAt,
          finishedAt: now,
          containerID: c.containerID,
        },
      };
      c.logs?.close();
    }
    rt.phase = phase;
    rt.finished = true;
    rt.sandboxReady = false;
    this.freeNodeResources(rt);
    this.transition(rt);
    this.writeStatus(rt);
  }

  /** Graceful deletion: Killing events, containers stop within the grace period, then the object goes. */
  private beginTermination(rt: PodRuntime, pod: Pod): void {
    rt.terminating = true;
    this.transition(rt);
    const running = rt.containers.filter((c) => c.state.running);
    for (const c of running) this.event(rt, "Normal", "Killing", `Stopping container ${c.name}`);
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    const stopMs = running.length ? Math.min(rt.behaviour.shutdownMs, graceMs) : 0;
    this.timers.after(stopMs, () => {
      if (this.runtimes.get(rt.uid) !== rt) return;
      this.killAll(rt, 143, "Error");
      this.removeNow(rt.namespace, rt.name, rt.uid);
    });
  }

  private removeNow(namespace: string, name: string, uid: string): void {
    try {
      this.store.delete("pods", namespace, name, { gracePeriodSeconds: 0, internal: true, preconditions: { uid } });
    } catch {
      // Already removed.
    }
  }
}
