/**
 * The run status and log container Berth derives from pods as the cluster reports them: a pod
 * whose injected init container fails, and one with a native sidecar beside the workload.
 */
import { CoreV1Api, type V1Pod } from "@kubernetes/client-node";
import { describe, expect } from "vitest";

import { adminKubeConfig, onSimulatorOnly } from "@/test/support/cluster-kind";

import { logContainer } from "./logs";
import { podRunStatus } from "./status";

const it = onSimulatorOnly(
  "init container exit codes are scripted with sim.berth.dev/init-exit-code, which kwok's stages do not play",
);
const namespace = `status-init-${Date.now() % 1_000_000}`;
let core: CoreV1Api;

it.beforeAll(async () => {
  core = adminKubeConfig().makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
});

it.afterAll(async () => {
  await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
});

async function until(name: string, check: (pod: V1Pod) => boolean): Promise<V1Pod> {
  for (;;) {
    const pod = await core.readNamespacedPod({ namespace, name });
    if (check(pod)) return pod;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("status from the cluster's pods", () => {
  it("names the injected init container that failed as the reason, not the workload", async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: "meshed",
          annotations: { "sim.berth.dev/init-exit-code": "istio-init=1", "sim.berth.dev/start-delay": "100ms" },
        },
        spec: {
          restartPolicy: "Never",
          initContainers: [{ name: "istio-init", image: "istio/proxyv2:1.24" }],
          containers: [{ name: "main", image: "python:3.12" }],
        },
      },
    });
    const pod = await until("meshed", (candidate) => candidate.status?.phase === "Failed");
    expect(podRunStatus(pod)).toMatchObject({
      status: "failed",
      exitCode: 1,
      reason: expect.stringMatching(/^The init container "istio-init" failed with exit code 1 \(Init:Error\)/),
    });
  });

  it("reads the workload's log, not the sidecar's, and lets a native sidecar run beside it", async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: "sidecars",
          annotations: { "sim.berth.dev/duration": "1s", "sim.berth.dev/start-delay": "100ms" },
        },
        spec: {
          restartPolicy: "Never",
          initContainers: [{ name: "vault-agent", image: "hashicorp/vault:1.18", restartPolicy: "Always" }],
          containers: [
            { name: "istio-proxy", image: "istio/proxyv2:1.24" },
            { name: "trainer", image: "python:3.12" },
          ],
        },
      },
    });
    const running = await until("sidecars", (candidate) => candidate.status?.phase === "Running");
    expect(podRunStatus(running)).toMatchObject({ status: "running", reason: null });
    expect(logContainer(running)).toBe("trainer");
    const done = await until("sidecars", (candidate) => candidate.status?.phase === "Succeeded");
    expect(podRunStatus(done)).toMatchObject({ status: "succeeded", exitCode: 0 });
  });
});
