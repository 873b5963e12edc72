import { describe, expect, it } from "vitest";

import { isSimulatedCluster } from "./simulated";

describe("isSimulatedCluster", () => {
  it("knows the simulator by the version it reports, wherever it was registered", () => {
    expect(isSimulatedCluster({ embedded: false, kubernetesVersion: "v1.33.0-berth-sim" })).toBe(true);
  });

  it("counts the embedded cluster as simulated even before its version is known (the real control plane's nodes are kwok's)", () => {
    expect(isSimulatedCluster({ embedded: true, kubernetesVersion: null })).toBe(true);
    expect(isSimulatedCluster({ embedded: true, kubernetesVersion: "v1.37.2" })).toBe(true);
  });

  it("does not call a real cluster simulated", () => {
    expect(isSimulatedCluster({ embedded: false, kubernetesVersion: "v1.31.4-eks-2d5f260" })).toBe(false);
    expect(isSimulatedCluster({ embedded: false, kubernetesVersion: null })).toBe(false);
  });
});
