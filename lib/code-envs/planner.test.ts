import { describe, expect, it } from "vitest";

import { baseImageSchema, type BaseImageInput } from "@/lib/images/schema";

import { codeEnvDockerfile, codeEnvInputsHash } from "./dockerfile";
import {
  codeEnvImageForConfig,
  imagesToBuild,
  planCodeEnvImages,
  type PlannerBuild,
  type PlannerExecutionConfig,
  type PlannerInput,
  type PlannerSparkConfig,
} from "./planner";
import { codeEnvSchema, type CodeEnvInput } from "./schema";

const env = (input: Partial<CodeEnvInput> = {}) =>
  codeEnvSchema.parse({
    name: "analytics",
    language: "python",
    packages: ["pandas==2.2.3"],
    buildFor: { executionConfigs: "all", sparkConfigs: "none" },
    ...input,
  });

const GPU_REF = "registry.example.com/team/gpu:b-0123456789ab";
const executionConfigs: PlannerExecutionConfig[] = [
  { name: "cpu-small", image: "python:3.12-slim", registry: "" },
  { name: "cpu-large", image: "python:3.12-slim", registry: "" },
  { name: "gpu", image: "team/gpu:b-0123456789ab", registry: "registry.example.com" },
  { name: "gpu-direct", image: GPU_REF, registry: "registry.example.com" },
];
const sparkConfigs: PlannerSparkConfig[] = [
  { name: "spark-default", image: "", registry: "" },
  { name: "spark-private", image: "spark:3.5.3", registry: "registry.example.com/team" },
];

let nextId = 1;
const build = (spec: Partial<PlannerBuild> & Pick<PlannerBuild, "baseRef" | "inputsHash">): PlannerBuild => ({
  id: nextId++,
  status: "pushed",
  image: `${spec.baseRef}-built`,
  digest: null,
  queuedAt: new Date("2026-11-27T10:00:00Z"),
  startedAt: new Date("2026-11-27T10:00:05Z"),
  finishedAt: new Date("2026-11-27T10:01:00Z"),
  ...spec,
});

const plan = (input: Partial<PlannerInput> = {}) =>
  planCodeEnvImages({ env: env(), executionConfigs, sparkConfigs, builds: [], ...input });

describe("planCodeEnvImages: which images", () => {
  it("needs one image per distinct base reference, with the registry prefix a pod would pull", () => {
    const result = plan();
    expect(result.images.map((image) => image.baseRef)).toEqual(["python:3.12-slim", GPU_REF]);
    expect(result.images[0].configs).toEqual([
      { kind: "execution", name: "cpu-small" },
      { kind: "execution", name: "cpu-large" },
    ]);
    // "gpu" gets the prefix, "gpu-direct" already names the host: the same reference, one image.
    expect(result.images[1].configs.map((config) => config.name)).toEqual(["gpu", "gpu-direct"]);
  });

  it("builds for nothing with none, and only the named configs when selected", () => {
    expect(plan({ env: env({ buildFor: { executionConfigs: "none", sparkConfigs: "none" } }) }).images).toEqual([]);
    const result = plan({ env: env({ buildFor: { executionConfigs: ["gpu"], sparkConfigs: "none" } }) });
    expect(result.images.map((image) => image.baseRef)).toEqual([GPU_REF]);
    expect(result.images[0].configs).toEqual([{ kind: "execution", name: "gpu" }]);
  });

  it("takes Spark configs' images: the upstream Spark image when they name none, with their registry", () => {
    const result = plan({ env: env({ buildFor: { executionConfigs: "none", sparkConfigs: "all" } }) });
    expect(result.images.map((image) => [image.baseRef, image.configs])).toEqual([
      ["apache/spark:3.5.3", [{ kind: "spark", name: "spark-default" }]],
      ["registry.example.com/team/spark:3.5.3", [{ kind: "spark", name: "spark-private" }]],
    ]);
  });

  it("shares one image between an execution config and a Spark config on the same base", () => {
    const result = plan({
      env: env({ buildFor: { executionConfigs: ["cpu-small"], sparkConfigs: ["spark-default"] } }),
      executionConfigs: [{ name: "cpu-small", image: "apache/spark:3.5.3", registry: "" }],
    });
    expect(result.images).toHaveLength(1);
    expect(result.images[0].configs).toEqual([
      { kind: "execution", name: "cpu-small" },
      { kind: "spark", name: "spark-default" },
    ]);
  });

  it("reports selected names that match no config instead of failing", () => {
    const result = plan({ env: env({ buildFor: { executionConfigs: ["gpu", "gone"], sparkConfigs: ["old-spark"] } }) });
    expect(result.images.map((image) => image.baseRef)).toEqual([GPU_REF]);
    expect(result.unknownConfigs).toEqual([
      { kind: "execution", name: "gone" },
      { kind: "spark", name: "old-spark" },
    ]);
  });

  it("gives each image the generator's reference, Dockerfile and inputs hash for its base", () => {
    const spec = env();
    const [cpu, gpu] = plan({ env: spec }).images;
    expect(gpu.image).toBe(
      `registry.example.com/team/gpu:ce-analytics-${codeEnvInputsHash(spec, GPU_REF).slice(0, 12)}`,
    );
    expect(gpu.image).toMatch(/^registry\.example\.com\/team\/gpu:ce-analytics-[0-9a-f]{12}$/);
    expect(gpu.dockerfile).toBe(codeEnvDockerfile(spec, GPU_REF));
    expect(gpu.dockerfile).toContain(`FROM ${GPU_REF}\n`);
    expect(gpu.inputsHash).toBe(codeEnvInputsHash(spec, GPU_REF));
    expect(cpu.inputsHash).not.toBe(gpu.inputsHash);
  });
});

