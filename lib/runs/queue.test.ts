import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-queue-"));

describe("the queue of runs waiting to start", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { listWaitingRuns } = await import("./queue");
  const ids = { ana: 0, bob: 0, churn: 0, fraud: 0 };

  beforeAll(() => {
    const db = getDb();
    ids.ana = db.insert(schema.users).values({ username: "ana", role: "user", passwordHash: "x" }).returning().get().id;
    ids.bob = db.insert(schema.users).values({ username: "bob", role: "user", passwordHash: "x" }).returning().get().id;
    ids.churn = db.insert(schema.projects).values({ key: "churn", name: "churn" }).returning().get().id;
    ids.fraud = db.insert(schema.projects).values({ key: "fraud", name: "fraud" }).returning().get().id;
    const run = (
      id: string,
      projectId: number,
      project: string,
      userId: number,
      status: (typeof schema.RUN_STATUSES)[number],
      minutesAgo: number,
      reason: string | null,
      cluster = "sim",
    ) =>
      db
        .insert(schema.runs)
        .values({
          id,
          projectId,
          project,
          userId,
          username: userId === ids.ana ? "ana" : "bob",
          activity: "python-recipe",
          cluster,
          namespace: "ml",
          workload: "pod",
          request: {},
          resolution: {},
          gpus: 1,
          status,
          reason,
          createdAt: new Date(Date.now() - minutesAgo * 60_000),
        })
        .run();
    run(
      "r-new",
      ids.churn,
      "churn",
      ids.ana,
      "queued",
      1,
      "Over the quota berth-quota of namespace ml: requests.nvidia.com/gpu: asks 1, 2 in use, limit 2",
    );
    run(
      "r-old",
      ids.churn,
      "churn",
      ids.bob,
      "pending",
      10,
      "No node has 1 free nvidia.com/gpu: 0/6 nodes are available",
    );
    run("r-fresh", ids.churn, "churn", ids.bob, "pending", 5, null);
    run("r-other", ids.churn, "churn", ids.bob, "queued", 3, null, "other");
    run("r-done", ids.churn, "churn", ids.bob, "running", 20, null);
    run("r-fraud", ids.fraud, "fraud", ids.bob, "queued", 2, "Over the quota");
  });

  it("lists queued and pending runs oldest first, with their reason and place per cluster, only from readable projects", () => {
    const ana: Actor = {
      id: ids.ana,
      username: "ana",
      role: "user",
      groups: ["ml"],
      projectRoles: { [ids.churn]: "reader" },
    };
    expect(listWaitingRuns(ana).map((run) => [run.id, run.status, run.position, run.reason])).toEqual([
      ["r-old", "pending", 1, "No node has 1 free nvidia.com/gpu: 0/6 nodes are available"],
      ["r-fresh", "pending", 2, "Waiting for the scheduler to place its pod"],
      ["r-other", "queued", 1, "Waiting to be created on the cluster"],
      // 4th on sim: fraud's run, which ana may not see, came before it.
      [
        "r-new",
        "queued",
        4,
        "Over the quota berth-quota of namespace ml: requests.nvidia.com/gpu: asks 1, 2 in use, limit 2",
      ],
    ]);
    const admin: Actor = { id: 99, username: "root", role: "admin", groups: [] };
    expect(listWaitingRuns(admin).map((run) => run.id)).toContain("r-fraud");
    // Without a project role one sees only one's own runs.
    const loner: Actor = { id: ids.ana, username: "ana", role: "user", groups: [] };
    expect(listWaitingRuns(loner).map((run) => run.id)).toEqual(["r-new"]);
  });
});
