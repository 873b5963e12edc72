import { describe, expect, it } from "vitest";

import {
  formatEntry,
  imageDigest,
  planKanikoBuild,
  repositoryOf,
  terminationMessage,
  type BuildPlan,
  type LogEntry,
} from "./kaniko";
import { executorArgv, isKanikoContainer, isKanikoImage, kanikoOptions } from "./kaniko-args";
import type { Pod } from "./model";
import { containerFiles, mountVolumes, type ObjectLookup } from "./volumes";

const files = (entries: Record<string, string>) =>
  containerFiles(
    { name: "k", volumeMounts: [{ name: "ctx", mountPath: "/workspace" }] },
    new Map([["ctx", new Map(Object.entries(entries))]]),
  );

const plan = (
  dockerfile: string,
  args: string[] = ["--destination=registry.example/team/base:1"],
  extra: Record<string, string> = {},
  failRun?: string,
): BuildPlan =>
  planKanikoBuild({
    options: kanikoOptions(["--context=dir:///workspace", ...args]),
    files: files({ Dockerfile: dockerfile, ...extra }),
    failRun,
  });

const text = (steps: LogEntry[][]) => steps.map((step) => step.map((e) => (e.level ? `${e.level} ${e.text}` : e.text)));

describe("recognising Kaniko", () => {
  it("by image, with any tag or digest, or by annotation", () => {
    expect(isKanikoImage("gcr.io/kaniko-project/executor")).toBe(true);
    expect(isKanikoImage("gcr.io/kaniko-project/executor:v1.23.2-debug")).toBe(true);
    expect(isKanikoImage("gcr.io/kaniko-project/executor@sha256:abc")).toBe(true);
    expect(isKanikoImage("mirror.local:5000/kaniko-project/executor:latest")).toBe(true);
    expect(isKanikoImage("gcr.io/kaniko-project/warmer")).toBe(false);
    expect(isKanikoImage("busybox")).toBe(false);
    expect(isKanikoContainer({ name: "b", image: "my/builder" }, { "sim.berth.dev/kaniko": "true" })).toBe(true);
    expect(isKanikoContainer({ name: "b", image: "my/builder" }, { "sim.berth.dev/kaniko": "b" })).toBe(true);
    expect(isKanikoContainer({ name: "c", image: "my/builder" }, { "sim.berth.dev/kaniko": "b" })).toBe(false);
  });

  it("reads the executor's flags as pflag does", () => {
    const argv = executorArgv({
      name: "k",
      command: ["/kaniko/executor"],
      args: [
        "-c",
        "dir://workspace",
        "--dockerfile",
        "sub/Dockerfile",
        "-d",
        "a/b:1",
        "--destination=c/d:2",
        "--build-arg=PY=3.12",
        "--build-arg",
        "EMPTY",
        "--no-push=false",
        "--cache",
        "--digest-file=/dev/termination-log",
      ],
    });
    expect(kanikoOptions(argv)).toEqual({
      context: "/workspace",
      remoteContext: undefined,
      dockerfile: "sub/Dockerfile",
      destinations: ["a/b:1", "c/d:2"],
      noPush: false,
      digestFile: "/dev/termination-log",
      buildArgs: { PY: "3.12", EMPTY: "" },
      target: undefined,
      logFormat: undefined,
      logTimestamp: false,
    });
    expect(kanikoOptions([]).context).toBe("/workspace");
    expect(kanikoOptions(["--context", "git://github.com/x/y.git"]).remoteContext).toBe("git://github.com/x/y.git");
    expect(kanikoOptions(["--no-push"]).noPush).toBe(true);
  });
});

