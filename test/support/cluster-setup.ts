/**
 * vitest global setup: a real simulated cluster for the console's integration tests, started as
 * its own process and reached only through the kubeconfig it writes (as `npm start` does).
 * Tests read the path with `inject("kubeconfigPath")`.
 */
import type { TestProject } from "vitest/node";

import { startClusterProcess } from "./cluster-process";

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfigPath: string;
  }
}

export default async function setup(project: TestProject) {
  const cluster = await startClusterProcess(["--nodes", "4", "--gpu-nodes", "2", "--gpus-per-node", "4"]);
  project.provide("kubeconfigPath", cluster.kubeconfigPath);
  return () => cluster.stop();
}
