/**
 * Runs a Kaniko or BuildKit container for the kubelet: reads the flags and mounted files, plans the
 * build (kaniko.ts, buildkit.ts) and plays it into the container's log one step per tick on the kubelet's shared
 * TimerQueue, then reports how the container exited. No per-pod timers of its own.
 */
import { posix } from "node:path";

import type { PodBehaviour } from "./annotations";
import { buildctlArgv, buildctlOptions, buildkitMetadata, planBuildkitBuild } from "./buildkit";
import { formatEntry, planKanikoBuild, terminationMessage, type BuildPlan, type LogEntry } from "./kaniko";
import { executorArgv, kanikoOptions } from "./kaniko-args";
import type { LogBuffer } from "./logs";
import type { Container } from "./model";
import type { TimerQueue } from "./timer-queue";
import type { ContainerFiles } from "./volumes";

const DEFAULT_STEP_MS = 300;

export interface BuildExit {
  exitCode: number;
  reason: "Completed" | "Error";
  /** The terminated state's message (the digest, or the log tail on failure when asked for). */
  message?: string;
}

/** Time between steps: `step-ms`, else `duration` spread over the steps, else `log-rate`, else 300 ms. */
export function stepInterval(behaviour: PodBehaviour, steps: number): number {
  if (behaviour.stepMs !== undefined) return behaviour.stepMs;
  if (behaviour.durationMs !== undefined) return behaviour.durationMs / Math.max(1, steps - 1);
  if (behaviour.logRate) return 1000 / behaviour.logRate;
  return DEFAULT_STEP_MS;
}

export interface BuildRun {
  container: Container;
  files: ContainerFiles;
  behaviour: PodBehaviour;
  logs: LogBuffer;
  timers: TimerQueue;
  /** False once this container instance stopped (killed, deleted, restarted): the build goes quiet. */
  alive: () => boolean;
  exited: (exit: BuildExit) => void;
}

/** Plays a plan into the container's log one step per tick, then reports how it exited. */
function playPlan(
  run: BuildRun,
  plan: BuildPlan,
  line: (entry: LogEntry, startedAt: number, now: number) => string,
  message: (printed: string[]) => string | undefined,
): void {
  const stepMs = stepInterval(run.behaviour, plan.steps.length);
  const started = Date.now();
  const printed: string[] = [];
  let index = 0;
  const tick = () => {
    if (!run.alive()) return;
    const now = Date.now();
    for (const entry of plan.steps[index] ?? []) {
      const text = line(entry, started, now);
      printed.push(text);
      run.logs.append(text, now);
    }
    index++;
    if (index < plan.steps.length) {
      run.timers.after(stepMs, tick);
      return;
    }
    run.exited({
      exitCode: plan.exitCode,
      reason: plan.exitCode === 0 ? "Completed" : "Error",
      message: message(printed),
    });
  };
  // The first lines come on the next turn: the kubelet finishes starting the pod (phase Running) first.
  run.timers.after(0, tick);
}

export function runKaniko(run: BuildRun): BuildPlan {
  const options = kanikoOptions(executorArgv(run.container));
  const plan = planKanikoBuild({ options, files: run.files, failRun: run.behaviour.failRun });
  playPlan(
    run,
    plan,
    (entry, started, now) => formatEntry(entry, options, started, now),
    (printed) => terminationMessage(run.container, plan, options.digestFile, printed),
  );
  return plan;
}

/**
 * A BuildKit `buildctl-daemonless.sh build` container (buildkit.ts). Its result reaches the
 * termination message when `--metadata-file` is the container's terminationMessagePath.
 */
export function runBuildkit(run: BuildRun): BuildPlan {
  const options = buildctlOptions(buildctlArgv(run.container) ?? []);
  const estimate = stepInterval(run.behaviour, 12);
  const plan = planBuildkitBuild({ options, files: run.files, failRun: run.behaviour.failRun, stepMs: estimate });
  const path = run.container.terminationMessagePath || "/dev/termination-log";
  const writesResult =
    options.metadataFile !== undefined && posix.normalize(options.metadataFile) === posix.normalize(path);
  playPlan(
    run,
    plan,
    (entry) => entry.text,
    (printed) =>
      writesResult
        ? buildkitMetadata(plan, options)
        : terminationMessage(run.container, { ...plan, digest: undefined }, undefined, printed),
  );
  return plan;
}

/** Runs the container's build with its executor (buildkit.ts isBuildkitContainer tells which). */
export function runBuild(run: BuildRun, executor: "kaniko" | "buildkit"): BuildPlan {
  return executor === "buildkit" ? runBuildkit(run) : runKaniko(run);
}
