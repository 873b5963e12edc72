import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import { describe, expect, inject } from "vitest";

import type { Actor } from "@/lib/permissions";
import { onSimulatorOnly } from "@/test/support/cluster-kind";
import { startPrometheus, type TestPrometheus } from "@/test/support/prometheus";

const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
const NAMESPACE = "dash-prom";
const GPU = "nvidia.com/gpu";

// A real Prometheus (Debian's package) scraping the simulator's dcgm-exporter endpoint.
describe("GPU utilization from a real Prometheus", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-dashboard-prom-"));
  const { getDb } = await import("@/db");
  const { users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { createCluster } = await import("@/lib/clusters/mutations");
  const { findCluster } = await import("@/lib/clusters/queries");
  const { kubeClients } = await import("@/lib/kube/client");
  const { clusterAggregator, gpuUtilization } = await import("./service");
  const { readUtilization } = await import("./prometheus");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  let prometheus: TestPrometheus;
  let core: CoreV1Api;
  const simOnly = onSimulatorOnly(
    "the simulator serves the dcgm-exporter endpoint Prometheus scrapes; kwok's nodes export no GPU metrics",
  );

  const gpuPod = (name: string, util: string, project: string): V1Pod => ({
    metadata: {
      name,
      namespace: NAMESPACE,
      labels: { "berth.dev/run": `run-${name}`, "berth.dev/project": project, "berth.dev/user": "alice" },
      annotations: { "sim.berth.dev/gpu-util": util },
    },
    spec: {
      restartPolicy: "Never",
      tolerations: [{ key: GPU, operator: "Exists", effect: "NoSchedule" }],
      containers: [{ name: "main", image: "pytorch", resources: { limits: { [GPU]: "1" } } }],
    },
  });

  async function until<T>(
    what: string,
    read: () => Promise<T>,
    check: (value: T) => boolean,
    timeoutMs = 30_000,
  ): Promise<T> {
    const started = Date.now();
    for (;;) {
      const value = await read();
      if (check(value)) return value;
      if (Date.now() - started > timeoutMs)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 800)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  simOnly.beforeAll(async () => {
    prometheus = await startPrometheus(kubeconfig);
    getDb().insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    const created = await executeMutation(
      createCluster,
      { name: "sim", kubeconfig, prometheusUrl: prometheus.url },
      admin,
      "api",
    );
    expect(created.ok).toBe(true);
    core = kubeClients(findCluster("sim")!).core;
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } }).catch(() => undefined);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: gpuPod("busy", "80-90", "vision") });
    await core.createNamespacedPod({ namespace: NAMESPACE, body: gpuPod("lazy", "1-3", "nlp") });
  }, 60_000);

  simOnly.afterAll(async () => {
    await prometheus?.stop();
    for (const name of ["busy", "lazy"])
      await core?.deleteNamespacedPod({ namespace: NAMESPACE, name, gracePeriodSeconds: 0 }).catch(() => undefined);
  });

  simOnly("joins each pod's DCGM utilization and memory to its project and user", async () => {
    const view = await until(
      "both pods in Prometheus",
      () => gpuUtilization(admin, "sim"),
      (candidate) =>
        candidate.status === "ok" && candidate.pods.filter((pod) => pod.namespace === NAMESPACE).length === 2,
    );
    if (view.status !== "ok") throw new Error("not ok");
    const busy = view.pods.find((pod) => pod.name === "busy")!;
    const lazy = view.pods.find((pod) => pod.name === "lazy")!;
    expect(busy).toMatchObject({ namespace: NAMESPACE, run: "run-busy", project: "vision", user: "alice", gpus: 1 });
    expect(busy.utilization).toBeGreaterThanOrEqual(80);
    expect(busy.utilization).toBeLessThanOrEqual(90);
    expect(busy.memoryUsedMiB).toBeGreaterThan(0);
    expect(lazy).toMatchObject({ project: "nlp", gpus: 1 });
    expect(lazy.utilization).toBeLessThanOrEqual(3);
    expect(view.projects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ project: "vision", gpus: 1 }),
        expect.objectContaining({ project: "nlp", gpus: 1 }),
      ]),
    );
    expect(view.points).toHaveLength(61);
    expect(view.points.at(-1)!.utilization).toEqual(expect.any(Number));
    // Within the real 30-minute window nobody has been idle long enough yet.
    expect(view.idle).toEqual([]);
  });

  simOnly("flags a pod holding a GPU below 5 % for the whole window as idle, not a busy one", async () => {
    const cluster = findCluster("sim")!;
    const aggregator = clusterAggregator(cluster.id)!;
    const holders = () => new Map(aggregator.gpuPods().map((pod) => [`${pod.namespace}/${pod.name}`, pod]));
    // A 5-second window stands in for 30 minutes: the same query, shorter.
    const view = await until(
      "the lazy pod to be idle for the window",
      () =>
        readUtilization(cluster.prometheusUrl, (namespace, name) => holders().get(`${namespace}/${name}`), {
          idleWindowSeconds: 5,
        }),
      (candidate) => candidate.status === "ok" && candidate.idle.some((pod) => pod.name === "lazy"),
    );
    if (view.status !== "ok") throw new Error("not ok");
    expect(view.idle.filter((pod) => pod.namespace === NAMESPACE)).toEqual([
      {
        namespace: NAMESPACE,
        name: "lazy",
        run: "run-lazy",
        project: "nlp",
        user: "alice",
        gpus: 1,
        sharedGpus: 0,
        utilization: expect.any(Number),
      },
    ]);
  });

  simOnly("says unavailable once Prometheus is gone, with no numbers", async () => {
    const url = prometheus.url;
    await prometheus.stop();
    const view = await readUtilization(url, () => undefined);
    expect(view).toEqual({
      status: "unavailable",
      configured: true,
      available: false,
      message: expect.stringContaining("could not be reached"),
      error: expect.any(String),
    });
  });
});
