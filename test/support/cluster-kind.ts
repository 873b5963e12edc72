/**
 * The console's integration suites run on both clusters: the simulator (test/support/cluster-setup.ts)
 * and the real control plane (test/real-cluster/setup.ts, `npm run test:real`). These helpers are
 * the test parameter: which cluster the current tier has, an admin kubeconfig for arranging and
 * checking what Berth did, and the one way to leave a test out on the real cluster, with its reason.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, inject, it, type TestContext } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by the real-cluster tier only; absent means the simulator. */
    clusterKind?: "real";
  }
}

/** Why log tests need the simulator: it writes `sim.berth.dev/log-lines`; kwok's fake kubelets serve no logs here. */
export const NO_POD_LOGS =
  "pod logs: the simulator plays sim.berth.dev/log-lines, while on the real cluster no kubelet serves logs (pods/log answers 500)";

export type ClusterKind = "simulator" | "real";

/** Which cluster this tier's tests run against. */
export function clusterKind(): ClusterKind {
  return inject("clusterKind") ?? "simulator";
}

/**
 * A cluster-admin kubeconfig path, for test-side reads and writes that Berth's own account may
 * not do (on the real cluster `kubeconfigPath` is Berth's least-privilege ServiceAccount; the
 * simulator's kubeconfig may do anything).
 */
export function adminKubeconfigPath(): string {
  return clusterKind() === "real" ? inject("adminKubeconfigPath") : inject("kubeconfigPath");
}

/** A cluster-admin KubeConfig, for arranging and checking beside Berth's own (possibly restricted) client. */
export function adminKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(adminKubeconfigPath());
  return config;
}

type TestBody = (context: TestContext) => unknown;
type HookBody = Parameters<typeof beforeAll>[0];

/** `it` for tests that need the simulator, with hooks that run only where those tests do. */
export interface SimulatorOnlyTest {
  (name: string, body: TestBody, timeout?: number): void;
  beforeAll(body: HookBody, timeout?: number): void;
  afterAll(body: HookBody, timeout?: number): void;
}

/**
 * `it` for a test that can only run on the simulator. On the real cluster the test is still
 * listed, and skipped with `reason` in the report, so nothing is left out silently; its
 * `beforeAll`/`afterAll` arrange only what those tests need, so they run on the simulator only.
 */
export function onSimulatorOnly(reason: string): SimulatorOnlyTest {
  if (clusterKind() === "simulator")
    return Object.assign((name: string, body: TestBody, timeout?: number) => it(name, body, timeout), {
      beforeAll,
      afterAll,
    });
  return Object.assign((name: string) => it(name, (context) => context.skip(`simulator only: ${reason}`)), {
    beforeAll: () => undefined,
    afterAll: () => undefined,
  });
}
