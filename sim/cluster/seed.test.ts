/** The demo seed: running pods spread over namespaces, GPU trainers on GPU nodes, and optional quotas. */
import { afterEach, describe, expect, it } from "vitest";

import type { KubeObject } from "../contract";
import { startSimulator, type RunningSimulator } from "../server/index";
import { eventually } from "../server/testing/http-client";

const SEED = { nodes: 20, gpuNodes: 2, gpusPerNode: 4, pods: 300, namespaces: 5, seed: 3 };
let sims: RunningSimulator[] = [];

afterEach(async () => {
  await Promise.all(sims.map((sim) => sim.stop()));
  sims = [];
});

async function seeded(quotas: boolean): Promise<RunningSimulator> {
  const sim = await startSimulator({ seed: { ...SEED, quotas } });
  sims.push(sim);
  return sim;
}

const names = (objects: KubeObject[]) => objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();

describe("demo seed", () => {
  it("places every pod running, GPU trainers on GPU nodes", async () => {
    const sim = await seeded(false);
    const pods = sim.store.list("pods");
    expect(pods).toHaveLength(SEED.pods);
    expect(new Set(pods.map((p) => p.metadata.namespace))).toEqual(
      new Set(["demo-1", "demo-2", "demo-3", "demo-4", "demo-5"]),
    );
    expect(pods.every((p) => (p.status as { phase?: string }).phase === "Running")).toBe(true);
    const trainers = pods.filter((p) => p.metadata.labels?.app === "trainer");
    expect(trainers.length).toBeGreaterThan(0);
    expect(trainers.every((p) => String((p.spec as { nodeName?: string }).nodeName).startsWith("sim-gpu-"))).toBe(true);
    expect(sim.store.list("resourcequotas")).toEqual([]);
  });

  it("with quotas: one quota per namespace above its use, and the same pods as without", async () => {
    const sim = await seeded(true);
    const plain = await seeded(false);
    expect(names(sim.store.list("pods"))).toEqual(names(plain.store.list("pods")));

    const quotas = await eventually(
      () => {
        const list = sim.store.list("resourcequotas");
        return (
          list.length === SEED.namespaces &&
          list.every((q) => (q.status as { used?: object } | undefined)?.used) &&
          list
        );
      },
      5000,
      "quota status",
    );
    for (const quota of quotas) {
      const { hard, used } = quota.status as { hard: Record<string, string>; used: Record<string, string> };
      expect(Object.keys(hard).sort()).toEqual([
        "count/jobs.batch",
        "pods",
        "requests.cpu",
        "requests.memory",
        "requests.nvidia.com/gpu",
      ]);
      const podsHere = sim.store.list("pods", quota.metadata.namespace).length;
      expect(Number(used.pods)).toBe(podsHere);
      expect(Number(hard.pods)).toBeGreaterThan(podsHere);
      expect(Number(used["requests.nvidia.com/gpu"])).toBeLessThanOrEqual(Number(hard["requests.nvidia.com/gpu"]));
    }
  });
});
