/**
 * vitest global setup of the real-cluster tier: builds the binaries when the cache lacks them,
 * starts the real control plane (scripts/real-cluster.ts), applies `deploy/rbac/` (Berth's account,
 * not the console's Deployment) with the admin kubeconfig and hands the tests a kubeconfig holding
 * a token of Berth's own ServiceAccount, so a permission missing from deploy/rbac/ fails a test.
 * `inject("kubeconfigPath")` is that least-privilege kubeconfig, as the simulator tier's is the
 * simulator's; `inject("adminKubeconfigPath")` is the cluster admin's, for arranging and checking
 * what Berth did.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";

import "../support/cluster-kind";

import { startClusterProcess } from "../support/cluster-process";
import { serviceAccountKubeconfig } from "./service-account";

declare module "vitest" {
  export interface ProvidedContext {
    kubeconfigPath: string;
    adminKubeconfigPath: string;
  }
}

const root = path.resolve(import.meta.dirname, "..", "..");

export default async function setup(project: TestProject) {
  // A cold build takes many minutes: outside the start timeout, with its own progress lines.
  const prepared = spawnSync(process.execPath, ["--import", "tsx", "scripts/real-cluster.ts", "--prepare-only"], {
    cwd: root,
    stdio: "inherit",
  });
  if (prepared.status !== 0) throw new Error("building the real cluster's binaries failed (see above)");
  const cluster = await startClusterProcess(["--nodes", "4", "--gpu-nodes", "2", "--gpus-per-node", "4"], {
    script: "scripts/real-cluster.ts",
    readyTimeoutMs: 180_000,
  });
  try {
    const applied = spawnSync(
      "kubectl",
      ["--kubeconfig", cluster.kubeconfigPath, "apply", "-k", path.join(root, "deploy", "rbac")],
      { encoding: "utf8" },
    );
    if (applied.status !== 0) throw new Error(`kubectl apply -k deploy/rbac/ was refused:\n${applied.stderr}`);
    const berthPath = path.join(path.dirname(cluster.kubeconfigPath), "berth-kubeconfig.yaml");
    fs.writeFileSync(
      berthPath,
      await serviceAccountKubeconfig(fs.readFileSync(cluster.kubeconfigPath, "utf8"), {
        namespace: "berth",
        name: "berth",
      }),
      { mode: 0o600 },
    );
    project.provide("kubeconfigPath", berthPath);
    project.provide("adminKubeconfigPath", cluster.kubeconfigPath);
    project.provide("clusterKind", "real");
  } catch (error) {
    cluster.stop();
    throw error;
  }
  return () => cluster.stop();
}
