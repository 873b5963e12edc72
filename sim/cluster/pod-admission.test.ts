import { describe, expect, it } from "vitest";

import type { PodSpec } from "./model";
import { validateName } from "./names";
import { defaultPodSpec, defaultPullPolicy, validatePodSpec } from "./pod-admission";

describe("pod defaults", () => {
  it("picks imagePullPolicy by tag", () => {
    expect(defaultPullPolicy("busybox")).toBe("Always");
    expect(defaultPullPolicy("busybox:latest")).toBe("Always");
    expect(defaultPullPolicy("busybox:1.36")).toBe("IfNotPresent");
    expect(defaultPullPolicy("localhost:5000/app")).toBe("Always");
    expect(defaultPullPolicy("localhost:5000/app:v1")).toBe("IfNotPresent");
    expect(defaultPullPolicy("busybox@sha256:abc")).toBe("IfNotPresent");
  });

  it("fills the spec defaults and requests from limits", () => {
    const spec: PodSpec = {
      containers: [{ name: "c", image: "x:1", resources: { limits: { cpu: "1", "nvidia.com/gpu": "2" } } }],
    };
    defaultPodSpec(spec);
    expect(spec).toMatchObject({
      restartPolicy: "Always",
      dnsPolicy: "ClusterFirst",
      schedulerName: "default-scheduler",
      terminationGracePeriodSeconds: 30,
      serviceAccountName: "default",
      enableServiceLinks: true,
    });
    expect(spec.containers[0]).toMatchObject({
      terminationMessagePath: "/dev/termination-log",
      terminationMessagePolicy: "File",
      imagePullPolicy: "IfNotPresent",
      resources: { requests: { cpu: "1", "nvidia.com/gpu": "2" } },
    });
  });
});

describe("pod validation", () => {
  const spec = (requests: Record<string, string>, limits: Record<string, string>): PodSpec => ({
    containers: [{ name: "c", image: "x", resources: { requests, limits } }],
  });
  it("rejects requests above limits and unequal extended resources", () => {
    expect(validatePodSpec(spec({ cpu: "2" }, { cpu: "1" }))).toEqual([
      {
        reason: "FieldValueInvalid",
        message: 'Invalid value: "2": must be less than or equal to cpu limit of 1',
        field: "spec.containers[0].resources.requests[cpu]",
      },
    ]);
    expect(validatePodSpec(spec({ "nvidia.com/gpu": "1" }, { "nvidia.com/gpu": "2" }))[0].message).toBe(
      'Invalid value: "1": must be equal to nvidia.com/gpu limit of 2',
    );
    expect(validatePodSpec(spec({ "nvidia.com/gpu": "1" }, {}))[0]).toEqual({
      reason: "FieldValueRequired",
      message: "Required value: Limit must be set for non overcommitable resources",
      field: "spec.containers[0].resources.limits[nvidia.com/gpu]",
    });
    expect(validatePodSpec(spec({ "nvidia.com/gpu": "500m" }, { "nvidia.com/gpu": "500m" }))[0].message).toBe(
      'Invalid value: "500m": must be an integer',
    );
  });

  it("requires containers with names and images", () => {
    expect(validatePodSpec({ containers: [] })).toEqual([
      { reason: "FieldValueRequired", message: "Required value", field: "spec.containers" },
    ]);
    expect(validatePodSpec({ containers: [{ name: "", image: "" }] }).map((c) => c.field)).toEqual([
      "spec.containers[0].name",
      "spec.containers[0].image",
    ]);
  });
});

describe("names", () => {
  it("validates DNS-1123 subdomains and labels with upstream messages", () => {
    expect(validateName("web-1.example", "subdomain")).toEqual([]);
    expect(validateName("Web_1", "subdomain")[0]).toMatch(
      /^Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.'/,
    );
    expect(validateName("team.a", "label")[0]).toMatch(/a lowercase RFC 1123 label must consist of/);
    expect(validateName("a".repeat(64), "label")[0]).toBe(
      `Invalid value: "${"a".repeat(64)}": must be no more than 63 characters`,
    );
    expect(validateName("ok:name", "path-segment")).toEqual([]);
    expect(validateName("a/b", "path-segment")).toEqual([`Invalid value: "a/b": may not contain '/'`]);
  });
});
