import { describe, expect, it } from "vitest";

import { fieldErrorsFrom } from "@/lib/validation";

import { diffPolicy, matchesNamespace, matchingPolicy, podSecurityDrift, podSecurityLabels } from "./drift";
import { previewPattern } from "./pattern";
import { createPolicySchema, type PolicySpec } from "./schema";

const base = { name: "ml-gpu", pattern: "ml-*", resourceQuota: { hard: { "requests.nvidia.com/gpu": "8" } } };

function errorsOf(input: Record<string, unknown>) {
  const parsed = createPolicySchema.safeParse({ ...base, ...input });
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
}

describe("namespace policy schema", () => {
  it("accepts quota and limit templates and defaults the rest", () => {
    const parsed = createPolicySchema.parse({
      ...base,
      resourceQuota: { hard: { pods: 20, "requests.cpu": "16", "limits.memory": "64Gi", "count/jobs.batch": "10" } },
      limitRange: {
        limits: [
          {
            type: "Container",
            default: { cpu: "1" },
            defaultRequest: { cpu: "500m" },
            min: { cpu: "100m" },
            max: { cpu: "8" },
          },
          { type: "Pod", max: { memory: "32Gi" } },
        ],
      },
    });
    expect(parsed).toMatchObject({ priority: 100, description: "", resourceQuota: { hard: { pods: "20" } } });
  });

  it.each([
    [{ pattern: "" }, "pattern", /required/],
    [{ pattern: "re:ml-(" }, "pattern", /Not a valid regular expression/],
    [{ pattern: "re:[z-a]" }, "pattern", /Not a valid regular expression/],
    [{ pattern: "re:" }, "pattern", /regular expression after re:/],
    // Dots and anchors never appear in a namespace name: a regex written without its prefix is refused, not read as a glob.
    [{ pattern: "^ml-.*" }, "pattern", /For a regular expression write re: first, e\.g\. re:\^ml-\.\*/],
    [{ pattern: "ML-*" }, "pattern", /lowercase letters/],
    [{ priority: -1 }, "priority", /0 or more/],
    [{ priority: 1.5 }, "priority", /whole number/],
    [{ priority: "high" }, "priority", /number/],
    [{ name: "ML GPU" }, "name", /lowercase/],
    [{ resourceQuota: { hard: {} } }, "resourceQuota.hard", /at least one/],
    [{ resourceQuota: { hard: { pods: "ten" } } }, "resourceQuota.hard.pods", /quantity/],
    [{ resourceQuota: { hard: { pods: "-1" } } }, "resourceQuota.hard.pods", /negative/],
    [{ resourceQuota: { hard: { "Requests CPU": "1" } } }, "resourceQuota.hard.Requests CPU", /resource name/],
    [{ resourceQuota: { hard: { pods: "1" }, soft: {} } }, "resourceQuota.soft", /Unknown field/],
    [{ resourceQuota: null }, "resourceQuota", /ResourceQuota or a LimitRange/],
    [{ limitRange: { limits: [] } }, "limitRange.limits", /at least one/],
    [{ limitRange: { limits: [{ type: "Node" }] } }, "limitRange.limits.0.type", /Container or Pod/],
    [
      { limitRange: { limits: [{ type: "Pod", default: { cpu: "1" } }] } },
      "limitRange.limits.0.default",
      /no defaults/,
    ],
    [
      { limitRange: { limits: [{ type: "Container", min: { cpu: "2" }, max: { cpu: "1" } }] } },
      "limitRange.limits.0.min.cpu",
      /must not exceed max/,
    ],
    [
      { limitRange: { limits: [{ type: "Container", default: { memory: "8Gi" }, max: { memory: "4Gi" } }] } },
      "limitRange.limits.0.default.memory",
      /must not exceed max/,
    ],
    [
      { limitRange: { limits: [{ type: "Container", defaultRequest: { cpu: "2" }, default: { cpu: "1" } }] } },
      "limitRange.limits.0.defaultRequest.cpu",
      /must not exceed default/,
    ],
    [
      { limitRange: { limits: [{ type: "Container" }, { type: "Container" }] } },
      "limitRange.limits",
      /One entry per type/,
    ],
    [
      { limitRange: { limits: [{ type: "Container", max: { cpu: "lots" } }] } },
      "limitRange.limits.0.max.cpu",
      /quantity/,
    ],
  ])("refuses %j", (input, field, message) => {
    expect(errorsOf(input)[field]?.join(" ")).toMatch(message);
  });
});

describe("Pod Security level", () => {
  it("defaults to baseline, takes restricted and privileged, and refuses anything else", () => {
    expect(createPolicySchema.parse(base).podSecurity).toBe("baseline");
    expect(createPolicySchema.parse({ ...base, podSecurity: "restricted" }).podSecurity).toBe("restricted");
    expect(errorsOf({ podSecurity: "open" })).toEqual({
      podSecurity: ["Pod security must be privileged, baseline or restricted"],
    });
  });

  it("becomes the enforce labels at the latest version, and their drift", () => {
    expect(podSecurityLabels("restricted")).toEqual({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
    });
    expect(podSecurityDrift("baseline", podSecurityLabels("baseline"))).toEqual([]);
    expect(podSecurityDrift("baseline", { "pod-security.kubernetes.io/enforce": "privileged" })).toEqual([
      {
        object: "Namespace",
        kind: "different",
        key: "pod-security.kubernetes.io/enforce",
        expected: "baseline",
        actual: "privileged",
      },
      { object: "Namespace", kind: "missing", key: "pod-security.kubernetes.io/enforce-version", expected: "latest" },
    ]);
  });
});