describe("planCodeEnvImages: status", () => {
  const spec = env({ buildFor: { executionConfigs: ["gpu"], sparkConfigs: "none" } });
  const hash = codeEnvInputsHash(spec, GPU_REF);

  it("is missing without a pushed build, even when one failed or is running", () => {
    const failed = build({ baseRef: GPU_REF, inputsHash: hash, status: "failed" });
    const [image] = plan({ env: spec, builds: [failed] }).images;
    expect(image).toMatchObject({
      status: "missing",
      reason: "Not built yet",
      current: null,
      building: null,
      latest: failed,
    });
    const running = build({ baseRef: GPU_REF, inputsHash: hash, status: "running" });
    expect(plan({ env: spec, builds: [failed, running] }).images[0]).toMatchObject({
      status: "missing",
      building: running,
      latest: running,
    });
  });

  it("is current when the latest pushed build has the current inputs, and uses that build's image", () => {
    const pushed = build({
      baseRef: GPU_REF,
      inputsHash: hash,
      image: "registry.example.com/team/gpu:ce-analytics-aaaaaaaaaaaa",
    });
    const result = plan({ env: spec, builds: [pushed] });
    expect(result.images[0]).toMatchObject({ status: "current", reason: null, current: pushed });
    expect(result.counts).toEqual({ missing: 0, stale: 0, current: 1 });
  });

  it("is stale when the packages changed since the latest push; pods keep the old image until rebuilt", () => {
    const pushed = build({ baseRef: GPU_REF, inputsHash: hash });
    const edited = env({ buildFor: spec.buildFor, packages: ["pandas==2.2.3", "numpy"] });
    const [image] = plan({ env: edited, builds: [pushed] }).images;
    expect(image).toMatchObject({
      status: "stale",
      reason: "The code env changed since this image was built",
      current: pushed,
    });
    expect(image.inputsHash).not.toBe(hash);
  });

  it("is stale when a fragment or the Python version changed, not when only the description did", () => {
    const pushed = build({ baseRef: GPU_REF, inputsHash: hash });
    expect(
      plan({ env: env({ buildFor: spec.buildFor, dockerfileEnd: "ENV X=1" }), builds: [pushed] }).images[0].status,
    ).toBe("stale");
    expect(
      plan({ env: env({ buildFor: spec.buildFor, pythonVersion: "3.11" }), builds: [pushed] }).images[0].status,
    ).toBe("stale");
    expect(
      plan({ env: env({ buildFor: spec.buildFor, description: "new words" }), builds: [pushed] }).images[0].status,
    ).toBe("current");
  });

  it("takes the latest pushed build (highest id), not the last to finish", () => {
    const older = build({ baseRef: GPU_REF, inputsHash: "old", finishedAt: new Date("2026-11-27T12:00:00Z") });
    const newer = build({ baseRef: GPU_REF, inputsHash: hash, finishedAt: new Date("2026-11-27T11:00:00Z") });
    expect(plan({ env: spec, builds: [newer, older] }).images[0]).toMatchObject({ status: "current", current: newer });
  });

  it("takes an older push of the current inputs over a newer push of other inputs (a restored version)", () => {
    const first = build({ baseRef: GPU_REF, inputsHash: hash, image: "gpu:ce-analytics-first" });
    const second = build({ baseRef: GPU_REF, inputsHash: "edited-inputs", image: "gpu:ce-analytics-second" });
    expect(plan({ env: spec, builds: [first, second] }).images[0]).toMatchObject({
      status: "current",
      current: first,
      latest: second,
    });
  });

  it("ignores builds for other base references (a config moved to another image needs a new one)", () => {
    const elsewhere = build({ baseRef: "python:3.12-slim", inputsHash: codeEnvInputsHash(spec, "python:3.12-slim") });
    expect(plan({ env: spec, builds: [elsewhere] }).images[0]).toMatchObject({
      status: "missing",
      current: null,
      latest: null,
    });
  });

  it("is stale when the Berth base image at that reference was pushed again after the build pulled it", () => {
    const base = baseImageSchema.parse({
      name: "gpu",
      registry: { url: "registry.example.com", repository: "team/gpu" },
    } satisfies BaseImageInput);
    const pushed = build({ baseRef: GPU_REF, inputsHash: hash, startedAt: new Date("2026-11-27T10:00:05Z") });
    const before = [{ ref: GPU_REF, name: "gpu", spec: base, pushedAt: new Date("2026-11-27T09:00:00Z") }];
    expect(plan({ env: spec, builds: [pushed], baseImages: before }).images[0].status).toBe("current");
    const after = [{ ref: GPU_REF, name: "gpu", spec: base, pushedAt: new Date("2026-11-27T10:30:00Z") }];
    expect(plan({ env: spec, builds: [pushed], baseImages: after }).images[0]).toMatchObject({
      status: "stale",
      reason: "Base image gpu was pushed again since this image was built",
    });
  });

  it("flags an R env on a Berth base image without R as a problem, and does not queue it", () => {
    const rEnv = env({ language: "r", packages: ["data.table"], buildFor: spec.buildFor });
    const base = baseImageSchema.parse({
      name: "gpu",
      registry: { url: "registry.example.com", repository: "team/gpu" },
    } satisfies BaseImageInput);
    const result = plan({ env: rEnv, baseImages: [{ ref: GPU_REF, name: "gpu", spec: base, pushedAt: new Date(0) }] });
    expect(result.images[0].problem).toBe("Code env analytics is an R env, but base image gpu has no R support");
    expect(imagesToBuild(result)).toEqual([]);
  });
});

