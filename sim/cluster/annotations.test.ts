import { describe, expect, it } from "vitest";

import { imageCannotBePulled, parseDuration, parseInitExitCodes, parseRange, podBehaviour } from "./annotations";
import type { Pod } from "./model";

describe("annotation parsing", () => {
  it("reads durations", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("2")).toBe(2000);
    expect(parseDuration("soon")).toBeUndefined();
  });

  it("reads init container exit codes by name, or a bare code for the first init container that is not a sidecar", () => {
    const pod = {
      metadata: { name: "p", namespace: "n", uid: "u" },
      spec: {
        initContainers: [{ name: "proxy", restartPolicy: "Always" }, { name: "istio-init" }, { name: "setup" }],
        containers: [],
      },
    } as unknown as Pod;
    expect([...parseInitExitCodes("istio-init=1, setup=2", pod)]).toEqual([
      ["istio-init", 1],
      ["setup", 2],
    ]);
    expect([...parseInitExitCodes("3", pod)]).toEqual([["istio-init", 3]]);
    expect([...parseInitExitCodes("nonsense", pod)]).toEqual([]);
    expect([...parseInitExitCodes(undefined, pod)]).toEqual([]);
  });

  it("reads ranges of numbers and quantities", () => {
    expect(parseRange("60-95", false)).toEqual({ min: 60, max: 95 });
    expect(parseRange("80%", false)).toEqual({ min: 80, max: 80 });
    expect(parseRange("500m", true)).toEqual({ min: 0.5, max: 0.5 });
    expect(parseRange("1Gi-2Gi", true)).toEqual({ min: 1024 ** 3, max: 2 * 1024 ** 3 });
    expect(parseRange("lots", true)).toBeUndefined();
  });

  it("knows which images cannot be pulled", () => {
    expect(imageCannotBePulled("busybox:nonexistent")).toBe(true);
    expect(imageCannotBePulled("registry:5000/app:does-not-exist")).toBe(true);
    expect(imageCannotBePulled("registry:5000/app")).toBe(false);
  });

  it("builds a behaviour with defaults", () => {
    const pod: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "p",
        namespace: "n",
        uid: "u",
        annotations: {
          "sim.berth.dev/duration": "2s",
          "sim.berth.dev/exit-code": "3",
          "sim.berth.dev/log-lines": "a\nb",
        },
      },
      spec: { containers: [{ name: "c", image: "x:1" }] },
    };
    expect(podBehaviour(pod)).toMatchObject({
      durationMs: 2000,
      exitCode: 3,
      oom: false,
      imagePullFails: false,
      logLines: ["a", "b"],
      startDelayMs: 500,
      shutdownMs: 1000,
    });
  });

  it("reads the Kaniko build annotations (a bare step-ms is milliseconds)", () => {
    const pod = (annotations: Record<string, string>): Pod => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "n", uid: "u", annotations },
      spec: { containers: [] },
    });
    expect(
      podBehaviour(pod({ "sim.berth.dev/step-ms": "250", "sim.berth.dev/fail-run": "pip install" })),
    ).toMatchObject({ stepMs: 250, failRun: "pip install" });
    expect(podBehaviour(pod({ "sim.berth.dev/step-ms": "1s" })).stepMs).toBe(1000);
    expect(podBehaviour(pod({})).stepMs).toBeUndefined();
    expect(podBehaviour(pod({ "sim.berth.dev/fail-run": "" })).failRun).toBeUndefined();
  });
});
