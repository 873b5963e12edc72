/**
 * `npm run bench:sim`: one simulator with 500 nodes (64 with GPUs) and 10,000 pods, measured
 * side by side: scheduler throughput binding the 10k pods, LIST of all pods over HTTP vs
 * `kubectl get pods -A -o json`, create-pod latency, watch delivery to 20 watchers, and RSS.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";

import { clusterRuntime } from "./cluster/index";
import { startSimulator } from "./server/index";

const NODES = 500;
const GPU_NODES = 64;
const PODS = 10_000;
const NAMESPACES = 10;
const CREATES = 500;
const WATCHERS = 20;

const run = promisify(execFile);

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

function podBody(namespace: string, name: string, cpu: string) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels: { app: "bench" } },
    spec: { containers: [{ name: "main", image: "busybox:1.36", resources: { requests: { cpu, memory: "64Mi" } } }] },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "berth-bench-"));
  const kubeconfigPath = join(dir, "kubeconfig.yaml");
  const rows: [string, string][] = [];
  const sim = await startSimulator({
    kubeconfigPath,
    seed: { nodes: NODES - GPU_NODES, gpuNodes: GPU_NODES, gpusPerNode: 8, pods: 0, namespaces: NAMESPACES, seed: 1 },
  });
  try {
    const runtime = clusterRuntime(sim.store)!;
    for (let i = 1; i <= NAMESPACES; i++) {
      sim.store.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: `bench-${i}` } });
    }

    // Scheduler: 10k pending pods go in at once; time until every one is bound.
    const boundBefore = runtime.scheduler.bound;
    for (let i = 0; i < PODS; i++)
      sim.store.create("pods", podBody(`bench-${(i % NAMESPACES) + 1}`, `pod-${i}`, i % 3 === 0 ? "500m" : "100m"));
    const scheduleStart = performance.now();
    while (runtime.scheduler.bound - boundBefore < PODS) await new Promise((r) => setTimeout(r, 20));
    const scheduleMs = performance.now() - scheduleStart;
    rows.push([
      "scheduler: bind 10,000 pods on 500 nodes",
      `${(scheduleMs / 1000).toFixed(2)} s = ${Math.round(PODS / (scheduleMs / 1000))} pods/s`,
    ]);
    // Let the kubelet start them so the lists below hold running pods with full status.
    await new Promise((r) => setTimeout(r, 3000));

    const agent = new Agent({ ca: sim.caPem, keepAlive: true, maxSockets: 64 });
    const url = new URL(sim.url);
    const call = (method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> =>
      new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method,
            agent,
            headers: {
              Authorization: `Bearer ${sim.token}`,
              "Content-Type": "application/json",
              Accept: "application/json",
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
          },
        );
        req.on("error", reject);
        req.end(payload);
      });

    // LIST through HTTP vs kubectl printing the same as JSON.
    const listTimes: number[] = [];
    let listBytes = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const res = await call("GET", "/api/v1/pods");
      listTimes.push(performance.now() - t);
      listBytes = res.text.length;
    }
    const kubectlStart = performance.now();
    await run("/usr/bin/kubectl", ["--kubeconfig", kubeconfigPath, "get", "pods", "-A", "-o", "json"], {
      maxBuffer: 1 << 30,
    });
    const kubectlMs = performance.now() - kubectlStart;
    rows.push([
      `LIST all pods over HTTP (${sim.store.list("pods").length} pods, ${(listBytes / 1e6).toFixed(1)} MB)`,
      `${Math.min(...listTimes).toFixed(0)} ms (best of 3)`,
    ]);
    rows.push(["kubectl get pods -A -o json (wall)", `${kubectlMs.toFixed(0)} ms`]);

    // 20 watchers on all pods, then 500 creates: create latency and watch delivery.
    const sent = new Map<string, number>();
    const delivery: number[] = [];
    const rv = sim.store.currentResourceVersion();
    const watchers = await Promise.all(
      Array.from(
        { length: WATCHERS },
        () =>
          new Promise<() => void>((resolve, reject) => {
            const req = request(
              {
                host: url.hostname,
                port: url.port,
                path: `/api/v1/pods?watch=1&resourceVersion=${rv}`,
                agent: new Agent({ ca: sim.caPem }),
                headers: { Authorization: `Bearer ${sim.token}` },
              },
              (res) => {
                let buffer = "";
                res.on("data", (chunk: Buffer) => {
                  const now = performance.now();
                  buffer += chunk.toString();
                  let newline;
                  while ((newline = buffer.indexOf("\n")) >= 0) {
                    const line = buffer.slice(0, newline);
                    buffer = buffer.slice(newline + 1);
                    const match = /"type":"ADDED".*?"name":"(created-\d+)"/.exec(line);
                    const started = match && sent.get(match[1]);
                    if (started !== undefined && started !== null) delivery.push(now - started);
                  }
                });
                resolve(() => req.destroy());
              },
            );
            req.on("error", reject);
            req.end();
          }),
      ),
    );
    const createTimes: number[] = [];
    for (let i = 0; i < CREATES; i++) {
      const name = `created-${i}`;
      const t = performance.now();
      sent.set(name, t);
      const res = await call("POST", "/api/v1/namespaces/bench-1/pods", podBody("bench-1", name, "10m"));
      if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${res.text}`);
      createTimes.push(performance.now() - t);
    }
    await new Promise((r) => setTimeout(r, 1000));
    for (const stop of watchers) stop();
    rows.push([
      `create pod over HTTP (${CREATES} sequential)`,
      `p50 ${percentile(createTimes, 50).toFixed(1)} ms, p99 ${percentile(createTimes, 99).toFixed(1)} ms`,
    ]);
    rows.push([
      `watch delivery, ${WATCHERS} watchers (${delivery.length} events)`,
      `p50 ${percentile(delivery, 50).toFixed(1)} ms, p99 ${percentile(delivery, 99).toFixed(1)} ms`,
    ]);
    rows.push(["RSS", `${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`]);
    agent.destroy();
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`berth-sim bench: ${NODES} nodes (${GPU_NODES} with GPUs), ${PODS} pods`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