describe("matching", () => {
  const policies = [
    { name: "catch-all", pattern: "*", priority: 1000 },
    { name: "ml", pattern: "re:^ml-.*", priority: 10 },
    { name: "ml-gpu", pattern: "ml-gpu-*", priority: 5 },
  ];

  it("reads a pattern as a glob that matches the whole name", () => {
    expect(matchesNamespace("berth-*", "berth-churn")).toBe(true);
    expect(matchesNamespace("berth-*", "xberth-churn")).toBe(false);
    expect(matchesNamespace("berth-*", "berth")).toBe(false);
    expect(matchesNamespace("team-?", "team-a")).toBe(true);
    expect(matchesNamespace("team-?", "team-ab")).toBe(false);
    expect(matchesNamespace("*-dev", "churn-dev")).toBe(true);
    expect(matchesNamespace("ml", "ml-test")).toBe(false);
  });

  it("reads a re: pattern as a regular expression that matches the whole name", () => {
    expect(matchesNamespace("re:ml-.*", "ml-test")).toBe(true);
    expect(matchesNamespace("re:ml|dev", "xml")).toBe(false);
    expect(matchesNamespace("re:(", "x")).toBe(false);
    // Without the prefix these are not globs, so they match nothing rather than something unexpected.
    expect(matchesNamespace("ml-.*", "ml-test")).toBe(false);
  });

  it("picks the lowest priority among matches", () => {
    expect(matchingPolicy(policies, "ml-gpu-a")?.name).toBe("ml-gpu");
    expect(matchingPolicy(policies, "ml-test")?.name).toBe("ml");
    expect(matchingPolicy(policies, "default")?.name).toBe("catch-all");
    expect(matchingPolicy(policies.slice(1), "default")).toBeUndefined();
  });
});

describe("diffPolicy", () => {
  const spec: PolicySpec = {
    resourceQuota: { hard: { "requests.nvidia.com/gpu": "8", "requests.memory": "64Gi", pods: "20" } },
    limitRange: { limits: [{ type: "Container", default: { cpu: "1" }, max: { cpu: "8" } }] },
  };

  it("is empty when the cluster holds the same values, in any notation", () => {
    const observed = {
      resourceQuota: { hard: { "requests.nvidia.com/gpu": "8", "requests.memory": "68719476736", pods: "20" } },
      limitRange: { limits: [{ type: "Container", default: { cpu: "1000m" }, max: { cpu: "8" } }] },
    };
    expect(diffPolicy(spec, observed)).toEqual([]);
  });

  it("reports missing objects, and extra objects the policy no longer has", () => {
    expect(diffPolicy(spec, { resourceQuota: null, limitRange: null })).toEqual([
      { object: "ResourceQuota", kind: "missing-object" },
      { object: "LimitRange", kind: "missing-object" },
    ]);
    expect(
      diffPolicy(
        { resourceQuota: null, limitRange: null },
        { resourceQuota: { hard: {} }, limitRange: { limits: [] } },
      ),
    ).toEqual([
      { object: "ResourceQuota", kind: "extra-object" },
      { object: "LimitRange", kind: "extra-object" },
    ]);
  });

  it("reports missing, different and extra values per resource", () => {
    const observed = {
      resourceQuota: { hard: { "requests.nvidia.com/gpu": "4", pods: "20", services: "5" } },
      limitRange: {
        limits: [
          { type: "Container", default: { cpu: "2" } },
          { type: "Pod", max: { memory: "1Gi" } },
        ],
      },
    };
    expect(diffPolicy(spec, observed)).toEqual([
      { object: "ResourceQuota", kind: "different", key: "requests.nvidia.com/gpu", expected: "8", actual: "4" },
      { object: "ResourceQuota", kind: "missing", key: "requests.memory", expected: "64Gi" },
      { object: "ResourceQuota", kind: "extra", key: "services", actual: "5" },
      { object: "LimitRange", kind: "different", key: "Container.default.cpu", expected: "1", actual: "2" },
      { object: "LimitRange", kind: "missing", key: "Container.max.cpu", expected: "8" },
      { object: "LimitRange", kind: "extra", key: "Pod.max.memory", actual: "1Gi" },
    ]);
  });
});

describe("previewPattern", () => {
  const names = ["berth-churn", "berth-dev", "default", "xberth-churn"];
  it("lists the namespaces a pattern matches, or why it matches nothing", () => {
    expect(previewPattern("berth-*", names)).toEqual({ matches: ["berth-churn", "berth-dev"] });
    expect(previewPattern(" re:.*berth-churn ", names)).toEqual({ matches: ["berth-churn", "xberth-churn"] });
    expect(previewPattern("team-*", names)).toEqual({ matches: [] });
    expect(previewPattern("", names)).toEqual({ problem: expect.stringMatching(/Write a pattern/) });
    expect(previewPattern("berth-.*", names)).toEqual({ problem: expect.stringMatching(/re:berth-\.\*/) });
  });
});
