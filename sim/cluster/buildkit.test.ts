import { describe, expect, it } from "vitest";

import {
  buildctlArgv,
  buildctlOptions,
  buildkitMetadata,
  isBuildkitContainer,
  normalizedName,
  planBuildkitBuild,
} from "./buildkit";
import type { BuildPlan } from "./kaniko";
import { containerFiles } from "./volumes";

/** The container of moby/buildkit examples/kubernetes/job.rootless.yaml, pushing as Berth's Job does. */
const JOB_ROOTLESS = {
  name: "buildkit",
  image: "moby/buildkit:v0.23.2-rootless",
  command: ["buildctl-daemonless.sh"],
  args: [
    "build",
    "--frontend",
    "dockerfile.v0",
    "--local",
    "context=/workspace",
    "--local",
    "dockerfile=/workspace",
    "--output",
    "type=image,name=registry.example/team/base:1,push=true",
    "--metadata-file=/dev/termination-log",
  ],
};

const files = (entries: Record<string, string>) =>
  containerFiles(
    { name: "b", volumeMounts: [{ name: "ctx", mountPath: "/workspace" }] },
    new Map([["ctx", new Map(Object.entries(entries))]]),
  );

const plan = (dockerfile: string, extra: Record<string, string> = {}, failRun?: string): BuildPlan =>
  planBuildkitBuild({
    options: buildctlOptions(buildctlArgv(JOB_ROOTLESS)!),
    files: files({ Dockerfile: dockerfile, ...extra }),
    failRun,
    stepMs: 300,
  });

const lines = (result: BuildPlan) => result.steps.flat().map((entry) => entry.text);

describe("recognising BuildKit builds", () => {
  it("by a buildctl build in a BuildKit image, or by annotation; a buildkitd daemon is not a build", () => {
    expect(isBuildkitContainer(JOB_ROOTLESS, undefined)).toBe(true);
    expect(
      isBuildkitContainer({ ...JOB_ROOTLESS, image: "mirror.local:5000/moby/buildkit@sha256:abc" }, undefined),
    ).toBe(true);
    expect(
      isBuildkitContainer(
        { name: "d", image: "moby/buildkit:rootless", args: ["--oci-worker-no-process-sandbox"] },
        undefined,
      ),
    ).toBe(false);
    expect(
      isBuildkitContainer({ name: "b", image: "my/builder", command: ["sh"] }, { "sim.berth.dev/buildkit": "b" }),
    ).toBe(true);
    expect(isBuildkitContainer({ ...JOB_ROOTLESS, image: "busybox" }, undefined)).toBe(false);
  });

  it("reads buildctl's flags: locals, filename, build args, target, outputs and the metadata file", () => {
    const options = buildctlOptions([
      "--addr",
      "unix:///run/buildkit.sock",
      "build",
      "--frontend=dockerfile.v0",
      "--local",
      "context=/src",
      "--local",
      "dockerfile=/src/docker",
      "--opt",
      "filename=Build.dockerfile",
      "--opt",
      "build-arg:PY=3.12",
      "--opt",
      "target=final",
      "-o",
      'type=image,"name=a/b:1,c/d:2",push=true',
      "--metadata-file",
      "/tmp/meta.json",
    ]);
    expect(options).toEqual({
      context: "/src",
      dockerfile: "/src/docker/Build.dockerfile",
      destinations: ["a/b:1", "c/d:2"],
      push: true,
      buildArgs: { PY: "3.12" },
      target: "final",
      metadataFile: "/tmp/meta.json",
      frontend: "dockerfile.v0",
    });
    expect(normalizedName("python:3.12-slim")).toBe("docker.io/library/python:3.12-slim");
    expect(normalizedName("registry.example:5000/team/base")).toBe("registry.example:5000/team/base:latest");
  });
});

describe("the simulated BuildKit build", () => {
  it("prints buildctl's plain progress, numbering only the steps that make layers, and pushes", () => {
    const result = plan("FROM python:3.12-slim\nENV A=1\nRUN pip install numpy\nCOPY app.py /app/\n", {
      "app.py": "print(1)\n",
    });
    expect(result.exitCode).toBe(0);
    expect(result.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const log = lines(result);
    expect(log[0]).toBe("#1 [internal] load build definition from Dockerfile");
    expect(log).toContain("#2 [internal] load metadata for docker.io/library/python:3.12-slim");
    expect(
      log.some((line) => /^#\d+ \[1\/3\] FROM docker\.io\/library\/python:3\.12-slim@sha256:[a-f0-9]{64}$/.test(line)),
    ).toBe(true);
    expect(log).toContain("#6 [2/3] RUN pip install numpy");
    expect(log).toContain("#7 [3/3] COPY app.py /app/");
    expect(log).toContain(`#8 pushing manifest for registry.example/team/base:1@${result.digest} 0.1s done`);
    const metadata = JSON.parse(buildkitMetadata(result, buildctlOptions(buildctlArgv(JOB_ROOTLESS)!))!);
    expect(metadata["containerimage.digest"]).toBe(result.digest);
    expect(Object.keys(metadata)).toEqual([
      "containerimage.config.digest",
      "containerimage.descriptor",
      "containerimage.digest",
      "image.name",
    ]);
  });

  it("names stages in a multi-stage build and builds only what the target needs", () => {
    const log = lines(
      plan(
        "FROM golang:1.23 AS builder\nRUN go build\nFROM alpine AS unused\nRUN true\nFROM python:3.12-slim\nCOPY --from=builder /out /out\n",
      ),
    );
    expect(log).toContain("#6 [builder 2/2] RUN go build");
    expect(log.some((line) => line.includes("[stage-2 2/2] COPY --from=builder /out /out"))).toBe(true);
    expect(log.some((line) => line.includes("unused"))).toBe(false);
  });

  it("fails a marked RUN as buildctl does: the step's ERROR, the summary and `error: failed to solve`", () => {
    const result = plan("FROM python:3.12-slim\nRUN echo ok\nRUN make all # berth-sim: fail\nRUN echo never\n");
    expect(result.exitCode).toBe(1);
    const log = lines(result);
    expect(log).toContain(
      '#6 ERROR: process "/bin/sh -c make all # berth-sim: fail" did not complete successfully: exit code: 1',
    );
    expect(log).toContain(" > [3/4] RUN make all # berth-sim: fail:");
    expect(log.at(-1)).toBe(
      'error: failed to solve: process "/bin/sh -c make all # berth-sim: fail" did not complete successfully: exit code: 1',
    );
    expect(log.some((line) => line.includes("echo never"))).toBe(false);
    expect(buildkitMetadata(result, buildctlOptions(buildctlArgv(JOB_ROOTLESS)!))).toBeUndefined();
  });

  it("fails a COPY whose source is not in the context, and a missing Dockerfile", () => {
    const copy = plan("FROM python:3.12-slim\nCOPY missing.txt /app/\n");
    expect(copy.exitCode).toBe(1);
    expect(lines(copy).at(-1)).toMatch(
      /^error: failed to solve: failed to calculate checksum of ref [a-f0-9]+::[a-f0-9]+: "\/missing.txt": not found$/,
    );
    const none = planBuildkitBuild({
      options: buildctlOptions(buildctlArgv(JOB_ROOTLESS)!),
      files: files({}),
      stepMs: 300,
    });
    expect(lines(none).at(-1)).toBe(
      "error: failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory",
    );
  });
});
