import { describe, expect, it } from "vitest";

import { containerCreateBody } from "@/lib/docker/container-body";
import type { ContainerState } from "@/lib/docker/containers";
import { RunEnvError } from "@/lib/execution-configs/pod";

import { dockerRunInput, dockerRunStatus, type DockerRunConfig } from "./docker-objects";
import type { RunIdentity } from "./objects";

const config: DockerRunConfig = {
  name: "docker-small",
  image: "library/debian:bookworm",
  registry: "127.0.0.1:5000",
  resources: { requests: { cpu: "250m" }, limits: { cpu: "1.5", memory: "512Mi" } },
  gpu: { count: 0, type: "", tolerationKey: "nvidia.com/gpu" },
  env: [
    { name: "MODE", value: "batch" },
    { name: "LOCKED", value: "yes", pinned: true },
  ],
  allowedReservedEnv: [],
};
const identity: RunIdentity = { runId: "abc123", user: "ann@example", project: "churn", activity: "python-recipe" };

describe("dockerRunInput", () => {
  it("builds the container a run creates: image with registry, python3 script, env, limits, labels", () => {
    const input = dockerRunInput(config, identity, {
      script: "print('hi')",
      env: { MODE: "stream", EXTRA: "1" },
      resolutionSummary: "",
    });
    expect(containerCreateBody(input)).toEqual({
      Image: "127.0.0.1:5000/library/debian:bookworm",
      Cmd: ["python3", "-c", "print('hi')"],
      Env: ["EXTRA=1", "LOCKED=yes", "MODE=stream"],
      Labels: {
        "app.kubernetes.io/managed-by": "berth",
        "berth.dev/activity": "python-recipe",
        "berth.dev/exec-config": "docker-small",
        "berth.dev/project": "churn",
        "berth.dev/run": "abc123",
        "berth.dev/user": "ann-example",
      },
      HostConfig: { NanoCpus: 1_500_000_000, Memory: 536_870_912, MemorySwap: 536_870_912 },
    });
  });

  it("uses the code env's image and the run's argv as given, never through a shell", () => {
    const input = dockerRunInput(config, identity, {
      command: ["python3", "-c", "import os; os.system('$(id)')"],
      image: "envs/churn:3",
      resolutionSummary: "",
    });
    expect(input.image).toBe("127.0.0.1:5000/envs/churn:3");
    expect(input.command).toEqual(["python3", "-c", "import os; os.system('$(id)')"]);
  });

  it("takes the request when there is no limit, and asks for GPUs with the nvidia driver", () => {
    const input = dockerRunInput(
      {
        ...config,
        resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: {} },
        gpu: { ...config.gpu, count: 2 },
      },
      identity,
      { resolutionSummary: "" },
    );
    expect(input).toMatchObject({
      nanoCpus: 250_000_000,
      memoryBytes: 1_073_741_824,
      gpus: { count: 2, driver: "nvidia" },
    });
  });

  it("refuses a pinned or reserved env name, as for pods", () => {
    expect(() => dockerRunInput(config, identity, { env: { LOCKED: "no" }, resolutionSummary: "" })).toThrow(
      RunEnvError,
    );
    expect(() =>
      dockerRunInput(config, identity, { env: { KUBERNETES_SERVICE_HOST: "x" }, resolutionSummary: "" }),
    ).toThrow(RunEnvError);
  });
});

const exited = (exitCode: number, extra: Partial<ContainerState> = {}): ContainerState => ({
  id: "c1",
  name: "berth-run",
  image: "i",
  labels: {},
  status: "exited",
  running: false,
  exitCode,
  oomKilled: false,
  error: null,
  startedAt: new Date("2026-12-01T10:00:00Z"),
  finishedAt: new Date("2026-12-01T10:01:00Z"),
  ...extra,
});

describe("dockerRunStatus", () => {
  it("maps a running container to running and exit 0 to succeeded", () => {
    expect(
      dockerRunStatus({ ...exited(0), status: "running", running: true, exitCode: null, finishedAt: null }),
    ).toMatchObject({ status: "running", exitCode: null });
    expect(dockerRunStatus(exited(0))).toMatchObject({ status: "succeeded", exitCode: 0, reason: null });
  });

  it("fails with the exit code", () => {
    expect(dockerRunStatus(exited(3))).toMatchObject({ status: "failed", exitCode: 3, reason: "Exited with code 3" });
  });

  it("says OOMKilled when the engine reports it, and most likely out of memory for a SIGKILL under a memory limit", () => {
    expect(dockerRunStatus(exited(137, { oomKilled: true }), 64 * 1024 * 1024).reason).toBe(
      "OOMKilled: the container used more memory than its limit (limit 64 MiB)",
    );
    expect(dockerRunStatus(exited(137), 64 * 1024 * 1024).reason).toBe(
      "Killed (exit code 137, SIGKILL): most likely out of memory (limit 64 MiB); the engine did not report OOMKilled",
    );
    expect(dockerRunStatus(exited(137)).reason).toBe("Exited with code 137");
  });

  it("gives the engine's own error for a container that could not run", () => {
    expect(dockerRunStatus(exited(127, { error: "executable file `nope` not found in $PATH" })).reason).toBe(
      "The engine could not run the container: executable file `nope` not found in $PATH",
    );
  });

  it("keeps a created container pending", () => {
    expect(dockerRunStatus({ ...exited(0), status: "created", exitCode: null })).toMatchObject({ status: "pending" });
  });
});
