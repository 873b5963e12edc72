import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";

const H = 3_600_000;
const T0 = Date.parse("2026-11-20T00:00:00Z");
const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };

describe("GPU-hours", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-gpu-hours-"));
  const { getDb } = await import("@/db");
  const { clusters, groups, projects, runs } = await import("@/db/schema");
  const { NOT_FROM_BERTH } = await import("./aggregate");
  const { NO_GROUP, gpuHours, gpuHoursCsv, runEnd, sumGpuHours } = await import("./gpu-hours");

  describe("sumGpuHours", () => {
    it("multiplies GPUs by the time inside the period, per key, largest first", () => {
      const rows = sumGpuHours(
        [
          { key: "vision", gpus: 2, start: T0 - H, end: T0 + H, run: true },
          { key: "vision", gpus: 1, start: T0 + 2 * H, end: T0 + 2.5 * H, run: true },
          { key: "nlp", gpus: 4, start: T0 + 23 * H, end: T0 + 30 * H, run: true },
          { key: "outside", gpus: 8, start: T0 - 5 * H, end: T0, run: true },
          { key: NOT_FROM_BERTH, gpus: 1, start: T0, end: T0 + H / 3, run: false },
        ],
        T0,
        T0 + 24 * H,
      );
      expect(rows).toEqual([
        { key: "nlp", gpuHours: 4, runs: 1 },
        { key: "vision", gpuHours: 2.5, runs: 2 },
        { key: NOT_FROM_BERTH, gpuHours: 0.333, runs: 0 },
      ]);
    });
  });

  describe("runEnd", () => {
    it("uses the end, now while running, and the start for a run that ended without one", () => {
      const startedAt = new Date(T0);
      expect(runEnd({ status: "succeeded", startedAt, finishedAt: new Date(T0 + H) }, T0 + 5 * H)).toBe(T0 + H);
      expect(runEnd({ status: "running", startedAt, finishedAt: null }, T0 + 5 * H)).toBe(T0 + 5 * H);
      expect(runEnd({ status: "lost", startedAt, finishedAt: null }, T0 + 5 * H)).toBe(T0);
    });
  });

  describe("gpuHours from run records", () => {
    const db = getDb();
    const [team] = db.insert(groups).values({ name: "ml-team" }).returning().all();
    const [cluster] = db
      .insert(clusters)
      .values({ name: "gpu", kubeconfigEncrypted: "x", context: "c", server: "https://x" })
      .returning()
      .all();
    const [vision] = db
      .insert(projects)
      .values({ key: "vision", name: "Vision", ownerGroupId: team.id })
      .returning()
      .all();
    const [nlp] = db.insert(projects).values({ key: "nlp", name: "NLP" }).returning().all();
    const run = (
      id: string,
      project: { id: number; key: string },
      gpus: number,
      status: "running" | "succeeded" | "failed",
      start: number,
      end: number | null,
    ) => ({
      id,
      projectId: project.id,
      project: project.key,
      username: "alice",
      activity: "python-recipe",
      clusterId: cluster.id,
      cluster: "gpu",
      namespace: "ml",
      workload: "pod" as const,
      request: {},
      resolution: {},
      gpus,
      status,
      startedAt: new Date(start),
      finishedAt: end === null ? null : new Date(end),
    });
    db.insert(runs)
      .values([
        run("r1", vision, 2, "succeeded", T0 + H, T0 + 3 * H),
        run("r2", vision, 1, "running", T0 + 20 * H, null),
        run("r3", nlp, 4, "failed", T0 - 2 * H, T0 + H / 2),
        run("r4", nlp, 0, "succeeded", T0, T0 + 10 * H),
        run("r5", nlp, 8, "succeeded", T0 - 10 * H, T0 - 9 * H),
      ])
      .run();
    const period = { from: new Date(T0), to: new Date(T0 + 24 * H) };
    const now = T0 + 22 * H;

    it("sums per project, clipping to the period and counting running runs up to now", () => {
      const view = gpuHours(admin, { ...period, by: "project" }, () => [], now);
      expect(view).toEqual({
        from: "2026-11-20T00:00:00.000Z",
        to: "2026-11-21T00:00:00.000Z",
        by: "project",
        rows: [
          { key: "vision", gpuHours: 6, runs: 2 },
          { key: "nlp", gpuHours: 2, runs: 1 },
        ],
        totalGpuHours: 8,
      });
    });

    it("sums per owner group, and adds live pods Berth did not start", () => {
      const view = gpuHours(
        admin,
        { ...period, by: "group" },
        () => [
          { clusterId: cluster.id, gpus: 1, startedAt: now - H },
          { clusterId: 999, gpus: 8, startedAt: now - H },
        ],
        now,
      );
      expect(view.rows).toEqual([
        { key: "ml-team", gpuHours: 6, runs: 2 },
        { key: NO_GROUP, gpuHours: 2, runs: 1 },
        { key: NOT_FROM_BERTH, gpuHours: 1, runs: 0 },
      ]);
    });

    it("shows a user only the projects they may read, on the clusters granted to them", () => {
      const reader: Actor = {
        id: 5,
        username: "rita",
        role: "user",
        groups: ["ml-team"],
        clusterLevels: { [cluster.id]: "use" },
        projectRoles: { [vision.id]: "reader" },
      };
      const foreign = () => [{ clusterId: cluster.id, gpus: 1, startedAt: now - H }];
      expect(gpuHours(reader, { ...period, by: "project" }, foreign, now).rows).toEqual([
        { key: "vision", gpuHours: 6, runs: 2 },
        { key: NOT_FROM_BERTH, gpuHours: 1, runs: 0 },
      ]);
      const noGrant: Actor = { ...reader, clusterLevels: {} };
      expect(gpuHours(noGrant, { ...period, by: "project" }, foreign, now).rows).toEqual([]);
    });

    it("exports CSV with a header, the period on every row, and safe cells", () => {
      const csv = gpuHoursCsv({
        from: "a",
        to: "b",
        by: "project",
        rows: [
          { key: "vision", gpuHours: 6, runs: 2 },
          { key: "=cmd,x", gpuHours: 0.5, runs: 1 },
        ],
        totalGpuHours: 6.5,
      });
      expect(csv).toBe('project,gpu_hours,runs,from,to\r\nvision,6.000,2,a,b\r\n"\'=cmd,x",0.500,1,a,b\r\n');
    });
  });
});
