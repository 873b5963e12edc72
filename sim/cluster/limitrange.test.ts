import { describe, expect, it } from "vitest";

import {
  aggregate,
  applyLimitRangeDefaults,
  defaultLimitRangeItem,
  limitRangeViolations,
  type LimitRange,
  type LimitRangeItem,
} from "./limitrange";
import type { Pod } from "./model";

const range = (...limits: LimitRangeItem[]): LimitRange => ({
  apiVersion: "v1",
  kind: "LimitRange",
  metadata: { name: "lr" },
  spec: { limits },
});
const pod = (containers: Pod["spec"]["containers"]): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "ns", uid: "u" },
  spec: { containers },
});

describe("LimitRange item defaults", () => {
  it("defaults default from max and defaultRequest from default, then min", () => {
    const item: LimitRangeItem = {
      type: "Container",
      max: { cpu: "2", memory: "1Gi" },
      min: { "ephemeral-storage": "1Gi" },
    };
    defaultLimitRangeItem(item);
    expect(item.default).toEqual({ cpu: "2", memory: "1Gi" });
    expect(item.defaultRequest).toEqual({ cpu: "2", memory: "1Gi", "ephemeral-storage": "1Gi" });
  });

  it("canonicalises quantities", () => {
    const item: LimitRangeItem = { type: "Container", default: { cpu: "0.5" } };
    defaultLimitRangeItem(item);
    expect(item.default).toEqual({ cpu: "500m" });
  });
});

describe("pod defaulting", () => {
  it("fills missing limits and requests and records it in the annotation", () => {
    const p = pod([
      { name: "a", image: "x" },
      { name: "b", image: "x", resources: { requests: { cpu: "50m" }, limits: { cpu: "1" } } },
    ]);
    applyLimitRangeDefaults(p, [
      range({
        type: "Container",
        default: { cpu: "500m", memory: "256Mi" },
        defaultRequest: { cpu: "100m", memory: "128Mi" },
      }),
    ]);
    expect(p.spec.containers[0].resources).toEqual({
      limits: { cpu: "500m", memory: "256Mi" },
      requests: { cpu: "100m", memory: "128Mi" },
    });
    expect(p.spec.containers[1].resources).toEqual({
      limits: { cpu: "1", memory: "256Mi" },
      requests: { cpu: "50m", memory: "128Mi" },
    });
    expect(p.metadata.annotations?.["kubernetes.io/limit-ranger"]).toBe(
      "LimitRanger plugin set: cpu, memory request for container a; cpu, memory limit for container a; memory request for container b; memory limit for container b",
    );
  });
});

describe("validation messages", () => {
  it("reports min, max and ratio violations with upstream wording", () => {
    const p = pod([
      {
        name: "a",
        image: "x",
        resources: { requests: { cpu: "50m", memory: "100Mi" }, limits: { cpu: "4", memory: "100Mi" } },
      },
    ]);
    const violations = limitRangeViolations(p, [
      range({ type: "Container", min: { cpu: "100m" }, max: { cpu: "2" }, maxLimitRequestRatio: { cpu: "2" } }),
    ]);
    expect(violations).toEqual([
      "minimum cpu usage per Container is 100m, but request is 50m",
      "maximum cpu usage per Container is 2, but limit is 4",
      "cpu max limit to request ratio per Container is 2, but provided ratio is 80.000000",
    ]);
    expect(aggregate(violations.slice(0, 1))).toBe("minimum cpu usage per Container is 100m, but request is 50m");
    expect(aggregate(violations.slice(0, 2))).toBe(
      "[minimum cpu usage per Container is 100m, but request is 50m, maximum cpu usage per Container is 2, but limit is 4]",
    );
  });

  it("requires a limit under a max, and checks pod totals for type Pod", () => {
    const p = pod([
      { name: "a", image: "x", resources: { requests: { memory: "1Gi" } } },
      { name: "b", image: "x", resources: { requests: { memory: "1Gi" }, limits: { memory: "1Gi" } } },
    ]);
    expect(limitRangeViolations(p, [range({ type: "Container", max: { memory: "1Gi" } })])).toEqual([
      "maximum memory usage per Container is 1Gi.  No limit is specified",
    ]);
    expect(limitRangeViolations(p, [range({ type: "Pod", min: { memory: "3Gi" } })])).toEqual([
      "minimum memory usage per Pod is 3Gi, but request is 2Gi",
    ]);
  });
});
