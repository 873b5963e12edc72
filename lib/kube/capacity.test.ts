import type { V1Node, V1Pod, V1PodSpec, V1ResourceQuota } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import { computeFits, neverFitsProblems, nodeRefusal, podRequests, quotaAllowance } from "./capacity";

const gpuTaint = { key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" };
const node = (name: string, allocatable: Record<string, string>, extra: Partial<V1Node> = {}): V1Node => ({
  metadata: {
    name,
    labels: {
      "kubernetes.io/hostname": name,
      ...(allocatable["nvidia.com/gpu"] ? { "nvidia.com/gpu.present": "true" } : {}),
    },
  },
  spec: allocatable["nvidia.com/gpu"] ? { taints: [gpuTaint] } : {},
  status: { allocatable: { pods: "110", ...allocatable }, conditions: [{ type: "Ready", status: "True" }] },
  ...extra,
});
const pod = (nodeName: string, requests: Record<string, string>, phase = "Running"): V1Pod => ({
  spec: { nodeName, containers: [{ name: "c", resources: { requests, limits: requests } }] },
  status: { phase },
});
const gpuSpec = (gpus: string): V1PodSpec => ({
  containers: [
    {
      name: "main",
      resources: { requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": gpus }, limits: { "nvidia.com/gpu": gpus } },
    },
  ],
  tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
});
const nodes = [
  node("cpu-1", { cpu: "16", memory: "64Gi" }),
  node("gpu-1", { cpu: "64", memory: "512Gi", "nvidia.com/gpu": "4" }),
  node("gpu-2", { cpu: "64", memory: "512Gi", "nvidia.com/gpu": "4" }),
];

describe("computeFits", () => {
  it("counts copies per node from allocatable minus non-terminal requests", () => {
    const pods = [
      pod("gpu-1", { "nvidia.com/gpu": "3" }),
      pod("gpu-2", { "nvidia.com/gpu": "3" }),
      pod("gpu-2", { "nvidia.com/gpu": "1" }, "Succeeded"),
    ];
    const result = computeFits(gpuSpec("1"), nodes, pods, []);
    expect(result).toMatchObject({
      fits: 2,
      nodeFits: 2,
      quotaAllows: null,
      bottleneck: { resource: "nvidia.com/gpu", free: "2", allocatable: "8" },
    });
    expect(result.reason).toBe("fits 2×: 2 of 8 nvidia.com/gpu free");
    // 2 GPUs per copy: gpu-1 has 1 free, gpu-2 has 1 free: nothing fits although 2 are free in total.
    expect(computeFits(gpuSpec("2"), nodes, pods, []).reason).toBe(
      "fits 0×: 2 of 8 nvidia.com/gpu free; needs 2 per pod, at most 1 free on one node",
    );
  });

  it("applies the namespace quota", () => {
    const quota: V1ResourceQuota = {
      status: {
        hard: { "requests.nvidia.com/gpu": "4", pods: "10" },
        used: { "requests.nvidia.com/gpu": "1", pods: "2" },
      },
    };
    const result = computeFits(gpuSpec("1"), nodes, [], [quota]);
    expect(result).toMatchObject({ fits: 3, nodeFits: 8, quotaAllows: 3 });
    expect(result.reason).toBe("fits 3×: 8 of 8 nvidia.com/gpu free; quota allows 3 (requests.nvidia.com/gpu)");
    expect(
      quotaAllowance(gpuSpec("1"), [
        { status: { hard: { "requests.memory": "1536Mi", "limits.memory": "8Gi" }, used: {} } },
      ]),
    ).toEqual({ allows: 1, key: "requests.memory" });
  });

  it("skips nodes whose taints, selector or readiness refuse the pod, and says why", () => {
    const noToleration: V1PodSpec = {
      containers: [
        { name: "main", resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } } },
      ],
    };
    // The GPUs sit on tainted nodes: say so, not "0 of 0 free".
    expect(computeFits(noToleration, nodes, [], []).reason).toBe(
      "fits 0×: 8 nvidia.com/gpu on 2 nodes tainted nvidia.com/gpu=present:NoSchedule: this config does not tolerate it",
    );
    const onlyGpuNodes = { ...noToleration, nodeSelector: { "nvidia.com/gpu.present": "true" } };
    expect(computeFits(onlyGpuNodes, nodes, [], []).reason).toBe(
      "fits 0×: 8 nvidia.com/gpu on 2 nodes tainted nvidia.com/gpu=present:NoSchedule: this config does not tolerate it; 1 node not matching the node selector/affinity",
    );
    const h100 = { ...gpuSpec("1"), nodeSelector: { "nvidia.com/gpu.product": "H100" } };
    const quota: V1ResourceQuota = {
      metadata: { name: "q" },
      status: { hard: { "requests.nvidia.com/gpu": "4" }, used: { "requests.nvidia.com/gpu": "4" } },
    };
    expect(computeFits(h100, nodes, [], [quota]).reason).toBe(
      "fits 0×: 8 nvidia.com/gpu on 3 nodes not matching the node selector/affinity; quota allows 0 (requests.nvidia.com/gpu)",
    );
    expect(
      nodeRefusal(node("n", { cpu: "1" }, { status: { conditions: [{ type: "Ready", status: "False" }] } }), {
        containers: [],
      }),
    ).toBe("not ready");
    const affinity: V1PodSpec = {
      containers: [],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["cpu-1"] }] },
            ],
          },
        },
      },
    };
    expect(nodes.map((candidate) => nodeRefusal(candidate, affinity) ?? "ok")).toEqual([
      "ok",
      "tainted nvidia.com/gpu=present:NoSchedule",
      "tainted nvidia.com/gpu=present:NoSchedule",
    ]);
  });

  it("matches node selector terms as the scheduler does: by node name through matchFields, never by an empty term", () => {
    const required = (term: object): V1PodSpec => ({
      containers: [],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } },
    });
    const byName = required({ matchFields: [{ key: "metadata.name", operator: "In", values: ["cpu-1"] }] });
    expect(nodeRefusal(nodes[0], byName)).toBeUndefined();
    expect(nodeRefusal(node("cpu-2", { cpu: "16" }), byName)).toBe("not matching the node selector/affinity");
    expect(nodeRefusal(nodes[0], required({}))).toBe("not matching the node selector/affinity");
  });

  it("reports the scarcest resource for CPU-only pods and respects the pod count", () => {
    const spec: V1PodSpec = { containers: [{ name: "main", resources: { requests: { cpu: "4", memory: "1Gi" } } }] };
    expect(computeFits(spec, [nodes[0]], [pod("cpu-1", { cpu: "6" })], []).reason).toBe("fits 2×: 10 of 16 cpu free");
    expect(computeFits(spec, [node("tiny", { cpu: "16", memory: "64Gi", pods: "1" })], [], []).fits).toBe(1);
    expect(
      podRequests({
        containers: [
          { name: "a", resources: { limits: { cpu: "2" } } },
          { name: "b", resources: { requests: { cpu: "500m" } } },
        ],
      }).get("cpu"),
    ).toBe(2_500_000_000n);
  });
});

