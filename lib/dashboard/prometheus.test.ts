import net from "node:net";
import { describe, expect, it } from "vitest";

import {
  chartPoints,
  groupByPod,
  heldGpuSeries,
  parseMatrix,
  parseVector,
  podFigures,
  projectFigures,
  prometheusApiUrl,
  readUtilization,
  utilizationQueries,
  type KnownPod,
} from "./prometheus";

const gpu = (index: number, pod?: { namespace: string; pod: string }) => ({
  gpu: String(index),
  UUID: `GPU-${index}`,
  Hostname: "gpu-node-1",
  ...(pod ?? {}),
});
const vector = (samples: { metric: Record<string, string>; value: number }[]) => ({
  status: "success",
  data: {
    resultType: "vector",
    result: samples.map((sample) => ({ metric: sample.metric, value: [1_764_244_800, String(sample.value)] })),
  },
});

describe("prometheusApiUrl", () => {
  it("keeps a base path and encodes the query", () => {
    expect(
      prometheusApiUrl("https://metrics.example.com/prometheus/", "/api/v1/query", { query: 'avg(X{pod!=""})' }),
    ).toBe("https://metrics.example.com/prometheus/api/v1/query?query=avg%28X%7Bpod%21%3D%22%22%7D%29");
    expect(
      prometheusApiUrl("http://127.0.0.1:9090", "/api/v1/query_range", {
        query: "up",
        start: "1",
        end: "2",
        step: "60",
      }),
    ).toBe("http://127.0.0.1:9090/api/v1/query_range?query=up&start=1&end=2&step=60");
  });
});

describe("parsing Prometheus answers", () => {
  it("reads an instant vector, dropping NaN samples", () => {
    const body = {
      status: "success",
      data: {
        resultType: "vector",
        result: [
          { metric: { pod: "a" }, value: [1, "42.5"] },
          { metric: { pod: "b" }, value: [1, "NaN"] },
        ],
      },
    };
    expect(parseVector(body)).toEqual([{ metric: { pod: "a" }, value: 42.5 }]);
  });

  it("reads a range matrix", () => {
    const body = {
      status: "success",
      data: {
        resultType: "matrix",
        result: [
          {
            metric: {},
            values: [
              [60, "1"],
              [120, "2"],
            ],
          },
        ],
      },
    };
    expect(parseMatrix(body)).toEqual([
      {
        metric: {},
        values: [
          [60, 1],
          [120, 2],
        ],
      },
    ]);
  });

  it("turns an error answer or an unexpected type into a plain message", () => {
    expect(() =>
      parseVector({ status: "error", errorType: "bad_data", error: 'parse error at char 5: unexpected "}"' }),
    ).toThrow('Prometheus refused the query: parse error at char 5: unexpected "}"');
    expect(() => parseVector({ status: "success", data: { resultType: "matrix", result: [] } })).toThrow(
      "something other than an instant vector",
    );
    expect(() => parseMatrix({ status: "success", data: { resultType: "vector", result: [] } })).toThrow(
      "something other than a range matrix",
    );
  });
});

describe("utilizationQueries", () => {
  it("keeps one series per GPU and owner labels, and asks for the idle window as max/avg over time", () => {
    const by = "max by (Hostname, UUID, gpu, exported_namespace, exported_pod, namespace, pod)";
    expect(utilizationQueries()).toEqual({
      chartUtilization: `${by} (DCGM_FI_DEV_GPU_UTIL)`,
      chartMemory: `${by} (DCGM_FI_DEV_FB_USED)`,
      utilizationNow: `${by} (DCGM_FI_DEV_GPU_UTIL)`,
      memoryNow: `${by} (DCGM_FI_DEV_FB_USED)`,
      idleMax: `${by} (max_over_time(DCGM_FI_DEV_GPU_UTIL[1800s]))`,
      idleAverage: `${by} (avg_over_time(DCGM_FI_DEV_GPU_UTIL[1800s]))`,
    });
  });

  it("keeps only the cluster's own label names when they are set", () => {
    expect(utilizationQueries({ pod: "workload_pod", namespace: "workload_ns" }, 60).idleMax).toBe(
      "max by (Hostname, UUID, gpu, workload_ns, workload_pod) (max_over_time(DCGM_FI_DEV_GPU_UTIL[60s]))",
    );
  });
});

