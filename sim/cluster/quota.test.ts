import { describe, expect, it } from "vitest";

import type { Pod } from "./model";
import { formatQuantity, parseQuantity } from "./quantity";
import {
  exceededMessage,
  matchingResources,
  objectUsage,
  podConstraintViolation,
  podUsage,
  prettyPrint,
  quotaMatches,
  type ResourceQuota,
} from "./quota";

const pod = (containers: Pod["spec"]["containers"], extra: Partial<Pod> = {}): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "ns", uid: "u" },
  spec: { containers },
  ...extra,
});

const show = (list: Record<string, { nano: bigint; format: "DecimalSI" | "BinarySI" | "DecimalExponent" }>) =>
  Object.fromEntries(Object.entries(list).map(([k, v]) => [k, formatQuantity(v)]));

describe("pod usage", () => {
  it("charges requests, limits, extended requests and the pod counts", () => {
    const p = pod([
      {
        name: "a",
        image: "x",
        resources: {
          requests: { cpu: "500m", memory: "1Gi", "nvidia.com/gpu": "1" },
          limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "1" },
        },
      },
      { name: "b", image: "x", resources: { requests: { cpu: "1" } } },
    ]);
    expect(show(podUsage(p))).toEqual({
      "count/pods": "1",
      pods: "1",
      cpu: "1500m",
      "requests.cpu": "1500m",
      "limits.cpu": "1",
      memory: "1Gi",
      "requests.memory": "1Gi",
      "limits.memory": "1Gi",
      "requests.nvidia.com/gpu": "1",
    });
  });

  it("charges terminal pods only as stored objects", () => {
    const done = pod([{ name: "a", image: "x", resources: { requests: { cpu: "1" } } }], {
      status: { phase: "Succeeded" },
    });
    expect(show(podUsage(done))).toEqual({ "count/pods": "1" });
  });

  it("counts other kinds by count/<resource> and legacy aliases", () => {
    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" } };
    expect(show(objectUsage("jobs.batch", job))).toEqual({ "count/jobs.batch": "1" });
    expect(show(objectUsage("configmaps", { ...job, kind: "ConfigMap" }))).toEqual({
      "count/configmaps": "1",
      configmaps: "1",
    });
  });
});

describe("tracked resources and constraints", () => {
  it("tracks only requests.<extended> for extended resources", () => {
    expect(
      matchingResources("pods", [
        "requests.nvidia.com/gpu",
        "nvidia.com/gpu",
        "limits.nvidia.com/gpu",
        "pods",
        "count/jobs.batch",
      ]),
    ).toEqual(["requests.nvidia.com/gpu", "pods"]);
    expect(matchingResources("jobs.batch", ["count/jobs.batch", "pods"])).toEqual(["count/jobs.batch"]);
  });

  it("lists missing cpu/memory per resource and container, sorted", () => {
    const p = pod([
      { name: "c2", image: "x", resources: { requests: { cpu: "1", memory: "1Gi" } } },
      { name: "c1", image: "x" },
    ]);
    expect(podConstraintViolation(p, ["limits.cpu", "requests.memory", "requests.nvidia.com/gpu"])).toBe(
      "must specify limits.cpu for: c1,c2; requests.memory for: c1",
    );
    expect(podConstraintViolation(p, ["requests.nvidia.com/gpu", "pods"])).toBeUndefined();
  });

  it("matches scopes", () => {
    const quota = (scopes: string[]): ResourceQuota => ({
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "q" },
      spec: { hard: { pods: "1" }, scopes },
    });
    const bestEffort = pod([{ name: "a", image: "x" }]);
    const burstable = pod([{ name: "a", image: "x", resources: { requests: { cpu: "1" } } }], {
      spec: {
        containers: [{ name: "a", image: "x", resources: { requests: { cpu: "1" } } }],
        activeDeadlineSeconds: 10,
      },
    });
    expect(quotaMatches(quota(["BestEffort"]), "pods", bestEffort)).toBe(true);
    expect(quotaMatches(quota(["NotBestEffort"]), "pods", bestEffort)).toBe(false);
    expect(quotaMatches(quota(["Terminating", "NotBestEffort"]), "pods", burstable)).toBe(true);
    expect(quotaMatches(quota(["BestEffort"]), "configmaps", bestEffort)).toBe(false);
  });
});

describe("exceeded quota message", () => {
  const hard = {
    "requests.nvidia.com/gpu": parseQuantity("2"),
    "requests.memory": parseQuantity("4Gi"),
    pods: parseQuantity("10"),
  };
  it("lists only the exceeded keys, sorted, with canonical values", () => {
    const used = {
      "requests.nvidia.com/gpu": parseQuantity("2"),
      "requests.memory": parseQuantity("1Gi"),
      pods: parseQuantity("3"),
    };
    const delta = {
      "requests.nvidia.com/gpu": parseQuantity("1"),
      "requests.memory": parseQuantity("512Mi"),
      pods: parseQuantity("1"),
    };
    expect(exceededMessage({ name: "team-q", hard, used }, delta)).toBe(
      "exceeded quota: team-q, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=2",
    );
  });

  it("shows used in the limit's format and passes when everything fits", () => {
    const used = { "requests.memory": parseQuantity("3584Mi") };
    expect(exceededMessage({ name: "q", hard, used }, { "requests.memory": parseQuantity("1Gi") })).toBe(
      "exceeded quota: q, requested: requests.memory=1Gi, used: requests.memory=3584Mi, limited: requests.memory=4Gi",
    );
    expect(exceededMessage({ name: "q", hard, used: {} }, { "requests.memory": parseQuantity("4Gi") })).toBeUndefined();
    expect(prettyPrint({ b: "2", a: "1" })).toBe("a=1,b=2");
  });
});
