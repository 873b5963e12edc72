import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, inject, it } from "vitest";

import { NO_POD_LOGS, onSimulatorOnly } from "@/test/support/cluster-kind";

// The runs-live HTTP routes called as Next calls them, with an API token, on the shared test cluster.
describe("run logs, run settings and run streams over HTTP", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-runs-live-routes-"));
  const { eq } = await import("drizzle-orm");
  const { getDb } = await import("@/db");
  const { apiTokens, clusters, runs, users } = await import("@/db/schema");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { kubeClients, loadKubeconfig } = await import("@/lib/kube/client");
  const { hashToken } = await import("@/lib/tokens/token");
  const { watchRunsOn } = await import("./reconciler");
  const logsRoute = await import("@/app/api/v1/runs/[id]/logs/route");
  const settingsRoute = await import("@/app/api/v1/runs/settings/route");
  const runStream = await import("@/app/api/stream/runs/[id]/route");

  const db = getDb();
  const text = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const config = loadKubeconfig(text);
  const cluster = db
    .insert(clusters)
    .values({
      name: "routes",
      kubeconfigEncrypted: encryptSecret(text),
      context: config.getCurrentContext(),
      server: config.getCurrentCluster()!.server,
    })
    .returning()
    .get();
  const admin = db.insert(users).values({ username: "admin", role: "admin" }).returning().get();
  const bob = db.insert(users).values({ username: "bob", role: "user" }).returning().get();
  const tokens = { admin: "berth_live_routes_admin_token", bob: "berth_live_routes_bob_token" };
  for (const [user, token] of [
    [admin, tokens.admin],
    [bob, tokens.bob],
  ] as const) {
    db.insert(apiTokens)
      .values({ userId: user.id, name: "test", tokenHash: hashToken(token), prefix: token.slice(0, 8) })
      .run();
  }

  const namespace = "default";
  const runId = `r${Date.now().toString(36).slice(-9)}`;
  db.insert(runs)
    .values({
      id: runId,
      userId: admin.id,
      project: "churn",
      username: "admin",
      activity: "python-recipe",
      clusterId: cluster.id,
      cluster: cluster.name,
      namespace,
      workload: "pod",
      request: {},
      resolution: {},
      status: "queued",
      timeline: [],
    })
    .run();
  const row = () => db.select().from(runs).where(eq(runs.id, runId)).get()!;

  const request = (
    url: string,
    token: string = tokens.admin,
    init: { method?: string; body?: string; signal?: AbortSignal } = {},
  ) =>
    new NextRequest(new URL(url, "http://berth.test"), {
      ...init,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
  const params = <T extends Record<string, string>>(values: T) => ({ params: Promise.resolve(values) });
  const until = async (what: string, check: () => boolean, timeoutMs = 20_000) => {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it("reads and changes the run settings (admins only), with field errors for bad values", async () => {
    const read = await settingsRoute.GET(request("/api/v1/runs/settings", tokens.bob), params({}));
    expect(await read.json()).toEqual({ retentionSeconds: 3600, logTailKb: 64 });
    const refused = await settingsRoute.PUT(
      request("/api/v1/runs/settings", tokens.bob, { method: "PUT", body: JSON.stringify({ retentionSeconds: 60 }) }),
      params({}),
    );
    expect(refused.status).toBe(403);
    const bad = await settingsRoute.PUT(
      request("/api/v1/runs/settings", tokens.admin, {
        method: "PUT",
        body: JSON.stringify({ retentionSeconds: "soon", logTailKb: 4096 }),
      }),
      params({}),
    );
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json()).fieldErrors).sort()).toEqual(["logTailKb", "retentionSeconds"]);
    const saved = await settingsRoute.PUT(
      request("/api/v1/runs/settings", tokens.admin, { method: "PUT", body: JSON.stringify({ logTailKb: 32 }) }),
      params({}),
    );
    expect(await saved.json()).toEqual({ retentionSeconds: 3600, logTailKb: 32 });
    const reset = await settingsRoute.PUT(
      request("/api/v1/runs/settings", tokens.admin, { method: "PUT", body: JSON.stringify({ logTailKb: null }) }),
      params({}),
    );
    expect(await reset.json()).toEqual({ retentionSeconds: 3600, logTailKb: 64 });
  });

  it("follows the run's pod on the cluster", async () => {
    watchRunsOn(cluster.id);
    await kubeClients(cluster).core.createNamespacedPod({
      namespace,
      body: {
        metadata: {
          name: `run-${runId}`,
          namespace,
          labels: { "berth.dev/run": runId },
          annotations: {
            "sim.berth.dev/log-lines": "step 1\nstep 2\nstep 3",
            "sim.berth.dev/log-rate": "5",
            "sim.berth.dev/duration": "1200ms",
          },
        },
        spec: { restartPolicy: "Never", containers: [{ name: "main", image: "python:3.12" }] },
      },
    });
    await until("the run to be pending", () => row().status !== "queued");
  });

  onSimulatorOnly(NO_POD_LOGS)(
    "follows a run's log as text until its pod ends, then serves it whole and as a download",
    async () => {
      const followed = await logsRoute.GET(request(`/api/v1/runs/${runId}/logs?follow=1`), params({ id: runId }));
      expect(followed.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(await followed.text()).toBe("step 1\nstep 2\nstep 3\n");

      await until("the run to succeed", () => row().status === "succeeded");
      const download = await logsRoute.GET(request(`/api/v1/runs/${runId}/logs?download=1`), params({ id: runId }));
      expect(download.headers.get("content-disposition")).toBe(`attachment; filename="run-${runId}.log"`);
      expect(await download.text()).toBe("step 1\nstep 2\nstep 3\n");
    },
  );

  it("answers 404 for a run the caller may not see and for a pod the run does not have", async () => {
    expect((await logsRoute.GET(request(`/api/v1/runs/${runId}/logs`, tokens.bob), params({ id: runId }))).status).toBe(
      404,
    );
    const noPod = await logsRoute.GET(request(`/api/v1/runs/${runId}/logs?pod=other`), params({ id: runId }));
    expect(noPod.status).toBe(404);
    expect((await noPod.json()).fieldErrors.pod[0]).toContain(`run-${runId}`);
  });

  it("serves the kept log tail once the pods are cleaned up", async () => {
    db.update(runs).set({ cleanedUpAt: new Date(), logTail: "kept line\n" }).where(eq(runs.id, runId)).run();
    const kept = await logsRoute.GET(request(`/api/v1/runs/${runId}/logs?follow=1`), params({ id: runId }));
    expect(await kept.text()).toBe("kept line\n");
  });

  it("streams one run's state and pods as Server-Sent Events", async () => {
    await until("the run to succeed", () => row().status === "succeeded");
    const aborted = new AbortController();
    const response = await runStream.GET(
      request(`/api/stream/runs/${runId}`, tokens.admin, { signal: aborted.signal }),
      params({ id: runId }),
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    let received = "";
    while (!received.includes("event: pods")) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`the stream ended before a pods event: ${received}`);
      received += new TextDecoder().decode(chunk.value);
    }
    expect(received).toContain(`event: run\ndata: {"id":"${runId}","status":"succeeded"`);
    aborted.abort();
    await reader.cancel();
    expect((await runStream.GET(request(`/api/stream/runs/${runId}`, tokens.bob), params({ id: runId }))).status).toBe(
      404,
    );
  });
});