describe("groupByPod", () => {
  it("groups GPUs by their pod, reading exported_* labels too, and leaves free GPUs out", () => {
    const samples = parseVector(
      vector([
        { metric: gpu(0, { namespace: "ml", pod: "train" }), value: 80 },
        { metric: gpu(1, { namespace: "ml", pod: "train" }), value: 60 },
        { metric: { ...gpu(2), exported_namespace: "ml", exported_pod: "serve" }, value: 10 },
        { metric: gpu(3), value: 0 },
      ]),
    );
    expect([...groupByPod(samples).values()]).toEqual([
      { namespace: "ml", name: "train", values: [80, 60], gpuKeys: ["gpu-node-1/GPU-0", "gpu-node-1/GPU-1"] },
      { namespace: "ml", name: "serve", values: [10], gpuKeys: ["gpu-node-1/GPU-2"] },
    ]);
  });
});

describe("GPU owners behind a ServiceMonitor", () => {
  // honor_labels: false renames dcgm-exporter's pod/namespace/container to exported_* and puts the
  // exporter pod's own target labels in their place.
  const exporter = { namespace: "gpu-operator", pod: "nvidia-dcgm-exporter-7xk2p", container: "nvidia-dcgm-exporter" };

  it("attributes a GPU to the exported_* workload, not to the exporter pod", () => {
    const samples = parseVector(
      vector([
        {
          metric: {
            ...gpu(0),
            ...exporter,
            exported_namespace: "ml",
            exported_pod: "train",
            exported_container: "main",
          },
          value: 80,
        },
        {
          metric: {
            ...gpu(1),
            ...exporter,
            exported_namespace: "ml",
            exported_pod: "train",
            exported_container: "main",
          },
          value: 60,
        },
        { metric: { ...gpu(2), ...exporter }, value: 0 },
      ]),
    );
    const exporterPod = (namespace: string, name: string) =>
      namespace === exporter.namespace && name === exporter.pod
        ? { namespace, name, run: null, project: null, user: null, gpus: 0, startedAt: 0, mayHoldGpu: false }
        : undefined;
    expect([...groupByPod(samples, "auto", exporterPod).values()]).toEqual([
      { namespace: "ml", name: "train", values: [80, 60], gpuKeys: ["gpu-node-1/GPU-0", "gpu-node-1/GPU-1"] },
    ]);
  });

  it("knows the exporter's own labels on a free GPU: from the cluster, or from the series beside it", () => {
    const free = { metric: { ...gpu(3), ...exporter }, value: 0 };
    const exporterPod = (namespace: string, name: string) =>
      namespace === exporter.namespace && name === exporter.pod
        ? { namespace, name, run: null, project: null, user: null, gpus: 0, startedAt: 0, mayHoldGpu: false }
        : undefined;
    // Nothing held on the node, but the cluster says the exporter pod asks for no GPU.
    expect([...groupByPod([free], "auto", exporterPod).keys()]).toEqual([]);
    // The cluster does not know it; another GPU of the same scrape has exported_* beside the same pair.
    const held = { metric: { ...gpu(0), ...exporter, exported_namespace: "ml", exported_pod: "train" }, value: 50 };
    expect([...groupByPod([held, free], "auto", () => undefined).keys()]).toEqual(["ml/train"]);
    // With the cluster's own label names, no guessing.
    expect([...groupByPod([held, free], { pod: "pod", namespace: "namespace" }, () => undefined).keys()]).toEqual([
      `${exporter.namespace}/${exporter.pod}`,
    ]);
  });
});

