import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { onSimulatorOnly } from "@/test/support/cluster-kind";
import { EXPORTER_TARGET, startPrometheus, type ScrapeLayout, type TestPrometheus } from "@/test/support/prometheus";

const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
const NAMESPACE = "dash-gpu-labels";
const GPU = "nvidia.com/gpu";

// A real Prometheus scraping the simulator's dcgm-exporter plainly, and as a ServiceMonitor does
// (the exporter pod's pod/namespace/container target labels clash, the workload's become exported_*).
describe("GPU utilization attributed to the workload, whatever the scrape layout", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-gpu-labels-"));
  const { getDb } = await import("@/db");
  const { users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { createCluster, updateCluster } = await import("@/lib/clusters/mutations");
  const { findCluster } = await import("@/lib/clusters/queries");
  const { kubeClients } = await import("@/lib/kube/client");
  const { gpuUtilization } = await import("./service");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const layouts: ScrapeLayout[] = ["servicemonitor", "plain"];
  const prometheus = new Map<ScrapeLayout, TestPrometheus>();
  let core: CoreV1Api;
  const simOnly = onSimulatorOnly(
    "the simulator serves the dcgm-exporter endpoint Prometheus scrapes; kwok's nodes export no GPU metrics",
  );

  // A running run's pod holding two GPUs, labelled as Berth labels its runs.
  const trainer: V1Pod = {
    metadata: {
      name: "trainer",
      namespace: NAMESPACE,
      labels: { "berth.dev/run": "run-trainer", "berth.dev/project": "vision", "berth.dev/user": "alice" },
      annotations: { "sim.berth.dev/gpu-util": "70-80" },
    },
    spec: {
      restartPolicy: "Never",
      tolerations: [{ key: GPU, operator: "Exists", effect: "NoSchedule" }],
      containers: [{ name: "main", image: "pytorch", resources: { limits: { [GPU]: "2" } } }],
    },
  };

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

  const trainerIn = (view: Awaited<ReturnType<typeof gpuUtilization>>) =>
    view.status === "ok" ? view.pods.find((pod) => pod.namespace === NAMESPACE && pod.name === "trainer") : undefined;

  simOnly.beforeAll(async () => {
    getDb().insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    for (const layout of layouts) {
      const started = await startPrometheus(kubeconfig, { layout });
      prometheus.set(layout, started);
      const created = await executeMutation(
        createCluster,
        { name: `sim-${layout}`, kubeconfig, prometheusUrl: started.url },
        admin,
        "api",
      );
      expect(created.ok).toBe(true);
    }
    core = kubeClients(findCluster("sim-plain")!).core;
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } }).catch(() => undefined);
    await core.createNamespacedPod({ namespace: NAMESPACE, body: trainer });
  }, 90_000);

  simOnly.afterAll(async () => {
    for (const started of prometheus.values()) await started.stop();
    await core
      ?.deleteNamespacedPod({ namespace: NAMESPACE, name: "trainer", gracePeriodSeconds: 0 })
      .catch(() => undefined);
  });

  for (const layout of layouts) {
    simOnly(`attributes a running 2-GPU run's utilization to its pod and project (${layout})`, async () => {
      const view = await until(
        "the trainer's GPUs in Prometheus",
        () => gpuUtilization(admin, `sim-${layout}`),
        (candidate) => trainerIn(candidate)?.gpus === 2,
      );
      if (view.status !== "ok") throw new Error("not ok");
      const pod = trainerIn(view)!;
      expect(pod).toMatchObject({ run: "run-trainer", project: "vision", user: "alice", gpus: 2, sharedGpus: 0 });
      expect(pod.utilization).toBeGreaterThanOrEqual(70);
      expect(pod.utilization).toBeLessThanOrEqual(80);
      expect(view.projects).toContainEqual({ project: "vision", gpus: 2, utilization: expect.any(Number) });
      // The GPUs nobody holds are nobody's: not the exporter pod's.
      expect(view.pods.map((entry) => entry.name)).not.toContain(EXPORTER_TARGET.pod);
      expect(view.points.at(-1)!.utilization).toEqual(expect.any(Number));
    });
  }

  simOnly("reads the label names set on the cluster instead of guessing", async () => {
    const cluster = findCluster("sim-servicemonitor")!;
    // Naming the plain labels behind a ServiceMonitor points at the exporter: the setting is obeyed.
    const plain = await executeMutation(
      updateCluster,
      { cluster: cluster.id, gpuMetricLabels: { pod: "pod", namespace: "namespace" } },
      admin,
      "api",
    );
    expect(plain.ok).toBe(true);
    const misread = await until(
      "the view read with the plain labels",
      () => gpuUtilization(admin, "sim-servicemonitor"),
      (candidate) => candidate.status === "ok" && candidate.pods.some((pod) => pod.name === EXPORTER_TARGET.pod),
    );
    if (misread.status !== "ok") throw new Error("not ok");
    expect(trainerIn(misread)).toBeUndefined();

    const exported = await executeMutation(
      updateCluster,
      {
        cluster: cluster.id,
        gpuMetricLabels: { pod: "exported_pod", namespace: "exported_namespace", container: "exported_container" },
      },
      admin,
      "api",
    );
    expect(exported.ok && exported.data.gpuMetricLabels).toEqual({
      pod: "exported_pod",
      namespace: "exported_namespace",
      container: "exported_container",
    });
    const view = await until(
      "the view read with the exported labels",
      () => gpuUtilization(admin, "sim-servicemonitor"),
      (candidate) => trainerIn(candidate)?.gpus === 2,
    );
    expect(trainerIn(view)).toMatchObject({ project: "vision", gpus: 2 });
  });
});

