import { describe, expect, it } from "vitest";

import { fieldErrorsFrom } from "@/lib/validation";

import { createExecutionConfigSchema } from "./schema";

const docker = {
  name: "docker-small",
  image: "localhost/berth-debian:bookworm",
  engine: "docker",
  dockerHost: "local",
  usableBy: "all",
};

function errorsOf(input: Record<string, unknown>) {
  const parsed = createExecutionConfigSchema.safeParse(input);
  return parsed.success ? {} : fieldErrorsFrom(parsed.error);
}

describe("execution config engines", () => {
  it("defaults to kubernetes, which still needs a namespace and names no Docker host", () => {
    expect(createExecutionConfigSchema.parse({ name: "k", image: "python:3.12", namespace: "ml" })).toMatchObject({
      engine: "kubernetes",
      dockerHost: null,
      workingDir: "",
    });
    expect(errorsOf({ name: "k", image: "python:3.12" })).toEqual({ namespace: ["Namespace is required"] });
    expect(
      errorsOf({ name: "k", image: "python:3.12", namespace: "ml", dockerHost: "local", workingDir: "/work" }),
    ).toEqual({
      dockerHost: [expect.stringMatching(/only a docker config/)],
      workingDir: [expect.stringMatching(/applies to docker configs/)],
    });
  });

  it("accepts a docker config with CPU and memory limits, GPUs, env and a working dir, without a namespace", () => {
    const parsed = createExecutionConfigSchema.parse({
      ...docker,
      resources: { limits: { cpu: "1.5", memory: "512Mi" } },
      gpu: { count: 2 },
      env: [{ name: "A", value: "1" }],
      workingDir: "/work",
    });
    expect(parsed).toMatchObject({
      engine: "docker",
      dockerHost: "local",
      namespace: "",
      workingDir: "/work",
      gpu: { count: 2 },
      resources: { limits: { cpu: "1500m", memory: "512Mi" } },
    });
  });

  it("needs a Docker host for a docker config", () => {
    expect(errorsOf({ ...docker, dockerHost: "" })).toEqual({
      dockerHost: ["choose the Docker host a docker config runs on"],
    });
  });

  it("refuses every Kubernetes-only field on a docker config, each at its field, rather than dropping it", () => {
    const errors = errorsOf({
      ...docker,
      cluster: "gpu-prod",
      namespace: "ml",
      createNamespace: true,
      imagePullSecret: "regcred",
      nodeSelector: { zone: "a" },
      tolerations: [{ key: "nvidia.com/gpu", operator: "Exists" }],
      shmSize: "1Gi",
      runAsUser: 1000,
      serviceAccount: "runner",
      gpu: { count: 1, type: "A100" },
      resources: { requests: { "ephemeral-storage": "1Gi" }, limits: { "nvidia.com/gpu": "1" } },
    });
    expect(Object.keys(errors).sort()).toEqual(
      [
        "cluster",
        "createNamespace",
        "gpu.count",
        "gpu.type",
        "imagePullSecret",
        "namespace",
        "nodeSelector",
        "resources.limits.nvidia.com/gpu",
        "resources.requests.ephemeral-storage",
        "runAsUser",
        "serviceAccount",
        "shmSize",
        "tolerations",
      ].sort(),
    );
    for (const messages of Object.values(errors).filter((_, index) => Object.keys(errors)[index] !== "gpu.count"))
      expect(messages.join()).toMatch(/not for engine docker/);
    expect(errors["resources.limits.nvidia.com/gpu"]).toEqual([expect.stringMatching(/ask GPUs with the GPU count/)]);
  });

  it("refuses a relative working dir and an unknown engine", () => {
    expect(errorsOf({ ...docker, workingDir: "work" })).toEqual({
      workingDir: ["workingDir must be an absolute path, such as /work"],
    });
    expect(errorsOf({ ...docker, engine: "podman" })).toMatchObject({
      engine: ["engine must be kubernetes or docker"],
    });
  });
});