describe("chartPoints", () => {
  it("gives one point per step with null where Prometheus has no sample", () => {
    const range = { start: new Date(0), end: new Date(180_000), stepSeconds: 60 };
    const points = chartPoints(
      [
        {
          metric: {},
          values: [
            [0, 50],
            [120, 75.25],
          ],
        },
      ],
      [{ metric: {}, values: [[60, 12.345]] }],
      range,
    );
    expect(points).toEqual([
      { time: "1970-01-01T00:00:00.000Z", utilization: 50, memoryUsedGiB: null },
      { time: "1970-01-01T00:01:00.000Z", utilization: null, memoryUsedGiB: 12.3 },
      { time: "1970-01-01T00:02:00.000Z", utilization: 75.3, memoryUsedGiB: null },
      { time: "1970-01-01T00:03:00.000Z", utilization: null, memoryUsedGiB: null },
    ]);
  });
});

describe("podFigures", () => {
  const NOW = 10_000_000;
  const pods: Record<string, KnownPod> = {
    "ml/train": {
      namespace: "ml",
      name: "train",
      run: "r1",
      project: "vision",
      user: "alice",
      gpus: 2,
      startedAt: NOW - 3_600_000,
      mayHoldGpu: true,
    },
    "ml/lazy": {
      namespace: "ml",
      name: "lazy",
      run: "r2",
      project: "nlp",
      user: "bob",
      gpus: 1,
      startedAt: NOW - 3_600_000,
      mayHoldGpu: true,
    },
    "ml/fresh": {
      namespace: "ml",
      name: "fresh",
      run: null,
      project: null,
      user: null,
      gpus: 1,
      startedAt: NOW - 60_000,
      mayHoldGpu: true,
    },
  };
  const known = (namespace: string, name: string) => pods[`${namespace}/${name}`];
  const samples = (values: Record<string, number[]>) =>
    Object.entries(values).flatMap(([key, list]) => {
      const [namespace, pod] = key.split("/");
      // Each pod on its own node: distinct physical GPUs.
      return list.map((value, index) => ({
        metric: { ...gpu(index, { namespace, pod }), Hostname: `node-of-${pod}` },
        value,
      }));
    });

  it("joins utilization and memory to the pods' project and user", () => {
    const { pods: rows } = podFigures(
      {
        utilizationNow: samples({ "ml/train": [80, 61], "other/unknown": [30] }),
        memoryNow: samples({ "ml/train": [1000, 2000.4] }),
        idleMax: [],
        idleAverage: [],
      },
      known,
      NOW,
    );
    expect(rows).toEqual([
      {
        namespace: "ml",
        name: "train",
        run: "r1",
        project: "vision",
        user: "alice",
        gpus: 2,
        sharedGpus: 0,
        utilization: 70.5,
        memoryUsedMiB: 3000,
      },
      {
        namespace: "other",
        name: "unknown",
        run: null,
        project: null,
        user: null,
        gpus: 1,
        sharedGpus: 0,
        utilization: 30,
        memoryUsedMiB: 0,
      },
    ]);
  });

  it("flags pods whose GPUs all stayed under 5 % for the window, held long enough", () => {
    const { idle } = podFigures(
      {
        utilizationNow: [],
        memoryNow: [],
        idleMax: samples({ "ml/train": [4, 90], "ml/lazy": [3], "ml/fresh": [0], "other/gone": [0] }),
        idleAverage: samples({ "ml/lazy": [1.26] }),
      },
      known,
      NOW,
    );
    expect(idle).toEqual([
      {
        namespace: "ml",
        name: "lazy",
        run: "r2",
        project: "nlp",
        user: "bob",
        gpus: 1,
        sharedGpus: 0,
        utilization: 1.3,
      },
    ]);
  });
});

