import "server-only";

import { closeDb } from "@/db";
import { env } from "@/lib/env";
import { stopBuildRunner } from "@/lib/images/build-runner";
import { stopAllInformers } from "@/lib/kube/informers";

/**
 * Graceful stop on SIGTERM (what Kubernetes sends a pod) and SIGINT, shared with Next's own
 * handler rather than replacing it. Next's server (next/dist/server/lib/start-server.js, 16.4)
 * already stops accepting connections, waits for the requests in flight and then exits with
 * 128 + signal. What it cannot know is ours: live streams (SSE, followed logs) never finish by
 * themselves, so they are ended here; the watches and the build runner stop starting new work;
 * SQLite is closed (its WAL checkpointed) as the process exits; and a stop that drained within
 * BERTH_SHUTDOWN_GRACE_SECONDS exits 0, one that did not is ended with 1 before the kubelet's
 * SIGKILL would. Writes are never cut in half: every SQLite transaction runs synchronously
 * within one turn of the event loop, and the process only exits between turns.
 */
interface ShutdownState {
  installed: boolean;
  stopping: boolean;
  forced: boolean;
  controller: AbortController;
}

const globalForShutdown = globalThis as unknown as { berthShutdown?: ShutdownState };
const state = (globalForShutdown.berthShutdown ??= {
  installed: false,
  stopping: false,
  forced: false,
  controller: new AbortController(),
});

/** Whether the server has begun to stop (readiness answers 503 from then on). */
export function isShuttingDown(): boolean {
  return state.stopping;
}

/**
 * A signal that aborts when the request goes away or the server begins to stop: what a
 * long-lived response (a stream, a followed log) ends on, so that it does not hold the stop up.
 */
export function untilShutdown(signal: AbortSignal): AbortSignal {
  return AbortSignal.any([signal, state.controller.signal]);
}

function beginShutdown(signal: NodeJS.Signals): void {
  if (state.stopping) return;
  state.stopping = true;
  const graceSeconds = env().BERTH_SHUTDOWN_GRACE_SECONDS;
  console.log(`Berth is stopping (${signal}): finishing the requests in flight, at most ${graceSeconds} s.`);
  const deadline = setTimeout(() => {
    state.forced = true;
    console.error(
      `Berth could not finish its requests within ${graceSeconds} s (BERTH_SHUTDOWN_GRACE_SECONDS): stopping now.`,
    );
    process.exit(1);
  }, graceSeconds * 1000);
  // The deadline only cuts a stop short: it must not keep a finished process alive.
  deadline.unref();
  state.controller.abort();
  for (const [what, stop] of [
    ["the image build runner", stopBuildRunner],
    ["the cluster watches", stopAllInformers],
  ] as const) {
    try {
      stop();
    } catch (error) {
      console.error(`Berth could not stop ${what}: ${error instanceof Error ? error.message : error}`);
    }
  }
}

/** Installs the stop handlers once per server process (instrumentation.ts calls it after bootstrap). */
export function installGracefulShutdown(): void {
  if (state.installed) return;
  state.installed = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => beginShutdown(signal));
  process.on("exit", () => {
    closeDb();
    // Next exits with 128 + signal once it has drained; a stop that was asked for and completed
    // in time is a success, so the container (and the kubelet) see exit code 0. `exit` listeners
    // run before the code is handed to the system, so this one replaces Next's.
    if (state.stopping && !state.forced) process.exitCode = 0;
  });
}
