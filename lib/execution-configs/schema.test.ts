import { describe, expect, it } from "vitest";

import { namespaceTemplateProblem, resolveNamespace } from "@/lib/kube/names";
import { fieldErrorsFrom } from "@/lib/validation";

import { createExecutionConfigSchema } from "./schema";

const valid = {
  name: "gpu-small",
  image: "python:3.12-slim",
  namespace: "berth-${project}",
  resources: {
    requests: { cpu: "1", memory: "2Gi", "nvidia.com/gpu": 1 },
    limits: { cpu: "2", memory: "4Gi", "nvidia.com/gpu": "1" },
  },
  tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
  usableBy: { groups: ["ml"] },
};

function errorsOf(input: Record<string, unknown>) {
  const parsed = createExecutionConfigSchema.safeParse(input);
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
}

describe("createExecutionConfigSchema", () => {
  it("accepts a full config with defaults filled and canonical quantities", () => {
    const parsed = createExecutionConfigSchema.parse({
      ...valid,
      shmSize: "1024Mi",
      affinity:
        "nodeAffinity:\n  preferredDuringSchedulingIgnoredDuringExecution:\n  - weight: 10\n    preference:\n      matchExpressions:\n      - {key: zone, operator: In, values: [a]}\n",
    });
    expect(parsed).toMatchObject({
      imagePullPolicy: "IfNotPresent",
      cluster: null,
      createNamespace: false,
      workloadType: "any",
      shmSize: "1Gi",
      resources: { requests: { cpu: "1", memory: "2Gi", "nvidia.com/gpu": "1" } },
      affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10 }] } },
    });
    expect(createExecutionConfigSchema.parse(parsed)).toEqual(parsed);
  });

  it("refuses a request above its limit, on the request's path", () => {
    expect(errorsOf({ ...valid, resources: { requests: { cpu: "3" }, limits: { cpu: "2000m" } } })).toEqual({
      "resources.requests.cpu": ["must be at most the limit (2)"],
    });
    expect(
      errorsOf({ ...valid, resources: { requests: { memory: "5Gi" }, limits: { memory: "4Gi" } } }),
    ).toHaveProperty(["resources.requests.memory"]);
  });

  it("requires a GPU limit equal to its request", () => {
    expect(
      errorsOf({ ...valid, resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "2" } } }),
    ).toEqual({
      "resources.limits.nvidia.com/gpu": ["must equal the request (Kubernetes does not overcommit extended resources)"],
    });
    expect(
      errorsOf({ ...valid, resources: { requests: { "nvidia.com/gpu": "1" }, limits: {} } })[
        "resources.limits.nvidia.com/gpu"
      ],
    ).toBeDefined();
    expect(
      errorsOf({ ...valid, resources: { requests: {}, limits: { "nvidia.com/gpu": "500m" } } })[
        "resources.limits.nvidia.com/gpu"
      ],
    ).toEqual(["must be a whole number (extended resources cannot be split)"]);
  });

  it("refuses bad quantities and resource names", () => {
    const errors = errorsOf({
      ...valid,
      resources: { requests: { cpu: "lots", gpu: "1", "nvidia.com/": "1" }, limits: { memory: "-1Gi" } },
    });
    expect(Object.keys(errors).sort()).toEqual([
      "resources.limits.memory",
      "resources.requests.cpu",
      "resources.requests.gpu",
      "resources.requests.nvidia.com/",
    ]);
    expect(errors["resources.requests.cpu"]).toEqual(["must be a Kubernetes quantity such as 500m, 2, 4Gi"]);
    // Valid syntax, but parsing it would take minutes: refused at once.
    const started = Date.now();
    expect(
      errorsOf({ ...valid, resources: { requests: { cpu: "1e999999" }, limits: {} }, shmSize: "1e999999" }),
    ).toEqual({
      "resources.requests.cpu": ["is out of range (at most 40 characters and an exponent of at most ±30)"],
      shmSize: ["must be a positive quantity such as 1Gi"],
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("refuses bad names, images, registries and pull policies", () => {
    const errors = errorsOf({
      ...valid,
      name: "GPU_small",
      image: "python 3",
      registry: "not a host",
      imagePullPolicy: "Sometimes",
      imagePullSecret: "Bad_Secret",
      serviceAccount: "-x",
    });
    expect(Object.keys(errors).sort()).toEqual([
      "image",
      "imagePullPolicy",
      "imagePullSecret",
      "name",
      "registry",
      "serviceAccount",
    ]);
    expect(errorsOf({ ...valid, name: "a".repeat(64) }).name).toEqual(["Name must be at most 63 characters"]);
    expect(errorsOf({ ...valid, image: undefined }).image).toEqual(["Image is required"]);
    expect(
      createExecutionConfigSchema.parse({ ...valid, registry: "https://registry.example.com:5000/team/" }).registry,
    ).toBe("registry.example.com:5000/team");
  });

  it("refuses bad namespace templates", () => {
    expect(errorsOf({ ...valid, namespace: "${team}-x" }).namespace).toEqual([
      "Unknown variable ${team}: use ${user}, ${project} or ${group}",
    ]);
    expect(errorsOf({ ...valid, namespace: "Team-${user}" }).namespace?.[0]).toMatch(/lowercase/);
    expect(errorsOf({ ...valid, namespace: "x-$user" }).namespace).toEqual([
      "Write variables as ${user}, ${project} or ${group}",
    ]);
    expect(errorsOf({ ...valid, namespace: "${user}-" }).namespace?.[0]).toMatch(/starting and ending/);
    expect(errorsOf({ ...valid, namespace: "" }).namespace).toEqual(["Namespace is required"]);
    expect(errorsOf({ ...valid, namespace: `${"n".repeat(62)}-\${user}` }).namespace?.[0]).toMatch(/at most 63/);
    expect(namespaceTemplateProblem("team-${group}-${user}")).toBeUndefined();
  });

  it("refuses bad node selectors, tolerations and env vars", () => {
    const errors = errorsOf({
      ...valid,
      nodeSelector: { "bad key!": "x", zone: "not valid value" },
      tolerations: [
        { operator: "Equal", value: "x" },
        { key: "a", operator: "Exists", value: "b" },
        { key: "a", effect: "NoSchedule", tolerationSeconds: 5 },
        { key: "a", effect: "Sometimes" },
      ],
      env: [{ name: "1BAD" }, { name: "OK", value: "x" }, { name: "OK" }],
    });
    expect(errors).toMatchObject({
      "nodeSelector.bad key!": [expect.stringContaining("label key")],
      "nodeSelector.zone": [expect.stringContaining("label value")],
      "tolerations.0.operator": [expect.stringContaining("Exists when the key is empty")],
      "tolerations.1.value": ["value must be empty with operator Exists"],
      "tolerations.2.tolerationSeconds": ["tolerationSeconds applies only to effect NoExecute"],
      "tolerations.3.effect": [expect.stringContaining("effect must be")],
      "env.0.name": [expect.stringContaining("not start with a digit")],
      "env.2.name": ["OK is set twice"],
    });
  });

  it("refuses bad affinity YAML and shapes", () => {
    expect(errorsOf({ ...valid, affinity: "nodeAffinity: [" }).affinity?.[0]).toMatch(/^Not valid YAML/);
    expect(errorsOf({ ...valid, affinity: "nodeAfinity: {}" })).toEqual({ "affinity.nodeAfinity": ["Unknown field"] });
    expect(errorsOf({ ...valid, affinity: "just text" }).affinity).toEqual([
      "Affinity must be a mapping of nodeAffinity, podAffinity and/or podAntiAffinity",
    ]);
    expect(
      errorsOf({
        ...valid,
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {} }] } },
      }),
    ).toEqual({
      "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.topologyKey": [
        "topologyKey is required",
      ],
    });
    expect(
      errorsOf({
        ...valid,
        affinity: {
          nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] },
        },
      }),
    ).toHaveProperty(["affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.weight"]);
  });

  it("refuses bad usableBy, shm size, workload type and unknown fields", () => {
    const errors = errorsOf({ ...valid, usableBy: { groups: [] }, shmSize: "big", workloadType: "spark", extra: 1 });
    expect(Object.keys(errors).sort()).toEqual(["extra", "shmSize", "usableBy.groups", "workloadType"]);
    expect(errorsOf({ ...valid, usableBy: "some" }).usableBy).toBeDefined();
  });
});

describe("resolveNamespace", () => {
  it("substitutes DNS-safe values and refuses missing ones", () => {
    expect(resolveNamespace("team-${group}-${user}", { user: "jane", group: "ml" })).toBe("team-ml-jane");
    expect(resolveNamespace("team-${group}-${user}", { user: "Jane.Doe", group: "ML_team" })).toMatch(
      /^team-ml-team-jane-doe--[a-z0-9]{8}$/,
    );
    expect(resolveNamespace("fixed", {})).toBe("fixed");
    expect(() => resolveNamespace("x-${group}", { user: "a" })).toThrow("uses ${group} but the run has no group");
    expect(resolveNamespace("${project}", { project: "p".repeat(80) })).toHaveLength(63);
  });
});