describe("time-sliced GPUs", () => {
  // dcgm-exporter with --kubernetes-virtual-gpus: one series per sharing pod, same UUID and Hostname, a `vgpu` label each.
  const NOW = 10_000_000;
  const known = (namespace: string, name: string): KnownPod => ({
    namespace,
    name,
    run: `run-${name}`,
    project: name === "c" ? "nlp" : "vision",
    user: null,
    gpus: 1,
    startedAt: NOW - 3_600_000,
    mayHoldGpu: true,
  });
  const shared = (index: number, pod: string, vgpu: string, value: number) => ({
    metric: { ...gpu(index, { namespace: "ml", pod }), vgpu },
    value,
  });

  it("counts a physical GPU once however many pods share it, and marks it shared", () => {
    const utilizationNow = [
      shared(0, "a", "0", 70),
      shared(0, "b", "1", 70),
      shared(1, "c", "0", 20),
      shared(2, "a", "0", 10),
    ];
    const memoryNow = [shared(0, "a", "0", 8000), shared(0, "b", "1", 8000)];
    const figures = podFigures({ utilizationNow, memoryNow, idleMax: [], idleAverage: [] }, known, NOW);
    expect(figures.gpusHeld).toBe(3);
    expect(
      figures.pods.map(({ name, gpus, sharedGpus, utilization }) => ({ name, gpus, sharedGpus, utilization })),
    ).toEqual([
      { name: "a", gpus: 2, sharedGpus: 1, utilization: 40 },
      { name: "b", gpus: 1, sharedGpus: 1, utilization: 70 },
      { name: "c", gpus: 1, sharedGpus: 0, utilization: 20 },
    ]);
    // vision holds GPUs 0 (a and b) and 2 (a): two GPUs, not three.
    expect(figures.projectsOf("not from Berth")).toEqual([
      { project: "nlp", gpus: 1, utilization: 20 },
      { project: "vision", gpus: 2, utilization: 40 },
    ]);
  });

  it("charts each shared GPU once", () => {
    const series = (pod: string, index: number, values: [number, number][]) => ({
      metric: { ...gpu(index, { namespace: "ml", pod }) },
      values,
    });
    const chart = heldGpuSeries(
      [series("a", 0, [[60, 90]]), series("b", 0, [[60, 90]]), series("c", 1, [[60, 30]])],
      [series("a", 0, [[60, 2048]]), series("b", 0, [[60, 2048]])],
    );
    expect(chart.utilization).toEqual([{ metric: {}, values: [[60, 60]] }]);
    expect(chart.memory).toEqual([{ metric: {}, values: [[60, 2]] }]);
  });
});

describe("projectFigures", () => {
  it("weights each pod's utilization by its GPUs, per project", () => {
    const pod = (project: string | null, gpus: number, utilization: number) => ({
      namespace: "ml",
      name: "x",
      run: null,
      project,
      user: null,
      gpus,
      sharedGpus: 0,
      utilization,
      memoryUsedMiB: 0,
    });
    expect(projectFigures([pod("vision", 3, 90), pod("vision", 1, 10), pod(null, 2, 50)], "not from Berth")).toEqual([
      { project: "not from Berth", gpus: 2, utilization: 50 },
      { project: "vision", gpus: 4, utilization: 70 },
    ]);
  });
});

describe("readUtilization", () => {
  it("says where to set the URL when the cluster has none, without asking anything", async () => {
    expect(await readUtilization(null, () => undefined)).toEqual({
      status: "unconfigured",
      configured: false,
      hint: expect.stringContaining("Prometheus URL"),
    });
  });

  it("reports an unreachable Prometheus as unavailable, with no numbers", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const view = await readUtilization(`http://127.0.0.1:${port}`, () => undefined);
    expect(view).toEqual({
      status: "unavailable",
      configured: true,
      available: false,
      message: expect.stringMatching(/could not be reached \(ECONNREFUSED\)/),
      error: expect.any(String),
    });
  });

  it("gives up on a Prometheus that does not answer in time", async () => {
    const hanging = net.createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const { port } = hanging.address() as net.AddressInfo;
    try {
      const started = Date.now();
      const view = await readUtilization(`http://127.0.0.1:${port}`, () => undefined, { timeoutMs: 300 });
      expect(view).toMatchObject({ status: "unavailable", message: "Prometheus did not answer within 0.3 s" });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      hanging.close();
    }
  });
});
