import { describe, expect, it } from "vitest";

import { containerCreateBody } from "./container-body";

describe("containerCreateBody", () => {
  it("maps every field to the Engine API ContainerCreate body", () => {
    const body = containerCreateBody({
      image: "registry.local/python:3.12",
      command: ["python3", "-c", "print('hi')"],
      env: { B: "2", A: "x=y" },
      workingDir: "/work",
      nanoCpus: 1_500_000_000,
      memoryBytes: 512 * 1024 * 1024,
      gpus: { count: 2, driver: "nvidia" },
      labels: { "berth.dev/run": "r1", "app.kubernetes.io/managed-by": "berth" },
    });
    expect(body).toEqual({
      Image: "registry.local/python:3.12",
      Cmd: ["python3", "-c", "print('hi')"],
      Env: ["A=x=y", "B=2"],
      WorkingDir: "/work",
      Labels: { "app.kubernetes.io/managed-by": "berth", "berth.dev/run": "r1" },
      HostConfig: {
        NanoCpus: 1_500_000_000,
        Memory: 536_870_912,
        MemorySwap: 536_870_912,
        DeviceRequests: [{ Driver: "nvidia", Count: 2, Capabilities: [["gpu"]] }],
      },
    });
  });

  it("spells all GPUs as Count -1", () => {
    const body = containerCreateBody({
      image: "i",
      command: [],
      env: {},
      labels: {},
      gpus: { count: "all", driver: "nvidia" },
    });
    expect(body.HostConfig.DeviceRequests).toEqual([{ Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }]);
  });

  it("leaves out limits, GPUs and working dir that were not asked for", () => {
    const body = containerCreateBody({ image: "i", command: ["true"], env: {}, labels: {} });
    expect(body).toEqual({ Image: "i", Cmd: ["true"], Env: [], Labels: {}, HostConfig: {} });
  });

  it("keeps env values verbatim, including newlines and shell metacharacters", () => {
    const body = containerCreateBody({ image: "i", command: [], env: { X: "$(rm -rf /)\n;`x`" }, labels: {} });
    expect(body.Env).toEqual(["X=$(rm -rf /)\n;`x`"]);
  });
});
