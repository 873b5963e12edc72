import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import {
  DCGM_JOB,
  EXPORTER_TARGET,
  kubeconfigCluster,
  prometheusConfig,
  SERVICE_MONITOR_JOB,
  startPrometheus,
  type TestPrometheus,
} from "./prometheus";

interface VectorResult {
  metric: Record<string, string>;
  value: [number, string];
}

async function instantQuery(baseUrl: string, query: string): Promise<VectorResult[]> {
  const response = await fetch(`${baseUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { status: string; data: { resultType: string; result: VectorResult[] } };
  expect(body.status).toBe("success");
  return body.data.result;
}

describe("prometheusConfig", () => {
  it("scrapes /metrics/dcgm over the kubeconfig's scheme and host, trusting its CA", () => {
    const text = prometheusConfig(new URL("https://127.0.0.1:6443"), "/tmp/x/ca.pem");
    expect(text).toContain("scheme: https");
    expect(text).toContain("metrics_path: /metrics/dcgm");
    expect(text).toContain('ca_file: "/tmp/x/ca.pem"');
    expect(text).toContain('targets: ["127.0.0.1:6443"]');
  });

  it("scrapes as a ServiceMonitor would: the exporter pod's target labels, honor_labels false", () => {
    const text = prometheusConfig(new URL("https://127.0.0.1:6443"), null, "servicemonitor");
    expect(text).toContain("honor_labels: false");
    for (const label of ["namespace", "pod", "container", "job"])
      expect(text).toMatch(new RegExp(`source_labels: \\[__meta_kubernetes_\\w+\\]\\n\\s+target_label: ${label}\\n`));
  });
});

describe("the test Prometheus against the simulated cluster", () => {
  let prometheus: TestPrometheus;
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");

  beforeAll(async () => {
    prometheus = await startPrometheus(kubeconfig);
  }, 45_000);
  afterAll(() => prometheus?.stop());

  it("reads the cluster's API server and CA from the kubeconfig", () => {
    const cluster = kubeconfigCluster(kubeconfig);
    expect(cluster.server).toMatch(/^https:\/\//);
    expect(cluster.caPem).toContain("BEGIN CERTIFICATE");
  });

  it("stores one utilization and one memory series per simulated GPU (2 nodes × 4)", async () => {
    const [util] = await instantQuery(prometheus.url, `count(DCGM_FI_DEV_GPU_UTIL{job="${DCGM_JOB}"})`);
    const [memory] = await instantQuery(prometheus.url, `count(DCGM_FI_DEV_FB_USED{job="${DCGM_JOB}"})`);
    expect(util.value[1]).toBe("8");
    expect(memory.value[1]).toBe("8");
    const [up] = await instantQuery(prometheus.url, `up{job="${DCGM_JOB}"}`);
    expect(up.value[1]).toBe("1");
  });

  it("behind the ServiceMonitor layout, keeps dcgm-exporter's pod labels as exported_* and the exporter's as pod/namespace", async () => {
    const layered = await startPrometheus(kubeconfig, { layout: "servicemonitor" });
    try {
      const series = await instantQuery(layered.url, `DCGM_FI_DEV_GPU_UTIL{job="${SERVICE_MONITOR_JOB}"}`);
      expect(series).toHaveLength(8);
      for (const { metric } of series)
        expect(metric).toMatchObject({
          namespace: EXPORTER_TARGET.namespace,
          pod: EXPORTER_TARGET.pod,
          container: EXPORTER_TARGET.container,
          service: EXPORTER_TARGET.service,
        });
    } finally {
      await layered.stop();
    }
  });

  it("stops for good: the port no longer answers", async () => {
    const url = prometheus.url;
    await prometheus.stop();
    await expect(fetch(`${url}/-/ready`)).rejects.toThrow();
    await prometheus.stop();
  });
});
