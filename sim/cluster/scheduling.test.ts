import { describe, expect, it } from "vitest";

import type { Node, PodSpec } from "./model";
import {
  chargeNode,
  compilePod,
  feasibleNodesToFind,
  filterNode,
  fitErrorMessage,
  leastAllocatedScore,
  nodeStateOf,
  podRequestAmounts,
  tolerates,
  type NodeState,
} from "./scheduling";

function node(
  name: string,
  allocatable: Record<string, string>,
  extra: Partial<Node> = {},
  labels: Record<string, string> = {},
): NodeState {
  return nodeStateOf({
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, uid: name, labels },
    spec: extra.spec,
    status: { allocatable, conditions: [{ type: "Ready", status: "True" }] },
  });
}

const cpuNode = (name: string) =>
  node(name, { cpu: "4", memory: "8Gi", pods: "110" }, {}, { "kubernetes.io/hostname": name, zone: "a", size: "4" });
const gpuNode = (name: string) =>
  node(
    name,
    { cpu: "32", memory: "128Gi", pods: "110", "nvidia.com/gpu": "4" },
    { spec: { taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] } },
    { "nvidia.com/gpu.present": "true" },
  );

const spec = (resources: Record<string, string>, extra: Partial<PodSpec> = {}): PodSpec => ({
  containers: [{ name: "c", image: "x", resources: { requests: resources, limits: resources } }],
  ...extra,
});

const check = (s: PodSpec, n: NodeState) => filterNode(compilePod(s), n);

describe("filters", () => {
  it("fits requests against allocatable minus what is already requested", () => {
    const n = cpuNode("a");
    expect(check(spec({ cpu: "3", memory: "1Gi" }), n)).toBeUndefined();
    n.requested.set("cpu", 2000);
    expect(check(spec({ cpu: "3" }), n)).toEqual({ reasons: ["Insufficient cpu"], unresolvable: false });
    // More than the node has at all: 1.37's NodeResourcesFit calls it unresolvable (no preemption can help).
    expect(check(spec({ cpu: "5" }), n)).toEqual({ reasons: ["Insufficient cpu"], unresolvable: true });
    expect(check(spec({ cpu: "3", memory: "9Gi" }), n)?.reasons).toEqual(["Insufficient cpu", "Insufficient memory"]);
    expect(check(spec({ "nvidia.com/gpu": "1" }), n)?.reasons).toEqual(["Insufficient nvidia.com/gpu"]);
    n.podCount = 110;
    expect(check(spec({}), n)?.reasons).toEqual(["Too many pods"]);
  });

  it("reports untolerated taints in the 1.37 wording and honours tolerations", () => {
    const g = gpuNode("g");
    expect(check(spec({ "nvidia.com/gpu": "1" }), g)).toEqual({
      reasons: ["node(s) had untolerated taint(s)"],
      unresolvable: true,
    });
    const tolerant = spec(
      { "nvidia.com/gpu": "1" },
      { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] },
    );
    expect(check(tolerant, g)).toBeUndefined();
    expect(tolerates({ operator: "Exists" }, { key: "k", effect: "NoExecute" })).toBe(true);
    expect(tolerates({ key: "k", operator: "Equal", value: "v" }, { key: "k", value: "w", effect: "NoSchedule" })).toBe(
      false,
    );
    expect(
      tolerates({ key: "k", value: "v", effect: "NoExecute" }, { key: "k", value: "v", effect: "NoSchedule" }),
    ).toBe(false);
  });

  it("treats cordoned and not-ready nodes like upstream", () => {
    const cordoned = node("c", { cpu: "4", pods: "10" }, { spec: { unschedulable: true } });
    expect(check(spec({}), cordoned)).toEqual({ reasons: ["node(s) were unschedulable"], unresolvable: true });
    const notReady = nodeStateOf({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n", uid: "n" },
      status: { allocatable: { pods: "10" }, conditions: [{ type: "Ready", status: "False" }] },
    });
    expect(check(spec({}), notReady)?.reasons).toEqual(["node(s) had untolerated taint(s)"]);
  });

  it("filters by nodeSelector and required node affinity (the operators: packages/node-selection)", () => {
    const n = cpuNode("node-a");
    const required = (term: object): PodSpec => ({
      containers: [],
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term as never] } },
      },
    });
    const mismatch = { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
    expect(check({ containers: [], nodeSelector: { zone: "a" } }, n)).toBeUndefined();
    expect(check({ containers: [], nodeSelector: { zone: "b" } }, n)).toEqual(mismatch);
    expect(check(required({ matchExpressions: [{ key: "size", operator: "Gt", values: ["2"] }] }), n)).toBeUndefined();
    expect(
      check(required({ matchFields: [{ key: "metadata.name", operator: "NotIn", values: ["node-a"] }] }), n),
    ).toEqual(mismatch);
  });
});