describe("the build plan", () => {
  const dockerfile = `ARG PY=3.12
FROM python:\${PY}-slim
RUN pip install --no-cache-dir numpy
ENV LANG=C.UTF-8
WORKDIR /app
COPY requirements.txt .
CMD ["python"]
`;

  it("prints one group per step in Kaniko's wording, then pushes with a deterministic digest", () => {
    const result = plan(dockerfile, ["--destination=registry.example/team/base:1", "--destination=team/base:latest"], {
      "requirements.txt": "numpy\n",
    });
    expect(result.exitCode).toBe(0);
    expect(result.digest).toBe(
      imageDigest(dockerfile, { buildArgs: {}, destinations: ["registry.example/team/base:1", "team/base:latest"] }),
    );
    expect(text(result.steps)).toEqual([
      [
        "INFO Retrieving image manifest python:3.12-slim",
        "INFO Retrieving image python:3.12-slim from registry index.docker.io",
        "INFO Built cross stage deps: map[]",
      ],
      [
        "INFO Retrieving image manifest python:3.12-slim",
        "INFO Returning cached image manifest",
        "INFO Executing 0 build triggers",
        "INFO Building stage 'python:3.12-slim' [idx: '0', base-idx: '-1']",
        "INFO Unpacking rootfs as cmd RUN pip install --no-cache-dir numpy requires it.",
      ],
      [
        "INFO RUN pip install --no-cache-dir numpy",
        "INFO Initializing snapshotter ...",
        "INFO Taking snapshot of full filesystem...",
        "INFO Cmd: /bin/sh",
        "INFO Args: [-c pip install --no-cache-dir numpy]",
        "INFO Running: [/bin/sh -c pip install --no-cache-dir numpy]",
      ],
      ["INFO Taking snapshot of full filesystem..."],
      ["INFO ENV LANG=C.UTF-8"],
      [
        "INFO WORKDIR /app",
        "INFO Cmd: workdir",
        "INFO Changed working directory to /app",
        "INFO Creating directory /app with uid -1 and gid -1",
        "INFO Taking snapshot of files...",
      ],
      ["INFO COPY requirements.txt .", "INFO Taking snapshot of files..."],
      ['INFO CMD ["python"]'],
      ["INFO Pushing image to registry.example/team/base:1"],
      [`INFO Pushed registry.example/team/base@${result.digest}`],
      ["INFO Pushing image to team/base:latest"],
      [`INFO Pushed index.docker.io/team/base@${result.digest}`],
    ]);
    // Same inputs, same digest; a build arg changes it.
    expect(
      plan(dockerfile, ["--destination=registry.example/team/base:1", "--destination=team/base:latest"], {
        "requirements.txt": "",
      }).digest,
    ).toBe(result.digest);
    expect(
      plan(dockerfile, ["--destination=registry.example/team/base:1", "--build-arg=PY=3.11"], {
        "requirements.txt": "",
      }).steps[0][0].text,
    ).toBe("Retrieving image manifest python:3.11-slim");
  });

  it("fails at the start on a syntax error", () => {
    const result = plan("FROM python:3.12\nRUNN pip install x\n");
    expect(result.exitCode).toBe(1);
    expect(text(result.steps)).toEqual([
      [
        "error building image: parsing dockerfile: dockerfile parse error on line 2: unknown instruction: RUNN (did you mean run?)",
      ],
    ]);
  });

  it("fails the RUN marked by annotation or by the literal marker, after its output", () => {
    const byAnnotation = plan("FROM alpine\nRUN echo ok\nRUN apk add nope\nRUN echo after", undefined, {}, "apk add");
    expect(byAnnotation.exitCode).toBe(1);
    const lines = text(byAnnotation.steps).flat();
    expect(lines.slice(-4)).toEqual([
      "INFO Args: [-c apk add nope]",
      "INFO Running: [/bin/sh -c apk add nope]",
      'berth-sim: this RUN fails on purpose (annotation sim.berth.dev/fail-run="apk add")',
      "error building image: error building stage: failed to execute command: waiting for process to exit: exit status 1",
    ]);
    expect(lines).not.toContain("INFO RUN echo after");
    const byMarker = plan('FROM alpine\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN make # berth-sim: fail');
    expect(text(byMarker.steps).flat()).toContain("INFO Running: [/bin/bash -o pipefail -c make # berth-sim: fail]");
    expect(byMarker.steps.at(-1)?.at(-1)?.text).toMatch(
      /^error building image: error building stage: failed to execute command/,
    );
  });

  it("fails like the executor on bad flags and missing files", () => {
    expect(text(plan("FROM a", []).steps)[0][0]).toBe("Error: you must provide --destination, or use --no-push");
    expect(plan("FROM a", ["--no-push"]).exitCode).toBe(0);
    expect(text(plan("FROM a", ["--no-push"]).steps).at(-1)).toEqual([
      "INFO Skipping push to container registry due to --no-push flag",
    ]);
    expect(text(plan("FROM a", ["--no-push", "--dockerfile=nope/Dockerfile"]).steps)[0][0]).toBe(
      "Error: error resolving dockerfile path: please provide a valid path to a Dockerfile within the build context with --dockerfile",
    );
    const copy = plan("FROM a\nCOPY missing.txt /x", ["--no-push"]);
    expect(copy.exitCode).toBe(1);
    expect(copy.steps.at(-1)?.at(-1)?.text).toBe(
      "error building image: error building stage: failed to get files used from context: failed to get fileinfo for /workspace/missing.txt: lstat /workspace/missing.txt: no such file or directory",
    );
    expect(plan("FROM a\nCOPY *.txt /x", ["--no-push"], { "a.txt": "" }).exitCode).toBe(0);
    expect(plan("FROM a\nCOPY *.py /x", ["--no-push"]).exitCode).toBe(1);
    expect(plan("FROM a\nCOPY . /x\nADD https://example.com/f /f", ["--no-push"]).exitCode).toBe(0);
  });

  it("builds only the stages the target needs, from earlier stages", () => {
    const multi = plan(
      "FROM golang:1.22 AS build\nRUN go build -o /out/app\nFROM alpine AS unused\nRUN echo never\nFROM alpine:3.20\nCOPY --from=build /out/app /app",
      ["--no-push"],
    );
    const lines = text(multi.steps).flat();
    expect(lines).toContain("INFO Built cross stage deps: map[0:[/out/app]]");
    expect(lines).toContain("INFO Saving file /out/app for later use");
    expect(lines).toContain("INFO Building stage 'alpine:3.20' [idx: '2', base-idx: '-1']");
    expect(lines).not.toContain("INFO RUN echo never");
    const fromImage = text(
      plan("FROM alpine\nCOPY --from=ghcr.io/astral-sh/uv:0.9.21 /uv /usr/local/bin/uv", ["--no-push"]).steps,
    )[0];
    expect(fromImage).toContain("INFO Retrieving image ghcr.io/astral-sh/uv:0.9.21 from registry ghcr.io");
    // A global ARG reaches a stage through `ARG NAME`, and expands in WORKDIR.
    expect(text(plan("ARG DIR=/srv\nFROM a\nARG DIR\nWORKDIR $DIR/app", ["--no-push"]).steps).flat()).toContain(
      "INFO Changed working directory to /srv/app",
    );
    const chained = text(plan("FROM alpine AS base\nRUN echo a\nFROM base\nRUN echo b", ["--no-push"]).steps).flat();
    expect(chained).toContain("INFO Storing source image from stage 0 at path /kaniko/stages/0");
    expect(chained).toContain("INFO Base image from previous stage 0 found, using saved tar at path /kaniko/stages/0");
    expect(text(plan("FROM a AS x\nFROM b", ["--no-push", "--target=y"]).steps)).toEqual([
      ["error building image: y is not a valid target build stage"],
    ]);
  });

  it("formats lines like logrus and fills the termination message", () => {
    const entry: LogEntry = { level: "INFO", text: "Taking snapshot of full filesystem..." };
    expect(formatEntry(entry, { logTimestamp: false }, 0, 3500)).toBe(
      "INFO[0003] Taking snapshot of full filesystem...",
    );
    expect(formatEntry(entry, { logFormat: "color", logTimestamp: false }, 0, 3500)).toBe(
      "\x1b[36mINFO\x1b[0m[0003] Taking snapshot of full filesystem...        ",
    );
    expect(formatEntry(entry, { logTimestamp: true }, 0, Date.UTC(2026, 0, 2, 3, 4, 5))).toBe(
      "INFO[2026-01-02T03:04:05Z] Taking snapshot of full filesystem...",
    );
    expect(formatEntry(entry, { logFormat: "json", logTimestamp: false }, 0, 0)).toBe(
      '{"level":"info","msg":"Taking snapshot of full filesystem...","time":"1970-01-01T00:00:00Z"}',
    );
    expect(formatEntry({ text: "error building image: x" }, { logTimestamp: false }, 0, 9000)).toBe(
      "error building image: x",
    );
    const ok = plan("FROM a");
    expect(terminationMessage({}, ok, "/dev/termination-log", [])).toBe(ok.digest);
    expect(terminationMessage({}, ok, undefined, [])).toBeUndefined();
    expect(terminationMessage({ terminationMessagePath: "/tmp/digest" }, ok, "/tmp/digest", [])).toBe(ok.digest);
    const bad = plan("FROM a\nRUN x # berth-sim: fail");
    expect(terminationMessage({}, bad, "/dev/termination-log", ["a", "b"])).toBeUndefined();
    expect(terminationMessage({ terminationMessagePolicy: "FallbackToLogsOnError" }, bad, undefined, ["a", "b"])).toBe(
      "a\nb\n",
    );
    expect(repositoryOf("busybox:1.36")).toBe("index.docker.io/library/busybox");
    expect(repositoryOf("localhost:5000/x/y@sha256:00")).toBe("localhost:5000/x/y");
  });
});

