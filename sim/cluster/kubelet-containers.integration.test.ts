/**
 * The simulated kubelet's init containers (a failing one, native sidecars) and the default run
 * time of pods without a scripted duration, through HTTP with @kubernetes/client-node.
 */
import { CoreV1Api, KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSimulator, type RunningSimulator } from "../server/index";
import { eventually } from "../server/testing/http-client";

let sim: RunningSimulator;
let core: CoreV1Api;
const namespace = "default";

beforeAll(async () => {
  sim = await startSimulator({
    seed: { nodes: 2, gpuNodes: 0, pods: 0, namespaces: 1, seed: 1 },
    cluster: { kubelet: { defaultRunMs: 1500 } },
  });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await sim?.stop();
});

const fast = { "sim.berth.dev/start-delay": "100ms" };

async function create(pod: V1Pod): Promise<void> {
  await core.createNamespacedPod({ namespace, body: pod });
}

const read = (name: string) => core.readNamespacedPod({ namespace, name });

async function podWhere(name: string, check: (pod: V1Pod) => boolean, what: string): Promise<V1Pod> {
  return eventually(
    async () => {
      const pod = await read(name);
      return check(pod) ? pod : undefined;
    },
    10_000,
    what,
  );
}

describe("init containers", () => {
  it("fails a pod whose init container exits non-zero under restartPolicy Never (Init:Error), the app never started", async () => {
    await create({
      metadata: { name: "init-fails", annotations: { ...fast, "sim.berth.dev/init-exit-code": "istio-init=1" } },
      spec: {
        restartPolicy: "Never",
        initContainers: [{ name: "istio-init", image: "istio/proxyv2:1.24" }],
        containers: [{ name: "main", image: "python:3.12" }],
      },
    });
    const pod = await podWhere("init-fails", (candidate) => candidate.status?.phase === "Failed", "the pod to fail");
    expect(pod.status?.initContainerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(pod.status?.containerStatuses?.[0].state?.waiting?.reason).toBe("PodInitializing");
    expect(pod.status?.conditions?.find((condition) => condition.type === "Initialized")).toMatchObject({
      status: "False",
      reason: "ContainersNotInitialized",
    });
  });

  it("restarts a failing init container with back-off under restartPolicy Always (Init:CrashLoopBackOff), the pod stays Pending", async () => {
    await create({
      metadata: { name: "init-loops", annotations: { ...fast, "sim.berth.dev/init-exit-code": "istio-init=2" } },
      spec: {
        initContainers: [{ name: "istio-init", image: "istio/proxyv2:1.24" }],
        containers: [{ name: "main", image: "python:3.12" }],
      },
    });
    const pod = await podWhere(
      "init-loops",
      (candidate) => candidate.status?.initContainerStatuses?.[0].state?.waiting?.reason === "CrashLoopBackOff",
      "Init:CrashLoopBackOff",
    );
    const init = pod.status!.initContainerStatuses![0];
    expect(pod.status?.phase).toBe("Pending");
    expect(init.restartCount).toBeGreaterThanOrEqual(1);
    expect(init.lastState?.terminated).toMatchObject({ exitCode: 2, reason: "Error" });
  });

  it("keeps a native sidecar (an init container with restartPolicy Always) running beside the app, and stops it when the app ends", async () => {
    await create({
      metadata: { name: "with-sidecar", annotations: { ...fast, "sim.berth.dev/duration": "1s" } },
      spec: {
        restartPolicy: "Never",
        initContainers: [{ name: "istio-proxy", image: "istio/proxyv2:1.24", restartPolicy: "Always" }],
        containers: [{ name: "main", image: "python:3.12" }],
      },
    });
    const running = await podWhere(
      "with-sidecar",
      (candidate) => candidate.status?.phase === "Running",
      "the pod to run",
    );
    expect(running.status?.initContainerStatuses?.[0]).toMatchObject({
      started: true,
      state: { running: expect.anything() },
    });
    expect(running.status?.conditions?.find((condition) => condition.type === "Initialized")?.status).toBe("True");
    const done = await podWhere(
      "with-sidecar",
      (candidate) => candidate.status?.phase === "Succeeded",
      "the pod to succeed",
    );
    expect(done.status?.initContainerStatuses?.[0].state?.terminated).toBeDefined();
  });
});

describe("default run time", () => {
  it("ends a run-to-completion pod without a scripted duration Succeeded after the default run time", async () => {
    await create({
      metadata: { name: "unscripted", annotations: fast },
      spec: { restartPolicy: "Never", containers: [{ name: "main", image: "python:3.12" }] },
    });
    const pod = await podWhere(
      "unscripted",
      (candidate) => candidate.status?.phase === "Succeeded",
      "the unscripted pod to succeed",
    );
    expect(pod.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
  });

  it("leaves a server (restartPolicy Always) without a duration running", async () => {
    await create({
      metadata: { name: "server", annotations: fast },
      spec: { containers: [{ name: "main", image: "nginx:1.27" }] },
    });
    const pod = await podWhere("server", (candidate) => candidate.status?.phase === "Running", "the server to run");
    // It started before the unscripted pod above ended: still running past the default run time.
    await podWhere(
      "unscripted",
      (candidate) => candidate.status?.phase === "Succeeded",
      "the unscripted pod to succeed",
    );
    const later = await podWhere(
      "server",
      (candidate) => Date.now() - new Date(candidate.status!.startTime!).getTime() > 1500 + 500,
      "the server to outlive the default run time",
    );
    expect(later.status?.phase).toBe("Running");
    expect(later.status?.containerStatuses?.[0].restartCount).toBe(0);
    expect(pod.status?.containerStatuses?.[0].state?.running).toBeDefined();
  });
});