describe("neverFitsProblems", () => {
  const quota = (hard: Record<string, string>, extra: Partial<V1ResourceQuota["spec"]> = {}): V1ResourceQuota => ({
    metadata: { name: "team", namespace: "ml" },
    spec: { hard, ...extra },
    status: { hard, used: { "requests.nvidia.com/gpu": "2" } },
  });

  it("refuses a request over the quota's hard limit, whatever is in use", () => {
    expect(neverFitsProblems(gpuSpec("4"), nodes, [quota({ "requests.nvidia.com/gpu": "2" })])).toEqual([
      "the pod asks 4 nvidia.com/gpu, but quota team of namespace ml allows at most 2 (requests.nvidia.com/gpu)",
    ]);
    // At the limit it may start once others finish; a scoped quota may not apply to this pod.
    expect(neverFitsProblems(gpuSpec("2"), nodes, [quota({ "requests.nvidia.com/gpu": "2" })])).toEqual([]);
    expect(
      neverFitsProblems(gpuSpec("4"), nodes, [
        quota({ "requests.nvidia.com/gpu": "2" }, { scopes: ["NotBestEffort"] }),
      ]),
    ).toEqual([]);
    expect(neverFitsProblems(gpuSpec("1"), nodes, [quota({ pods: "0" })])).toEqual([
      "the pod asks 1 pod, but quota team of namespace ml allows at most 0 (pods)",
    ]);
  });

  it("refuses a request larger than every admitting node's allocatable, naming the largest", () => {
    expect(neverFitsProblems(gpuSpec("5"), nodes, [])).toEqual([
      "no node has 5 nvidia.com/gpu allocatable (largest: 4 on gpu-1)",
    ]);
    // Busy nodes do not matter: allocatable, not free.
    expect(neverFitsProblems(gpuSpec("4"), nodes, [])).toEqual([]);
    const big: V1PodSpec = { containers: [{ name: "main", resources: { requests: { cpu: "60", memory: "600Gi" } } }] };
    expect(neverFitsProblems(big, nodes, [])).toEqual([
      "no node has 60 cpu allocatable (largest: 16 on cpu-1); 128 cpu on 2 nodes tainted nvidia.com/gpu=present:NoSchedule: this config does not tolerate it",
    ]);
    expect(neverFitsProblems({ ...big, tolerations: gpuSpec("1").tolerations }, nodes, [])).toEqual([
      "no node has 600Gi memory allocatable (largest: 512Gi on gpu-1)",
    ]);
    const both: V1PodSpec = {
      ...gpuSpec("1"),
      containers: [
        {
          name: "main",
          resources: { requests: { cpu: "20", "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
        },
      ],
    };
    expect(
      neverFitsProblems(
        both,
        [
          node("gpu-small", { cpu: "8", "nvidia.com/gpu": "4" }),
          node("cpu-big", { cpu: "64" }, { spec: { taints: [gpuTaint] } }),
        ],
        [],
      ),
    ).toEqual(["no node has 20 cpu and 1 nvidia.com/gpu allocatable together"]);
  });

  it("counts taints and selectors as permanent, readiness and cordons as passing", () => {
    const noToleration: V1PodSpec = {
      containers: [
        { name: "main", resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } } },
      ],
    };
    expect(neverFitsProblems(noToleration, nodes, [])).toEqual([
      "no node it may use has nvidia.com/gpu; 8 nvidia.com/gpu on 2 nodes tainted nvidia.com/gpu=present:NoSchedule: this config does not tolerate it",
    ]);
    const cordoned = nodes.map((candidate) => ({
      ...candidate,
      spec: {
        ...candidate.spec,
        unschedulable: true,
        taints: [...(candidate.spec?.taints ?? []), { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
      },
    }));
    expect(neverFitsProblems(gpuSpec("1"), cordoned, [])).toEqual([]);
    expect(
      neverFitsProblems({ ...gpuSpec("1"), nodeSelector: { "nvidia.com/gpu.product": "H100" } }, nodes, []),
    ).toEqual(["no node admits it: 8 nvidia.com/gpu on 3 nodes not matching the node selector/affinity"]);
    // Without nodes (an autoscaler may add them) nothing is judged.
    expect(neverFitsProblems(gpuSpec("64"), [], [])).toEqual([]);
  });
});
