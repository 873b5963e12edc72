/** `GET /_sim/stats`: requests per resource and verb, LISTs, and open vs started watches. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSimulator, type RunningSimulator } from "./index";
import { call, eventually, openWatch } from "./testing/http-client";

let sim: RunningSimulator;

const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: { containers: [{ name: "main", image: "busybox:1.36" }] },
});

beforeAll(async () => {
  sim = await startSimulator({ behaviour: null });
});

afterAll(async () => {
  await sim?.stop();
});

describe("request stats", () => {
  it("counts LISTs, watches (open and started) and other verbs per resource", async () => {
    await call(sim, "POST", "/_sim/stats", { body: { reset: true } });
    await call(sim, "POST", "/api/v1/namespaces/default/pods", { body: pod("counted") });
    await call(sim, "GET", "/api/v1/pods");
    await call(sim, "GET", "/api/v1/namespaces/default/pods", {
      headers: { Accept: "application/json;as=Table;v=v1;g=meta.k8s.io" },
    });
    await call(sim, "GET", "/api/v1/namespaces/default/pods/counted");
    await call(sim, "PATCH", "/api/v1/namespaces/default/pods/counted/status", {
      body: { status: { phase: "Running" } },
      headers: { "Content-Type": "application/merge-patch+json" },
    });
    await call(sim, "GET", "/api/v1/nodes");
    const pods = openWatch(sim, "/api/v1/pods?watch=1");
    const nodes = openWatch(sim, "/api/v1/nodes?watch=1");
    await eventually(
      async () => (await call(sim, "GET", "/_sim/stats")).json.watches.nodes?.open === 1,
      5000,
      "the watches to open",
    );

    const stats = (await call(sim, "GET", "/_sim/stats")).json;
    expect(stats.lists).toEqual({ pods: 2, nodes: 1 });
    expect(stats.watches).toEqual({ pods: { open: 1, started: 1 }, nodes: { open: 1, started: 1 } });
    expect(stats.requests.pods).toEqual({ create: 1, get: 1, list: 2, watch: 1 });
    expect(stats.requests["pods/status"]).toEqual({ patch: 1 });
    expect(Date.parse(stats.since)).not.toBeNaN();
    expect(stats.recentLists.map((l: { path: string }) => l.path)).toEqual([
      "/api/v1/pods",
      "/api/v1/namespaces/default/pods",
      "/api/v1/nodes",
    ]);

    pods.stop();
    nodes.stop();
    const closed = await eventually(
      async () => {
        const json = (await call(sim, "GET", "/_sim/stats")).json;
        return json.watches.pods.open === 0 && json.watches.nodes.open === 0 && json;
      },
      5000,
      "the watches to close",
    );
    expect(closed.watches.pods).toEqual({ open: 0, started: 1 });
  });

  it("counts a namespaced watch under its resource and keeps open watches across a reset", async () => {
    await call(sim, "POST", "/_sim/stats", { body: { reset: true } });
    const watch = openWatch(sim, "/api/v1/namespaces/default/configmaps?watch=true");
    await eventually(
      async () => (await call(sim, "GET", "/_sim/stats")).json.watches.configmaps?.open === 1,
      5000,
      "the watch to open",
    );
    const reset = (await call(sim, "POST", "/_sim/stats", { body: { reset: true } })).json;
    expect(reset.lists).toEqual({});
    expect(reset.recentLists).toEqual([]);
    expect(reset.watches).toEqual({ configmaps: { open: 1, started: 0 } });
    expect(sim.stats.snapshot().watches.configmaps.open).toBe(1);
    watch.stop();
  });

  it("refuses a POST that is not a reset", async () => {
    const res = await call(sim, "POST", "/_sim/stats", { body: { lists: 0 } });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ kind: "Status", code: 400 });
  });
});
