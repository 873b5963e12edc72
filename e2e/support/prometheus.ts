/**
 * Prometheus for the Playwright specs: a real Debian `prometheus` (test/support/prometheus.ts) scraping
 * the dcgm endpoint of the embedded cluster the e2e server started (its kubeconfig sits in the
 * run's data dir), and the cluster's Prometheus URL set through the REST API as an operator would.
 */
import fs from "node:fs";
import path from "node:path";
import type { APIRequestContext } from "@playwright/test";

import { startPrometheus, type TestPrometheus } from "../../test/support/prometheus";
import { BOOTSTRAP_TOKEN, DATA_DIR } from "./env";

export type { TestPrometheus };

/**
 * Starts Prometheus scraping the embedded cluster as a ServiceMonitor does (the GPU Operator's usual
 * install: workload labels arrive as exported_*); resolves when its first scrape is stored.
 */
export function startEmbeddedClusterPrometheus(): Promise<TestPrometheus> {
  const kubeconfig = fs.readFileSync(path.join(DATA_DIR, "embedded-kubeconfig.yaml"), "utf8");
  return startPrometheus(kubeconfig, { layout: "servicemonitor" });
}

/** Sets (or clears, with null) a cluster's Prometheus URL with the bootstrap token. */
export async function setClusterPrometheusUrl(
  request: APIRequestContext,
  cluster: string,
  prometheusUrl: string | null,
): Promise<void> {
  const response = await request.patch(`/api/v1/clusters/${encodeURIComponent(cluster)}`, {
    headers: { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
    data: { prometheusUrl: prometheusUrl ?? "" },
  });
  if (!response.ok())
    throw new Error(`Setting the Prometheus URL of ${cluster} failed: ${response.status()} ${await response.text()}`);
}