describe("imagesToBuild", () => {
  it("queues the missing and stale images, skipping current ones and those already building from the same inputs", () => {
    const spec = env({ buildFor: { executionConfigs: "all", sparkConfigs: "all" } });
    const cpuHash = codeEnvInputsHash(spec, "python:3.12-slim");
    const builds = [
      build({ baseRef: "python:3.12-slim", inputsHash: cpuHash }),
      build({ baseRef: GPU_REF, inputsHash: "older-inputs" }),
      build({
        baseRef: "apache/spark:3.5.3",
        inputsHash: codeEnvInputsHash(spec, "apache/spark:3.5.3"),
        status: "queued",
      }),
    ];
    const result = plan({ env: spec, builds });
    expect(result.counts).toEqual({ missing: 2, stale: 1, current: 1 });
    expect(imagesToBuild(result).map((image) => image.baseRef)).toEqual([
      GPU_REF,
      "registry.example.com/team/spark:3.5.3",
    ]);
  });

  it("queues again while a build of older inputs is still running", () => {
    const spec = env({ buildFor: { executionConfigs: ["gpu"], sparkConfigs: "none" } });
    const result = plan({
      env: spec,
      builds: [build({ baseRef: GPU_REF, inputsHash: "older-inputs", status: "running" })],
    });
    expect(imagesToBuild(result).map((image) => image.baseRef)).toEqual([GPU_REF]);
  });
});

