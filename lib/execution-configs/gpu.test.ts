import { describe, expect, it } from "vitest";

import { fieldErrorsFrom } from "@/lib/validation";

import { configGpuCount, gpuNodeFacts, gpuTaintWarnings } from "./gpu";
import { buildPod } from "./pod";
import { createExecutionConfigSchema } from "./schema";

const base = { name: "gpu", image: "team/pytorch:2.3", namespace: "ml" };
const run = { user: "ana", project: "churn", activity: "python-recipe", runId: "r1" };
const errorsOf = (input: Record<string, unknown>) => {
  const parsed = createExecutionConfigSchema.safeParse({ ...base, ...input });
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
};
const gpuNode = (
  name: string,
  gpus: string,
  product: string,
  taints = [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }],
) => ({
  name,
  labels: { "nvidia.com/gpu.product": product },
  allocatable: { "nvidia.com/gpu": gpus },
  taints,
});

describe("the GPU field of an execution config", () => {
  it("defaults to no GPUs and keeps configs that ask for nvidia.com/gpu in resources", () => {
    expect(createExecutionConfigSchema.parse(base).gpu).toEqual({
      count: 0,
      type: "",
      tolerationKey: "nvidia.com/gpu",
    });
    const legacy = createExecutionConfigSchema.parse({
      ...base,
      resources: { limits: { "nvidia.com/gpu": "2" }, requests: { "nvidia.com/gpu": "2" } },
    });
    expect(configGpuCount(legacy)).toBe(2);
    expect(configGpuCount(createExecutionConfigSchema.parse({ ...base, gpu: { count: 3 } }))).toBe(3);
    // A config saved before the field existed has none.
    expect(configGpuCount({ resources: { requests: {}, limits: { "nvidia.com/gpu": "1" } } })).toBe(1);
  });

  it("refuses a type without a count, GPUs set twice, a type against the node selector, and a bad toleration key", () => {
    expect(errorsOf({ gpu: { count: 0, type: "NVIDIA-A100-SXM4-40GB" } })).toEqual({
      "gpu.type": ["choose how many GPUs before their type"],
    });
    expect(
      errorsOf({
        gpu: { count: 1 },
        resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
      }),
    ).toEqual({
      "gpu.count": ["GPUs are also asked in resources (nvidia.com/gpu): set them in one place"],
    });
    expect(errorsOf({ gpu: { count: 1, type: "A" }, nodeSelector: { "nvidia.com/gpu.product": "B" } })).toEqual({
      "gpu.type": ["differs from the node selector nvidia.com/gpu.product=B"],
    });
    expect(errorsOf({ gpu: { count: -1, tolerationKey: "bad key" } })).toMatchObject({
      "gpu.count": [expect.any(String)],
      "gpu.tolerationKey": [expect.stringContaining("key")],
    });
  });

  it("asks the GPUs, selects the type and tolerates the GPU taint in the pod", () => {
    const config = {
      ...createExecutionConfigSchema.parse({
        ...base,
        gpu: { count: 2, type: "NVIDIA-A100-SXM4-40GB" },
        resources: { requests: { cpu: "1" } },
      }),
      version: 1,
    };
    const spec = buildPod(config, run).spec!;
    expect(spec.containers[0].resources).toEqual({
      requests: { cpu: "1", "nvidia.com/gpu": "2" },
      limits: { "nvidia.com/gpu": "2" },
    });
    expect(spec.nodeSelector).toEqual({ "nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB" });
    expect(spec.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    // A config asking GPUs in resources gets the toleration too; one that already tolerates it, no second.
    const legacy = {
      ...createExecutionConfigSchema.parse({
        ...base,
        resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
      }),
      version: 1,
    };
    expect(buildPod(legacy, run).spec!.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
    const tolerant = {
      ...legacy,
      tolerations: [{ key: "", operator: "Exists" as const, value: "", effect: "" as const }],
    };
    expect(buildPod(tolerant, run).spec!.tolerations).toEqual([{ operator: "Exists" }]);
    // Without GPUs, or with the key cleared, nothing is added.
    expect(
      buildPod({ ...legacy, gpu: { count: 0, type: "", tolerationKey: "" } }, run).spec!.tolerations,
    ).toBeUndefined();
    expect(buildPod({ ...createExecutionConfigSchema.parse(base), version: 1 }, run).spec!.tolerations).toBeUndefined();
  });

  it("warns when the GPU nodes' taints are not tolerated, and lists the GPU types", () => {
    const facts = gpuNodeFacts([
      gpuNode("g1", "4", "A100"),
      gpuNode("g2", "4", "H100"),
      { name: "c1", labels: {}, allocatable: {}, taints: [] },
    ]);
    expect(facts.types).toEqual(["A100", "H100"]);
    const config = createExecutionConfigSchema.parse({ ...base, gpu: { count: 1 } });
    expect(gpuTaintWarnings(config, facts)).toEqual([]);
    expect(gpuTaintWarnings({ ...config, gpu: { ...config.gpu, tolerationKey: "gpu" } }, facts)).toEqual([
      "8 GPUs on 2 nodes tainted nvidia.com/gpu=present:NoSchedule: this config does not tolerate it (set the GPU toleration key to nvidia.com/gpu)",
    ]);
    expect(
      gpuTaintWarnings(
        { ...config, gpu: { ...config.gpu, type: "H100" } },
        gpuNodeFacts([gpuNode("g2", "4", "H100", [{ key: "dedicated", value: "ml", effect: "NoSchedule" }])]),
      ),
    ).toEqual([
      "4 GPUs on 1 node tainted dedicated=ml:NoSchedule: this config does not tolerate it (add a toleration dedicated=ml:NoSchedule)",
    ]);
    expect(gpuTaintWarnings(createExecutionConfigSchema.parse(base), facts)).toEqual([]);
  });
});
