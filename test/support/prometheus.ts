/**
 * A real Prometheus for tests: Debian's `prometheus` binary started on a free port with a
 * throwaway config and storage dir, scraping the simulator's dcgm-exporter endpoint
 * (`/metrics/dcgm`, HTTPS with the kubeconfig's CA, no auth) every second. Used by vitest
 * integration tests directly and by the Playwright specs through e2e/support/prometheus.ts.
 * Plain Node: no vitest or Playwright imports, so both runners can load it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "yaml";

import { freePort } from "../../scripts/ports";

export const PROMETHEUS_BINARY = "/usr/bin/prometheus";
/** The scrape job's name: queries can select `{job="dcgm"}`. */
export const DCGM_JOB = "dcgm";

export interface TestPrometheus {
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:40123 (what a cluster's Prometheus URL is set to). */
  url: string;
  /** Stops the process (SIGTERM, SIGKILL after 5 s) and removes its config and storage. Idempotent. */
  stop(): Promise<void>;
}

interface KubeconfigCluster {
  server: string;
  caPem: string | null;
}

interface KubeconfigFile {
  clusters?: { name: string; cluster: { server: string; "certificate-authority-data"?: string } }[];
  contexts?: { name: string; context: { cluster: string } }[];
  "current-context"?: string;
}

/** The current context's API server URL and CA from a kubeconfig's text. */
export function kubeconfigCluster(kubeconfigText: string): KubeconfigCluster {
  const config = parse(kubeconfigText) as KubeconfigFile;
  const context = config.contexts?.find((entry) => entry.name === config["current-context"]) ?? config.contexts?.[0];
  const cluster = config.clusters?.find((entry) => entry.name === context?.context.cluster) ?? config.clusters?.[0];
  if (!cluster) throw new Error("The kubeconfig names no cluster");
  const caData = cluster.cluster["certificate-authority-data"];
  return { server: cluster.cluster.server, caPem: caData ? Buffer.from(caData, "base64").toString("utf8") : null };
}

/**
 * How Prometheus scrapes dcgm-exporter. "plain": the exporter's labels as they are (a static
 * scrape, or a ServiceMonitor with honorLabels: true). "servicemonitor": what prometheus-operator
 * generates for a ServiceMonitor by default (pkg/prometheus/promcfg.go, generateServiceMonitorConfig:
 * `honor_labels: false`, and relabelings that set `namespace`, `service`, `pod`, `container`,
 * `endpoint` and `job` from the target's Kubernetes metadata), so the exporter pod's own `pod`,
 * `namespace` and `container` clash with dcgm-exporter's and Prometheus renames the latter to
 * `exported_*`.
 */
export type ScrapeLayout = "plain" | "servicemonitor";

/** The exporter pod the "servicemonitor" layout pretends to scrape (the GPU Operator's names). */
export const EXPORTER_TARGET = {
  namespace: "gpu-operator",
  pod: "nvidia-dcgm-exporter-7xk2p",
  container: "nvidia-dcgm-exporter",
  service: "nvidia-dcgm-exporter",
  endpoint: "gpu-metrics",
} as const;
/** The `job` label of the "servicemonitor" layout: prometheus-operator sets it to the Service's name. */
export const SERVICE_MONITOR_JOB = EXPORTER_TARGET.service;

/** The `job` label the layout's series carry. */
export const jobOf = (layout: ScrapeLayout) => (layout === "plain" ? DCGM_JOB : SERVICE_MONITOR_JOB);

/** prometheus.yml scraping the dcgm endpoint of the cluster every second, in the given layout. */
export function prometheusConfig(target: URL, caFile: string | null, layout: ScrapeLayout = "plain"): string {
  const tls = caFile ? `    tls_config:\n      ca_file: ${JSON.stringify(caFile)}\n` : "";
  const common = [
    `    scheme: ${target.protocol.replace(":", "")}`,
    "    metrics_path: /metrics/dcgm",
    "    scrape_timeout: 1s",
  ];
  const job =
    layout === "plain"
      ? [
          `  - job_name: ${DCGM_JOB}`,
          ...common,
          tls + `    static_configs:\n      - targets: [${JSON.stringify(target.host)}]`,
        ]
      : [
          // The static target stands in for Kubernetes service discovery: the same meta labels, then
          // the relabelings prometheus-operator writes for a ServiceMonitor endpoint.
          `  - job_name: serviceMonitor/${EXPORTER_TARGET.namespace}/${EXPORTER_TARGET.service}/0`,
          "    honor_labels: false",
          ...common,
          tls + "    static_configs:",
          `      - targets: [${JSON.stringify(target.host)}]`,
          "        labels:",
          `          __meta_kubernetes_namespace: ${EXPORTER_TARGET.namespace}`,
          `          __meta_kubernetes_service_name: ${EXPORTER_TARGET.service}`,
          `          __meta_kubernetes_pod_name: ${EXPORTER_TARGET.pod}`,
          `          __meta_kubernetes_pod_container_name: ${EXPORTER_TARGET.container}`,
          `          __meta_kubernetes_endpoint_port_name: ${EXPORTER_TARGET.endpoint}`,
          "    relabel_configs:",
          ...[
            ["__meta_kubernetes_namespace", "namespace"],
            ["__meta_kubernetes_service_name", "service"],
            ["__meta_kubernetes_pod_name", "pod"],
            ["__meta_kubernetes_pod_container_name", "container"],
            ["__meta_kubernetes_service_name", "job"],
            ["__meta_kubernetes_endpoint_port_name", "endpoint"],
          ].map(([source, label]) => `      - source_labels: [${source}]\n        target_label: ${label}`),
        ];
  return ["global:", "  scrape_interval: 1s", "  evaluation_interval: 1s", "scrape_configs:", ...job, ""].join("\n");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function httpOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** True once an instant query of `query` returns at least one series. */
async function hasSeries(baseUrl: string, query: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/api/v1/query?query=${encodeURIComponent(query)}`, {
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) return false;
    const body = (await response.json()) as { data?: { result?: unknown[] } };
    return (body.data?.result?.length ?? 0) > 0;
  } catch {
    return false;
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Starts Prometheus scraping the dcgm endpoint of the cluster the kubeconfig points at (plainly, or
 * as a ServiceMonitor would), and
 * resolves once it is ready and its first scrape is stored (a DCGM_FI_DEV_GPU_UTIL series exists).
 */
export async function startPrometheus(
  kubeconfigText: string,
  { readyTimeoutMs = 30_000, layout = "plain" as ScrapeLayout } = {},
): Promise<TestPrometheus> {
  if (!fs.existsSync(PROMETHEUS_BINARY)) {
    throw new Error(
      `${PROMETHEUS_BINARY} is missing: install Debian's prometheus package (scripts/test.sh does it when run as root)`,
    );
  }
  const cluster = kubeconfigCluster(kubeconfigText);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-prometheus-"));
  let caFile: string | null = null;
  if (cluster.caPem) {
    caFile = path.join(dir, "ca.pem");
    fs.writeFileSync(caFile, cluster.caPem);
  }
  const configFile = path.join(dir, "prometheus.yml");
  fs.writeFileSync(configFile, prometheusConfig(new URL(cluster.server), caFile, layout));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--storage.tsdb.retention.time=2h",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  // Keep the last lines for the error message when it fails to start.
  child.stderr!.on("data", (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 20) output.shift();
  });
  // A test runner that exits without calling stop() must not leave Prometheus behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", killOnExit);
    child.kill("SIGTERM");
    if (!(await waitForExit(child, 5_000))) {
      child.kill("SIGKILL");
      await waitForExit(child, 2_000);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  try {
    while (!(await httpOk(`${url}/-/ready`))) {
      if (child.exitCode !== null)
        throw new Error(`Prometheus exited with code ${child.exitCode}: ${output.join("").trim()}`);
      if (Date.now() > deadline)
        throw new Error(`Prometheus was not ready within ${readyTimeoutMs} ms: ${output.join("").trim()}`);
      await sleep(200);
    }
    while (!(await hasSeries(url, `DCGM_FI_DEV_GPU_UTIL{job="${jobOf(layout)}"}`))) {
      if (Date.now() > deadline)
        throw new Error(
          `Prometheus stored no dcgm scrape of ${cluster.server} within ${readyTimeoutMs} ms (check ${url}/api/v1/targets): ${output.join("").trim()}`,
        );
      await sleep(250);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
