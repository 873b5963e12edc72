import { describe, expect, it } from "vitest";

import { NOT_FROM_BERTH, type GpuNode } from "@/lib/dashboard/aggregate";

import { podHref } from "./links";
import type { ClusterDashboard } from "./types";
import {
  capRows,
  cpusOf,
  forFirstPaint,
  formatCount,
  inNameOrder,
  nodeSlots,
  nodesToDraw,
  orderBreakdown,
  QUOTA_LIMIT,
  quotaCounts,
  readableBytes,
  readableQuantity,
} from "./view-model";

const row = (key: string, running: number, pending = 0, gpus = 0) => ({ key, running, pending, gpus });
const holder = (name: string, gpus: number) => ({
  namespace: "ml",
  name,
  run: null,
  project: "vision",
  user: "ana",
  gpus,
});
const node = (name: string, allocatable: number, pods: ReturnType<typeof holder>[]): GpuNode => ({
  node: name,
  allocatable,
  requested: pods.reduce((sum, pod) => sum + pod.gpus, 0),
  pods,
});

describe("dashboard view model", () => {
  it("cuts each cluster's quotas for the first paint and keeps their counts", () => {
    const quota = (index: number) => ({
      namespace: `ns-${index}`,
      name: "q",
      hard: {},
      used: {},
      pressure: 1 - index / 100,
      pressureResource: "pods",
      warning: index < 3,
      policy: null,
      projects: [],
      resources: [],
    });
    const cluster = {
      id: 1,
      name: "big",
      quotas: Array.from({ length: 40 }, (_, index) => quota(index)),
    } as unknown as ClusterDashboard;
    const [painted] = forFirstPaint({
      clusters: [cluster],
      dockerHosts: [],
      generatedAt: "2026-12-05T00:00:00Z",
    }).clusters;
    expect(painted.quotas).toEqual(cluster.quotas.slice(0, QUOTA_LIMIT));
    expect(quotaCounts(painted)).toEqual({ count: 40, warnings: 3 });
    expect(quotaCounts(cluster)).toEqual({ count: 40, warnings: 3 });
  });

  it("orders a breakdown busiest first with the pods not from Berth last", () => {
    const rows = [row(NOT_FROM_BERTH, 50), row("vision", 2, 1), row("churn", 3), row("audio", 3)];
    expect(orderBreakdown(rows).map((r) => r.key)).toEqual(["audio", "churn", "vision", NOT_FROM_BERTH]);
  });

  it("caps a breakdown and sums what it leaves out", () => {
    const rows = [row("a", 5, 0, 1), row("b", 4, 1, 2), row("c", 3, 2, 0)];
    expect(capRows(rows, 3)).toEqual({ shown: rows, rest: null });
    expect(capRows(rows, 1)).toEqual({ shown: [rows[0]], rest: { count: 2, running: 7, pending: 3, gpus: 2 } });
  });

  it("fills a node's GPU slots with its holders in order, the rest free", () => {
    const slots = nodeSlots(node("gpu-1", 4, [holder("a", 1), holder("b", 2)]));
    expect(slots.map((slot) => slot?.name ?? null)).toEqual(["a", "b", "b", null]);
    // Over-committed: every held GPU is still drawn.
    expect(nodeSlots(node("gpu-2", 1, [holder("c", 2)]))).toHaveLength(2);
  });

  it("draws the busiest nodes when there are more than fit", () => {
    const nodes = [
      node("n1", 4, []),
      node("n2", 4, [holder("a", 3)]),
      node("n3", 4, [holder("b", 1)]),
      node("n0", 4, [holder("c", 1)]),
    ];
    expect(nodesToDraw(nodes, 10).map((n) => n.node)).toEqual(["n0", "n1", "n2", "n3"]);
    expect(nodesToDraw(nodes, 3).map((n) => n.node)).toEqual(["n0", "n2", "n3"]);
  });

  it("orders node names naturally", () => {
    const nodes = ["gpu-10", "gpu-2", "gpu-1"].map((name) => node(name, 8, []));
    expect(nodesToDraw(nodes, 64).map((n) => n.node)).toEqual(["gpu-1", "gpu-2", "gpu-10"]);
  });

  it("drills down to the run when the pod has one, else to the cluster's pod page", () => {
    expect(podHref(3, { namespace: "ml", name: "p-0", run: "r_abc", project: null, user: null })).toBe("/runs/r_abc");
    expect(podHref(3, { namespace: "kube-system", name: "dns", run: null, project: null, user: null })).toBe(
      "/clusters/3/pods/kube-system/dns",
    );
  });

  it("writes quota amounts for reading: memory in Gi/Mi, CPU in cores, counts as given", () => {
    expect(readableQuantity("requests.memory", "244352Mi")).toBe("238.6Gi");
    expect(readableQuantity("limits.memory", "512Mi")).toBe("512Mi");
    expect(readableQuantity("requests.storage", "1Ti")).toBe("1024Gi");
    expect(readableQuantity("requests.cpu", "58450m")).toBe("58.5");
    expect(readableQuantity("cpu", "4")).toBe("4");
    expect(readableQuantity("pods", "100")).toBe("100");
    expect(readableQuantity("requests.nvidia.com/gpu", "6")).toBe("6");
    expect(readableQuantity("requests.memory", "lots")).toBe("lots");
  });
});

describe("counts and names as people read them", () => {
  it("shows thousands separators", () => {
    expect(formatCount(99_999)).toBe("99,999");
    expect(formatCount(1_000_000)).toBe("1,000,000");
    expect(formatCount(7)).toBe("7");
  });

  it("orders names naturally: fleet-2 before fleet-10", () => {
    const names = ["fleet-10", "fleet-2", "embedded", "fleet-1"].map((name) => ({ name }));
    expect(inNameOrder(names).map((entry) => entry.name)).toEqual(["embedded", "fleet-1", "fleet-2", "fleet-10"]);
  });

  it("reads Docker limits in CPUs and Gi/Mi", () => {
    expect(cpusOf(1_500_000_000)).toBe("1.5");
    expect(readableBytes(2 ** 30)).toBe("1Gi");
    expect(readableBytes(512 * 2 ** 20)).toBe("512Mi");
  });
});
