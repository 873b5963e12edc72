/**
 * The container of a run on a Docker host, built from the resolved execution config: pure (no
 * database, no engine), so labels, env rules, limits and the status a container's state means
 * are unit-tested, and the config preview can show the same body a run creates.
 */
import { parseQuantity, unitValue } from "@berth/quantity";
import type { DockerContainerInput } from "@/lib/docker/container-body";
import type { ContainerState } from "@/lib/docker/containers";
import { configGpuCount } from "@/lib/execution-configs/gpu";
import { RunEnvError } from "@/lib/execution-configs/pod";
import { runEnvProblems } from "@/lib/execution-configs/reserved-env";
import type { ExecutionConfigInput } from "@/lib/execution-configs/schema";
import { BERTH_LABELS, MANAGED_BY_BERTH } from "@/lib/kube/labels";
import { resolveImage } from "@/lib/kube/pod-builder";
import type { ActivityType } from "@/lib/resolution/activities";

import { runLabels, type RunIdentity, type RunPayload } from "./objects";
import type { DerivedRunStatus } from "./status";

/** What of an execution config a container needs (a `docker` config may also name a working dir). */
export type DockerRunConfig = Pick<
  ExecutionConfigInput,
  "name" | "image" | "registry" | "resources" | "gpu" | "env"
> & {
  allowedReservedEnv?: string[];
  workingDir?: string;
};

const R_ACTIVITIES: readonly ActivityType[] = ["r-recipe", "r-notebook"];

/**
 * The container's argv: the run's own command, else its script through the activity's
 * interpreter. Python scripts go to `python3`: Debian-based images (the usual base of a Docker
 * host's images) have no `python` alias.
 */
export function dockerRunCommand(activity: ActivityType, payload: Pick<RunPayload, "command" | "script">): string[] {
  if (payload.command?.length) return payload.command;
  if (!payload.script?.trim()) return [];
  return R_ACTIVITIES.includes(activity) ? ["Rscript", "-e", payload.script] : ["python3", "-c", payload.script];
}

/** The labels a run's container carries: the run's `berth.dev/*` labels, its config and managed-by. */
export function dockerRunLabels(identity: RunIdentity, configName: string): Record<string, string> {
  return { ...runLabels(identity), [BERTH_LABELS.execConfig]: configName, ...MANAGED_BY_BERTH };
}

/** The labels that select every container Berth runs on a host. */
export const BERTH_CONTAINERS: Record<string, string> = { ...MANAGED_BY_BERTH };

/** A quantity as a whole number of units ("512Mi" → 536870912), or undefined when absent. */
function units(quantity: string | undefined): number | undefined {
  return quantity === undefined ? undefined : Number(unitValue(parseQuantity(quantity)));
}

/** A CPU quantity in the Engine API's billionths of a CPU ("1.5" → 1_500_000_000, "250m" → 250_000_000). */
function nanoCpus(quantity: string | undefined): number | undefined {
  return quantity === undefined ? undefined : Number(parseQuantity(quantity).nano);
}

/**
 * The container a run creates on a Docker host: the config's image (or the code env's), the
 * config's env with the run's over it (reserved and pinned names refused, as for pods: a
 * RunEnvError), its CPU and memory limits, GPUs, and Berth's labels.
 */
export function dockerRunInput(
  config: DockerRunConfig,
  identity: RunIdentity,
  payload: RunPayload,
): DockerContainerInput {
  const problems = runEnvProblems(
    { env: config.env, allowedReservedEnv: config.allowedReservedEnv ?? [] },
    payload.env,
    `config ${config.name}`,
  );
  if (problems.length) throw new RunEnvError(problems);
  const env: Record<string, string> = Object.fromEntries(config.env.map((variable) => [variable.name, variable.value]));
  for (const [name, value] of Object.entries(payload.env ?? {})) env[name] = value;
  // A container has one limit per resource: the limit, else the request (what a pod would be given at least).
  const limit = (resource: string) => config.resources.limits[resource] ?? config.resources.requests[resource];
  const gpus = configGpuCount(config);
  return {
    image: resolveImage(config, payload.image),
    command: dockerRunCommand(identity.activity, payload),
    env,
    ...(config.workingDir ? { workingDir: config.workingDir } : {}),
    ...(limit("cpu") !== undefined ? { nanoCpus: nanoCpus(limit("cpu")) } : {}),
    ...(limit("memory") !== undefined ? { memoryBytes: units(limit("memory")) } : {}),
    ...(gpus > 0 ? { gpus: { count: gpus, driver: "nvidia" as const } } : {}),
    labels: dockerRunLabels(identity, config.name),
  };
}

const SIGKILL_EXIT = 137;

function mebibytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}

/**
 * A run's status from its container's state, in words a data scientist can act on. An
 * over-memory container is `OOMKilled` where the engine says so; podman 4.3 with runc on cgroup v1
 * does not (State.OOMKilled stays false, the exit code is 137 = SIGKILL), so a SIGKILL of a
 * container with a memory limit that Berth did not send is told as "most likely out of memory".
 */
export function dockerRunStatus(state: ContainerState, memoryBytes?: number): DerivedRunStatus {
  const base = { startedAt: state.startedAt, finishedAt: state.finishedAt };
  if (state.running || state.status === "paused" || state.status === "restarting")
    return { status: "running", reason: null, exitCode: null, ...base };
  if (state.status === "created" || state.status === "configured" || state.status === "initialized") {
    return {
      status: "pending",
      reason: "The container is created and waits to start",
      exitCode: null,
      startedAt: null,
      finishedAt: null,
    };
  }
  const exitCode = state.exitCode ?? null;
  const limit = memoryBytes ? ` (limit ${mebibytes(memoryBytes)})` : "";
  if (state.oomKilled) {
    return {
      status: "failed",
      reason: `OOMKilled: the container used more memory than its limit${limit}`,
      exitCode,
      ...base,
    };
  }
  if (state.error)
    return { status: "failed", reason: `The engine could not run the container: ${state.error}`, exitCode, ...base };
  if (exitCode === 0) return { status: "succeeded", reason: null, exitCode, ...base };
  if (exitCode === SIGKILL_EXIT && memoryBytes) {
    return {
      status: "failed",
      reason: `Killed (exit code 137, SIGKILL): most likely out of memory${limit}; the engine did not report OOMKilled`,
      exitCode,
      ...base,
    };
  }
  if (exitCode === null) return { status: "failed", reason: `The container is ${state.status}`, exitCode, ...base };
  return { status: "failed", reason: `Exited with code ${exitCode}`, exitCode, ...base };
}