// Time-sliced GPUs on a private simulator (labelling its node would move every other test's GPU counts).
describe("a time-sliced GPU shared by two pods", async () => {
  const { getDb } = await import("@/db");
  const { users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { createCluster } = await import("@/lib/clusters/mutations");
  const { findCluster } = await import("@/lib/clusters/queries");
  const { kubeClients } = await import("@/lib/kube/client");
  const { gpuUtilization } = await import("./service");
  const { startClusterProcess } = await import("@/test/support/cluster-process");
  let sim: Awaited<ReturnType<typeof startClusterProcess>> | undefined;
  let prometheus: TestPrometheus | undefined;

  const sharer = (name: string, util: string): V1Pod => ({
    metadata: {
      name,
      namespace: "shared",
      labels: { "berth.dev/run": `run-${name}`, "berth.dev/project": "vision", "berth.dev/user": "alice" },
      annotations: { "sim.berth.dev/gpu-util": util },
    },
    spec: {
      restartPolicy: "Never",
      nodeSelector: { "kubernetes.io/hostname": "sim-gpu-1" },
      tolerations: [{ key: GPU, operator: "Exists", effect: "NoSchedule" }],
      containers: [{ name: "main", image: "pytorch", resources: { limits: { [GPU]: "1" } } }],
    },
  });

  beforeAll(async () => {
    sim = await startClusterProcess();
    const kubeconfig = fs.readFileSync(sim.kubeconfigPath, "utf8");
    if (
      !getDb()
        .select()
        .from(users)
        .all()
        .some((user) => user.username === "admin")
    )
      getDb().insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    prometheus = await startPrometheus(kubeconfig, { layout: "servicemonitor" });
    const created = await executeMutation(
      createCluster,
      { name: "sim-shared", kubeconfig, prometheusUrl: prometheus.url },
      admin,
      "api",
    );
    expect(created.ok).toBe(true);
    const { core } = kubeClients(findCluster("sim-shared")!);
    // Two replicas per GPU, as GPU feature discovery labels a time-sliced node: 4 nvidia.com/gpu are 2 GPUs.
    const node = await core.readNode({ name: "sim-gpu-1" });
    node.metadata!.labels = { ...node.metadata!.labels, "nvidia.com/gpu.replicas": "2" };
    await core.replaceNode({ name: "sim-gpu-1", body: node });
    await core.createNamespace({ body: { metadata: { name: "shared" } } });
    await core.createNamespacedPod({ namespace: "shared", body: sharer("first", "20-30") });
    await core.createNamespacedPod({ namespace: "shared", body: sharer("second", "30-40") });
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    sim?.stop();
  });

  it("counts the physical GPU once, for the pods and for their project", async () => {
    const started = Date.now();
    let view = await gpuUtilization(admin, "sim-shared");
    while (!(view.status === "ok" && view.pods.length === 2)) {
      if (Date.now() - started > 30_000)
        throw new Error(`timed out waiting for both sharers: ${JSON.stringify(view).slice(0, 800)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      view = await gpuUtilization(admin, "sim-shared");
    }
    expect(view.pods.map(({ name, gpus, sharedGpus, project }) => ({ name, gpus, sharedGpus, project }))).toEqual([
      { name: "first", gpus: 1, sharedGpus: 1, project: "vision" },
      { name: "second", gpus: 1, sharedGpus: 1, project: "vision" },
    ]);
    // One device: both see its utilization (their loads added), and the project holds one GPU, not two.
    expect(view.pods[0].utilization).toBe(view.pods[1].utilization);
    expect(view.pods[0].utilization).toBeGreaterThanOrEqual(50);
    expect(view.gpusHeld).toBe(1);
    expect(view.projects).toEqual([{ project: "vision", gpus: 1, utilization: view.pods[0].utilization }]);
  });
});