describe("volumes", () => {
  const pod = (volumes: NonNullable<Pod["spec"]["volumes"]>): Pod => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "n", uid: "u" },
    spec: { containers: [], volumes },
  });
  const objects: ObjectLookup = (resource, name) =>
    resource === "configmaps" && name === "ctx"
      ? { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { Dockerfile: "FROM a", "req.txt": "x" } }
      : resource === "secrets" && name === "creds"
        ? {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name },
            data: { ".dockerconfigjson": Buffer.from("{}").toString("base64") },
          }
        : undefined;

  it("mounts ConfigMaps, Secrets and projections, with items and subPath", () => {
    const result = mountVolumes(
      pod([
        { name: "ctx", configMap: { name: "ctx", items: [{ key: "Dockerfile", path: "build/Dockerfile" }] } },
        {
          name: "docker",
          projected: {
            sources: [
              { secret: { name: "creds", items: [{ key: ".dockerconfigjson", path: "config.json" }] } },
              { configMap: { name: "ctx" } },
            ],
          },
        },
        { name: "scratch", emptyDir: {} },
      ]),
      objects,
    );
    if (!result.ok) throw new Error(result.message);
    const view = containerFiles(
      {
        name: "k",
        volumeMounts: [
          { name: "ctx", mountPath: "/workspace" },
          { name: "docker", mountPath: "/kaniko/.docker" },
          { name: "docker", mountPath: "/workspace/build/req.txt", subPath: "req.txt" },
        ],
      },
      result.volumes,
    );
    expect(view.read("/workspace/build/Dockerfile")).toBe("FROM a");
    expect(view.read("/kaniko/.docker/config.json")).toBe("{}");
    expect(view.read("/workspace/build/req.txt")).toBe("x");
    expect(view.exists("/workspace/build")).toBe(true);
    expect(view.list("/workspace")).toEqual(["/workspace/build/Dockerfile", "/workspace/build/req.txt"]);
  });

  it("fails the mount with the kubelet's message", () => {
    expect(mountVolumes(pod([{ name: "ctx", configMap: { name: "gone" } }]), objects)).toEqual({
      ok: false,
      volume: "ctx",
      message: 'MountVolume.SetUp failed for volume "ctx" : configmap "gone" not found',
    });
    expect(mountVolumes(pod([{ name: "ctx", configMap: { name: "gone", optional: true } }]), objects).ok).toBe(true);
    expect(mountVolumes(pod([{ name: "creds", secret: { secretName: "nope" } }]), objects)).toMatchObject({
      message: 'MountVolume.SetUp failed for volume "creds" : secret "nope" not found',
    });
    expect(
      mountVolumes(pod([{ name: "ctx", configMap: { name: "ctx", items: [{ key: "Missing", path: "m" }] } }]), objects),
    ).toMatchObject({
      message: 'MountVolume.SetUp failed for volume "ctx" : configmap references non-existent config key: Missing',
    });
  });
});
