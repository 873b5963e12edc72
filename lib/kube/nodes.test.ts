import type { V1Node, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import { formatAllocation, nodeAllocations } from "./nodes";

const node = (name: string, allocatable: Record<string, string>): V1Node => ({
  metadata: { name },
  status: { allocatable },
});
const pod = (
  nodeName: string | undefined,
  requests: Record<string, string>,
  phase = "Running",
  limits: Record<string, string> = {},
): V1Pod => ({
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: "c", resources: { requests, limits } }] },
  status: { phase },
});

describe("nodeAllocations", () => {
  it("sums the requests of non-terminated pods bound to each node against its allocatable", () => {
    const nodes = [
      node("gpu-1", { cpu: "64", memory: "512Gi", "nvidia.com/gpu": "4", pods: "110" }),
      node("cpu-1", { cpu: "16", memory: "64Gi" }),
    ];
    const pods = [
      pod("gpu-1", { cpu: "1500m", memory: "1Gi" }, "Running", { "nvidia.com/gpu": "2" }),
      pod("gpu-1", { cpu: "500m", memory: "512Mi", "nvidia.com/gpu": "1" }, "Pending", { "nvidia.com/gpu": "1" }),
      // Finished pods hold nothing; unscheduled ones are on no node yet.
      pod("gpu-1", { cpu: "8" }, "Succeeded"),
      pod("gpu-1", { cpu: "8" }, "Failed"),
      pod(undefined, { cpu: "8" }, "Pending"),
    ];
    const allocations = nodeAllocations(nodes, pods);
    expect(allocations["gpu-1"]).toEqual({
      cpu: { allocated: 2, allocatable: 64 },
      memory: { allocated: 1.5 * 2 ** 30, allocatable: 512 * 2 ** 30 },
      gpu: { allocated: 3, allocatable: 4 },
      pods: 2,
    });
    expect(allocations["cpu-1"]).toEqual({
      cpu: { allocated: 0, allocatable: 16 },
      memory: { allocated: 0, allocatable: 64 * 2 ** 30 },
      gpu: { allocated: 0, allocatable: 0 },
      pods: 0,
    });
  });

  it("writes an allocation for people", () => {
    expect(formatAllocation("cpu", { allocated: 2.25, allocatable: 64 })).toBe("2.25 / 64 (4%)");
    expect(formatAllocation("memory", { allocated: 1.5 * 2 ** 30, allocatable: 512 * 2 ** 30 })).toBe(
      "1.5 / 512 Gi (0%)",
    );
    expect(formatAllocation("gpu", { allocated: 3, allocatable: 4 })).toBe("3 / 4 (75%)");
    expect(formatAllocation("gpu", { allocated: 0, allocatable: 0 })).toBe("—");
  });
});
