import { compare } from "fast-json-patch";
import { describe, expect, it } from "vitest";

import { applyDashboardEvent } from "./dashboard-stream";
import type { ClusterDashboard, DashboardSnapshot, DockerHostDashboard } from "./types";

const section = (id: number, name: string, runningPods: number): ClusterDashboard =>
  ({
    id,
    name,
    synced: true,
    stale: false,
    runningPods,
    pending: [
      {
        namespace: "ml",
        name: "p-1",
        run: null,
        project: null,
        user: null,
        reason: "Unschedulable",
        since: null,
        gpus: 0,
      },
    ],
    quotas: [],
    quotaCount: 0,
    quotaWarnings: 0,
    generatedAt: "2026-12-05T10:00:00.000Z",
  }) as unknown as ClusterDashboard;

const snapshot: DashboardSnapshot = {
  clusters: [section(1, "alpha", 5), section(2, "beta", 7)],
  dockerHosts: [],
  generatedAt: "2026-12-05T10:00:00.000Z",
};

describe("dashboard stream reducer", () => {
  it("takes a snapshot whole", () => {
    expect(applyDashboardEvent(undefined, "snapshot", JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it("applies a section's patch to that section only, leaving the others as they were", () => {
    const next = { ...section(2, "beta", 8), pending: [], generatedAt: "2026-12-05T10:00:01.000Z" };
    const ops = compare(snapshot.clusters[1], next);
    const patched = applyDashboardEvent(snapshot, "cluster-patch", JSON.stringify({ id: 2, ops }));
    if (patched === "resync") throw new Error("asked to resync");
    expect(patched.clusters[1]).toEqual(next);
    expect(patched.clusters[0]).toBe(snapshot.clusters[0]);
    // The copy it was given is not changed: react-query compares by reference.
    expect(snapshot.clusters[1].runningPods).toBe(7);
    expect(patched.generatedAt).toBe("2026-12-05T10:00:01.000Z");
  });

  it("replaces a whole section and keeps the clusters in name order", () => {
    const gamma = section(3, "aaa-first", 1);
    const next = applyDashboardEvent(snapshot, "cluster", JSON.stringify(gamma));
    if (next === "resync") throw new Error("asked to resync");
    expect(next.clusters.map((cluster) => cluster.name)).toEqual(["aaa-first", "alpha", "beta"]);
  });

  it("asks for a fresh snapshot when a patch does not fit the copy it holds", () => {
    expect(applyDashboardEvent(snapshot, "cluster-patch", JSON.stringify({ id: 9, ops: [] }))).toBe("resync");
    const ops = [{ op: "replace" as const, path: "/pending/3/name", value: "x" }];
    expect(applyDashboardEvent(snapshot, "cluster-patch", JSON.stringify({ id: 1, ops }))).toBe("resync");
    expect(applyDashboardEvent(undefined, "cluster-patch", JSON.stringify({ id: 1, ops: [] }))).toBe("resync");
  });

  it("keeps clusters in natural name order: fleet-2 before fleet-10", () => {
    let copy: DashboardSnapshot | "resync" = { ...snapshot, clusters: [] };
    for (const [id, name] of [
      [1, "fleet-10"],
      [2, "fleet-2"],
      [3, "fleet-1"],
    ] as const) {
      if (copy === "resync") throw new Error("asked to resync");
      copy = applyDashboardEvent(copy, "cluster", JSON.stringify(section(id, name, 0)));
    }
    if (copy === "resync") throw new Error("asked to resync");
    expect(copy.clusters.map((cluster) => cluster.name)).toEqual(["fleet-1", "fleet-2", "fleet-10"]);
  });

  it("applies a Docker host's patch to that host, and resyncs when it does not fit", () => {
    const host = (running: number) =>
      ({
        id: 4,
        name: "local-engine",
        runningContainers: running,
        containers: [],
        generatedAt: "2026-12-05T10:00:02.000Z",
      }) as unknown as DockerHostDashboard;
    const withHost = applyDashboardEvent(snapshot, "docker-host", JSON.stringify(host(0)));
    if (withHost === "resync") throw new Error("asked to resync");
    expect(withHost.dockerHosts.map((entry) => entry.name)).toEqual(["local-engine"]);
    const ops = compare(host(0), host(1));
    const patched = applyDashboardEvent(withHost, "docker-host-patch", JSON.stringify({ id: 4, ops }));
    if (patched === "resync") throw new Error("asked to resync");
    expect(patched.dockerHosts[0].runningContainers).toBe(1);
    expect(patched.clusters).toBe(withHost.clusters);
    expect(applyDashboardEvent(snapshot, "docker-host-patch", JSON.stringify({ id: 4, ops }))).toBe("resync");
  });

  it("ignores an event it does not know", () => {
    expect(applyDashboardEvent(snapshot, "something-new", "{}")).toBe(snapshot);
  });
});
