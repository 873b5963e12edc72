import { defineConfig } from "vitest/config";
import base from "./vitest.config.mjs";

// The real-cluster tier: tests against kube-apiserver, kube-controller-manager, kube-scheduler and
// kwok (scripts/real-cluster.ts), run as Berth's least-privilege ServiceAccount. Same aliases and
// exclusions as the simulator tier; only its own files and its own cluster.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // BERTH_REAL_TESTS=glob[,glob…] runs other suites (the simulator tier's integration tests) here.
    include: process.env.BERTH_REAL_TESTS?.split(",") ?? ["**/*.real.test.ts"],
    exclude: (base.test?.exclude ?? []).filter((pattern) => pattern !== "**/*.real.test.ts"),
    globalSetup: ["test/real-cluster/setup.ts"],
    // A real control plane reacts in seconds, not milliseconds (controllers, kwok stage delays).
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
