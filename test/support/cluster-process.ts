/**
 * Starts the simulator as its own process (as `npm start` does) and waits until it listens. Used by
 * the vitest global setup and by tests that need a private cluster to break (fault injection).
 * With `script: "scripts/real-cluster.ts"` it starts the real control plane instead, which prints
 * the same kind of ready line.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";

export interface ClusterProcess {
  kubeconfigPath: string;
  stop(): void;
}

export interface ClusterProcessOptions {
  /** The program to run, relative to the repository (default: the simulator). */
  script?: string;
  readyTimeoutMs?: number;
}

export async function startClusterProcess(
  extraArgs: string[] = [],
  options: ClusterProcessOptions = {},
): Promise<ClusterProcess> {
  const { script = "sim/main.ts", readyTimeoutMs = 30_000 } = options;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-test-cluster-"));
  const kubeconfigPath = path.join(dir, "kubeconfig.yaml");
  const sim = spawn(
    process.execPath,
    ["--import", "tsx", script, "--port", "0", "--kubeconfig", kubeconfigPath, ...extraArgs],
    {
      cwd: path.resolve(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`test cluster did not start in ${readyTimeoutMs / 1000} s`)),
      readyTimeoutMs,
    );
    sim.on("exit", (code) => reject(new Error(`test cluster exited with code ${code}`)));
    readline.createInterface({ input: sim.stdout! }).on("line", (line) => {
      if (/listening on/i.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return {
    kubeconfigPath,
    stop() {
      sim.kill("SIGTERM");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
