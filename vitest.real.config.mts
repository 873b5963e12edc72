import fs from "node:fs";
import { defineConfig } from "vitest/config";

import base from "./vitest.config.mjs";

// The real-cluster tier: tests against kube-apiserver, kube-controller-manager, kube-scheduler and
// kwok (scripts/real-cluster.ts), run as Berth's least-privilege ServiceAccount. Same aliases and
// exclusions as the simulator tier; its own files, and the console's integration suites, which run
// on both clusters (test/support/cluster-kind.ts is the parameter; what needs the simulator says why).
// Not here: the reconciler's, Spark driver's and informers' suites, which start a private simulator
// of their own to inject outages, 410s and resets through its fault endpoint.
const CONSOLE_SUITES = [
  "lib/runs/{runs,live-routes,workload-security,admission}.integration.test.ts",
  "lib/namespace-policies/apply.integration.test.ts",
  "lib/dashboard/{dashboard,prometheus}.integration.test.ts",
  "lib/namespace-policies/namespaces.integration.test.ts",
  "lib/images/{builds,base-images}.integration.test.ts",
  "lib/clusters/{clusters,read-scope,permissions}.integration.test.ts",
  "lib/execution-configs/execution-configs.integration.test.ts",
];

// A listed suite that was moved or renamed would silently drop out of this tier: name it instead.
const missingSuites = CONSOLE_SUITES.flatMap((pattern) => {
  const [, head, alternatives, tail] = /^(.*?)(?:\{([^}]*)\})?([^{}]*)$/.exec(pattern)!;
  return (alternatives?.split(",") ?? [""])
    .map((each) => `${head}${each}${tail}`)
    .filter((file) => !fs.existsSync(new URL(file, import.meta.url)));
});
if (missingSuites.length)
  throw new Error(`vitest.real.config.mts lists suites that do not exist: ${missingSuites.join(", ")}`);

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // BERTH_REAL_TESTS=glob[,glob…] runs other suites (the simulator tier's integration tests) here.
    include: process.env.BERTH_REAL_TESTS?.split(",") ?? ["**/*.real.test.ts", ...CONSOLE_SUITES],
    exclude: (base.test?.exclude ?? []).filter((pattern) => pattern !== "**/*.real.test.ts"),
    globalSetup: ["test/real-cluster/setup.ts"],
    // A real control plane reacts in seconds, not milliseconds (controllers, kwok stage delays).
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
