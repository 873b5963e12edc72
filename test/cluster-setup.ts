/**
 * vitest global setup: a real simulated cluster for the console's integration tests, started as
 * its own process and reached only through the kubeconfig it writes (as `npm start` does).
 * Tests read the path with `inject("kubeconfigPath")`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfigPath: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-test-cluster-"));
  const kubeconfigPath = path.join(dir, "kubeconfig.yaml");
  const sim = spawn(process.execPath, ["--import", "tsx", "sim/main.ts", "--port", "0", "--kubeconfig", kubeconfigPath, "--nodes", "4", "--gpu-nodes", "2", "--gpus-per-node", "4"], {
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
  project.provide("kubeconfigPath", kubeconfigPath);
  return () => {
    sim.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
