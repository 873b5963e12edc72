/**
 * Starts the simulator as its own process (as `npm start` does) and waits until it listens. Used by
 * the vitest global setup and by tests that need a private cluster to break (fault injection).
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

export async function startClusterProcess(extraArgs: string[] = []): Promise<ClusterProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-test-cluster-"));
  const kubeconfigPath = path.join(dir, "kubeconfig.yaml");
  const sim = spawn(process.execPath, ["--import", "tsx", "sim/main.ts", "--port", "0", "--kubeconfig", kubeconfigPath, ...extraArgs], {
    cwd: path.resolve(import.meta.dirname, ".."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("test cluster did not start in 30 s")), 30_000);
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
