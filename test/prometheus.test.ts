import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DCGM_JOB, kubeconfigCluster, prometheusConfig, startPrometheus, type TestPrometheus } from "./prometheus";

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

  it("stops for good: the port no longer answers", async () => {
    const url = prometheus.url;
    await prometheus.stop();
    await expect(fetch(`${url}/-/ready`)).rejects.toThrow();
    await prometheus.stop();
  });
});
