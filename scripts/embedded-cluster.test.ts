import { describe, expect, it } from "vitest";

import { embeddedClusterCommand, embeddedClusterMode } from "./embedded-cluster";

describe("embeddedClusterMode", () => {
  it("is the simulator when unset or on, so trying Berth needs no Go", () => {
    expect(embeddedClusterMode(undefined)).toBe("simulator");
    expect(embeddedClusterMode("")).toBe("simulator");
    expect(embeddedClusterMode("on")).toBe("simulator");
  });

  it("selects the real control plane or none", () => {
    expect(embeddedClusterMode("real")).toBe("real");
    expect(embeddedClusterMode(" REAL ")).toBe("real");
    expect(embeddedClusterMode("off")).toBe("off");
  });

  it("refuses an unknown value instead of quietly starting the simulator", () => {
    expect(() => embeddedClusterMode("kind")).toThrow(/"on".*"real".*"off"; got "kind"/);
  });
});

describe("embeddedClusterCommand", () => {
  const options = { root: "/app", dataDir: "/data", kubeconfig: "/data/embedded-kubeconfig.yaml", port: undefined };

  it("starts the simulator with its state file, a finite run time for unscripted runs, and no build step", () => {
    const command = embeddedClusterCommand("simulator", options);
    expect(command.args).toEqual([
      "--import",
      "tsx",
      "/app/sim/main.ts",
      "--port",
      "0",
      "--kubeconfig",
      "/data/embedded-kubeconfig.yaml",
      "--nodes",
      "4",
      "--gpu-nodes",
      "2",
      "--gpus-per-node",
      "4",
      "--state",
      "/data/embedded-cluster-state.json",
      "--default-run-seconds",
      "60",
    ]);
    expect(command.prepareArgs).toBeNull();
  });

  it("starts the real control plane on the same kubeconfig and node shape, building its binaries first", () => {
    const command = embeddedClusterCommand("real", { ...options, port: "6443" });
    expect(command.args).toEqual([
      "--import",
      "tsx",
      "/app/scripts/real-cluster.ts",
      "--port",
      "6443",
      "--kubeconfig",
      "/data/embedded-kubeconfig.yaml",
      "--nodes",
      "4",
      "--gpu-nodes",
      "2",
      "--gpus-per-node",
      "4",
    ]);
    expect(command.prepareArgs).toEqual(["--import", "tsx", "/app/scripts/real-cluster.ts", "--prepare-only"]);
    expect(command.readyTimeoutMs).toBeGreaterThan(embeddedClusterCommand("simulator", options).readyTimeoutMs);
  });
});
