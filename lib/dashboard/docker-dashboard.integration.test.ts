import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { afterAll, describe, expect, it } from "vitest";

import { dockerTestEndpoint, testBaseImage } from "@/test/support/docker-engine";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-docker-dashboard-"));

describe("Docker hosts on the dashboard, against a real engine", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { apiTokens, dockerHosts, users } = await import("@/db/schema");
  const { hashToken } = await import("@/lib/tokens/token");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { dockerClient } = await import("@/lib/docker/connection");
  const { containerCreateBody } = await import("@/lib/docker/container-body");
  const { createAndStartContainer, killAndRemoveContainer, listContainersByLabels } =
    await import("@/lib/docker/containers");
  const { dockerHostsDashboard, stopDockerHostsDashboard } = await import("./docker-service");
  const { dashboardSnapshotSchema } = await import("./schema");
  const dashboardRoute = await import("@/app/api/v1/dashboard/route");
  const streamRoute = await import("@/app/api/stream/dashboard/route");
  const { applyDashboardEvent } = await import("@/app/(console)/_dashboard/dashboard-stream");

  const db = getDb();
  const adminRow = db.insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).returning().get();
  const adaRow = db.insert(users).values({ username: "ada", role: "user", passwordHash: "x" }).returning().get();
  const token = "berth_docker_dashboard_admin_token";
  db.insert(apiTokens)
    .values({ userId: adminRow.id, name: "test", tokenHash: hashToken(token), prefix: token.slice(0, 8) })
    .run();
  const host = db
    .insert(dockerHosts)
    .values({ name: "local-engine", endpoint: dockerTestEndpoint() })
    .returning()
    .get();

  const client = dockerClient({ endpoint: dockerTestEndpoint() });
  const runId = `dash-${randomBytes(4).toString("hex")}`;
  const labels = {
    "app.kubernetes.io/managed-by": "berth",
    "berth.dev/run": runId,
    "berth.dev/project": "churn",
    "berth.dev/user": "ada",
  };
  const call = (url: string, signal?: AbortSignal) =>
    new NextRequest(`http://berth.test${url}`, { headers: { Authorization: `Bearer ${token}` }, signal });

  afterAll(async () => {
    stopDockerHostsDashboard();
    for (const container of await listContainersByLabels(client, { "berth.dev/run": runId }))
      await killAndRemoveContainer(client, container.id);
  });

  it("shows a labelled container with its project, user and limits once it starts, and drops it once removed, over the stream", async () => {
    const answer = await dashboardRoute.GET(call("/api/v1/dashboard"), { params: Promise.resolve({}) });
    expect(answer.status).toBe(200);
    // The documented response schema holds for a real answer.
    const body = dashboardSnapshotSchema.parse(await answer.json());
    expect(body.dockerHosts).toEqual([
      expect.objectContaining({
        id: host.id,
        name: "local-engine",
        reachable: true,
        synced: true,
        stale: false,
        engineVersion: expect.stringMatching(/\d+\.\d+/),
      }),
    ]);
    expect(body.dockerHosts[0].cpus).toBeGreaterThan(0);

    // A user with no level on the host is not told it exists.
    expect(await dockerHostsDashboard(actorForUser(adaRow.id)!)).toEqual([]);

    const abort = new AbortController();
    const stream = await streamRoute.GET(call("/api/stream/dashboard", abort.signal));
    const reader = stream.body!.getReader();
    let buffered = "";
    let copy: ReturnType<typeof applyDashboardEvent> | undefined;
    const kinds = new Set<string>();
    const applyNext = async () => {
      for (;;) {
        const match = /event: (\S+)\ndata: (.*)\n\n/.exec(buffered);
        if (match) {
          buffered = buffered.slice(match.index + match[0].length);
          kinds.add(match[1]);
          copy = applyDashboardEvent(copy === "resync" ? undefined : copy, match[1], match[2]);
          expect(copy).not.toBe("resync");
          return copy as Exclude<typeof copy, "resync" | undefined>;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("the stream ended");
        buffered += new TextDecoder().decode(value);
      }
    };
    const ours = (held: Awaited<ReturnType<typeof applyNext>>) =>
      held.dockerHosts[0].containers.find((container) => container.run === runId);
    try {
      expect(ours(await applyNext())).toBeUndefined();

      const id = await createAndStartContainer(
        client,
        containerCreateBody({
          image: testBaseImage(),
          command: ["python3", "-c", "import time; time.sleep(3600)"],
          env: {},
          labels,
          nanoCpus: 500_000_000,
          memoryBytes: 256 * 2 ** 20,
        }),
      );
      let held = await applyNext();
      while (!ours(held)) held = await applyNext();
      expect(ours(held)).toMatchObject({
        id,
        fromBerth: true,
        project: "churn",
        user: "ada",
        nanoCpus: 500_000_000,
        memoryBytes: 256 * 2 ** 20,
      });
      expect(held.dockerHosts[0].byProject).toContainEqual(
        expect.objectContaining({ key: "churn", containers: 1, nanoCpus: 500_000_000, memoryBytes: 256 * 2 ** 20 }),
      );
      expect(held.dockerHosts[0].byUser).toContainEqual(expect.objectContaining({ key: "ada", containers: 1 }));
      expect(kinds.has("docker-host-patch")).toBe(true);

      expect(await killAndRemoveContainer(client, id)).toBe(true);
      while (ours(held)) held = await applyNext();
      expect(held.dockerHosts[0].byProject.find((row) => row.key === "churn")).toBeUndefined();
    } finally {
      abort.abort();
      await reader.cancel().catch(() => undefined);
    }
  });
});