describe("codeEnvImageForConfig", () => {
  const spec = env({ buildFor: { executionConfigs: ["gpu"], sparkConfigs: "none" } });
  const hash = codeEnvInputsHash(spec, GPU_REF);

  it("gives the current image of the config's base reference, saying when it is stale", () => {
    const pushed = build({
      baseRef: GPU_REF,
      inputsHash: hash,
      image: "registry.example.com/team/gpu:ce-analytics-aaaaaaaaaaaa",
    });
    expect(codeEnvImageForConfig(plan({ env: spec, builds: [pushed] }), "execution", "gpu")).toEqual({
      image: pushed.image,
      build: pushed,
      stale: false,
    });
    const edited = env({ buildFor: spec.buildFor, packages: ["polars"] });
    expect(codeEnvImageForConfig(plan({ env: edited, builds: [pushed] }), "execution", "gpu")).toMatchObject({
      image: pushed.image,
      stale: true,
    });
  });

  it("explains a config the env is not built for, and an image not pushed yet", () => {
    expect(codeEnvImageForConfig(plan({ env: spec }), "execution", "cpu-small")).toEqual({
      problem: `code env analytics has no image for config cpu-small: it is not built for it (add it to the code env's "build for")`,
    });
    expect(codeEnvImageForConfig(plan({ env: spec }), "execution", "gpu")).toEqual({
      problem: "code env analytics has no image for config gpu: build the code env first",
    });
    const running = build({ baseRef: GPU_REF, inputsHash: hash, status: "running" });
    expect(codeEnvImageForConfig(plan({ env: spec, builds: [running] }), "execution", "gpu")).toEqual({
      problem: "code env analytics has no image for config gpu: its image is still running",
    });
  });

  it("tells Spark configs apart from execution configs of the same name", () => {
    const both = plan({ env: env({ buildFor: { executionConfigs: "none", sparkConfigs: ["spark-default"] } }) });
    expect(codeEnvImageForConfig(both, "execution", "spark-default")).toMatchObject({
      problem: expect.stringContaining("no image for config spark-default"),
    });
    expect(codeEnvImageForConfig(both, "spark", "spark-default")).toMatchObject({
      problem: expect.stringContaining("no image for Spark config spark-default"),
    });
  });
});

describe("planCodeEnvImages: where images are pushed", () => {
  const hash12 = (spec: ReturnType<typeof env>, baseRef: string) => codeEnvInputsHash(spec, baseRef).slice(0, 12);
  const only = (configs: PlannerExecutionConfig[], extra: Partial<PlannerInput> = {}) =>
    plan({ executionConfigs: configs, ...extra }).images[0];

  it("never pushes to the upstream repository of a public base image: without a registry the image cannot be built, and says why", () => {
    const image = only([{ name: "torch", image: "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", registry: "" }]);
    expect(image.image).toBe("");
    expect(image.problem).toBe(
      "No registry to push this image to: set the registry of execution config torch, or run it on a base image built in Berth",
    );
    expect(
      imagesToBuild(
        plan({
          executionConfigs: [{ name: "torch", image: "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", registry: "" }],
        }),
      ),
    ).toEqual([]);
    // The same for a base that names its upstream host.
    expect(only([{ name: "ghcr", image: "ghcr.io/org/img:1", registry: "" }]).problem).toMatch(
      /No registry to push this image to/,
    );
  });

  it("pushes to the execution config's registry, even when the config's image names another host", () => {
    const spec = env();
    const mirrored = only([{ name: "torch", image: "pytorch/pytorch:2.5.1", registry: "registry.example.com/ml" }]);
    expect(mirrored.baseRef).toBe("registry.example.com/ml/pytorch/pytorch:2.5.1");
    expect(mirrored.image).toBe(
      `registry.example.com/ml/pytorch/pytorch:ce-analytics-${hash12(spec, mirrored.baseRef)}`,
    );
    const upstream = only([{ name: "ghcr", image: "ghcr.io/org/img:1", registry: "registry.example.com/ml" }]);
    expect(upstream.baseRef).toBe("ghcr.io/org/img:1");
    expect(upstream.image).toBe(`registry.example.com/ml/org/img:ce-analytics-${hash12(spec, "ghcr.io/org/img:1")}`);
    expect(upstream.problem).toBeNull();
  });

  it("pushes next to a base image built in Berth, in that base image's registry and repository", () => {
    const spec = env();
    const ref = "harbor.example.com/ml/pytorch-base:b-0123456789ab";
    const baseImages = [
      {
        ref,
        name: "pytorch-base",
        spec: baseImageSchema.parse({
          name: "pytorch-base",
          registry: { url: "harbor.example.com", repository: "ml/pytorch-base" },
        }),
        pushedAt: new Date("2026-11-27T09:00:00Z"),
      },
    ];
    const image = only([{ name: "berth-base", image: ref, registry: "" }], { baseImages });
    expect(image.problem).toBeNull();
    expect(image.image).toBe(`harbor.example.com/ml/pytorch-base:ce-analytics-${hash12(spec, ref)}`);
  });
});

describe("planCodeEnvImages: execution configs naming a Berth base image", () => {
  it("cannot build on a base image that has no revision yet, and says so", () => {
    const image = plan({
      executionConfigs: [
        {
          name: "torch",
          image: "berth:base-image/torch-base",
          registry: "",
          problem: "base image torch-base has no built revision yet: build it first",
        },
      ],
    }).images[0];
    expect(image).toMatchObject({
      image: "",
      problem: "Execution config torch: base image torch-base has no built revision yet: build it first",
    });
  });
});