describe("FitError message", () => {
  it("builds the sorted histogram and the preemption part", () => {
    const nodes = [gpuNode("g1"), gpuNode("g2"), cpuNode("c1"), cpuNode("c2"), cpuNode("c3"), cpuNode("c4")];
    const pod = spec(
      { "nvidia.com/gpu": "8" },
      {
        tolerations: [{ key: "nvidia.com/gpu", operator: "Exists" }],
        nodeSelector: { "nvidia.com/gpu.present": "true" },
      },
    );
    const failures = nodes.map((n) => check(pod, n)!);
    expect(fitErrorMessage(6, failures)).toBe(
      "0/6 nodes are available: 2 Insufficient nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector. preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling.",
    );
    const fitsAlone = spec({ cpu: "3" });
    const full = cpuNode("full");
    full.requested.set("cpu", 2000);
    expect(fitErrorMessage(2, [check(fitsAlone, full)!, check(fitsAlone, gpuNode("g"))!])).toBe(
      "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s). preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
    );
    expect(fitErrorMessage(0, [])).toBe("no nodes available to schedule pods");
  });

  it("sorts counts as strings, like upstream", () => {
    const failures = [...Array(10)]
      .map(() => ({ reasons: ["Insufficient cpu"], unresolvable: false }))
      .concat([
        { reasons: ["node(s) were unschedulable"], unresolvable: true },
        { reasons: ["node(s) were unschedulable"], unresolvable: true },
      ]);
    expect(fitErrorMessage(12, failures)).toBe(
      "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were unschedulable. preemption: 0/12 nodes are available: 10 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
  });
});

describe("scoring and search breadth", () => {
  it("prefers the least allocated node", () => {
    const busy = cpuNode("busy");
    chargeNode(busy, podRequestAmounts(spec({ cpu: "3" })), 1);
    const idle = cpuNode("idle");
    const requests = podRequestAmounts(spec({ cpu: "500m", memory: "1Gi" }));
    expect(leastAllocatedScore(requests, idle)).toBeGreaterThan(leastAllocatedScore(requests, busy));
  });

  it("spreads request-less pods by counting upstream's non-zero defaults", () => {
    const a = cpuNode("a");
    const b = cpuNode("b");
    const none = podRequestAmounts({ containers: [{ name: "c", image: "x" }] });
    chargeNode(a, none, 1);
    expect(a.requested.size).toBe(0);
    expect(leastAllocatedScore(none, b)).toBeGreaterThan(leastAllocatedScore(none, a));
    chargeNode(a, none, -1);
    expect(leastAllocatedScore(none, b)).toBe(leastAllocatedScore(none, a));
  });

  it("scores a share of large clusters as percentageOfNodesToScore does", () => {
    expect(feasibleNodesToFind(50)).toBe(50);
    expect(feasibleNodesToFind(500)).toBe(230);
    expect(feasibleNodesToFind(5000)).toBe(500);
  });
});
