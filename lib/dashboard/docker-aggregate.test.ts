import { describe, expect, it } from "vitest";

import { NOT_FROM_BERTH } from "./aggregate";
import { DockerHostContainers, type InspectedContainer } from "./docker-aggregate";

const GiB = 2 ** 30;

function container(id: string, labels: Record<string, string>, extra: Partial<InspectedContainer> = {}) {
  return {
    id,
    name: `c-${id}`,
    image: "localhost/debian:bookworm",
    labels,
    running: true,
    startedAt: "2026-12-06T00:00:00.000Z",
    nanoCpus: 1_500_000_000,
    memoryBytes: GiB,
    ...extra,
  } satisfies InspectedContainer;
}

const berth = (project: string, user: string, run: string) => ({
  "app.kubernetes.io/managed-by": "berth",
  "berth.dev/project": project,
  "berth.dev/user": user,
  "berth.dev/run": run,
});

describe("a Docker host's running containers", () => {
  it("groups containers by project and user, sums their limits, and puts others under not from Berth", () => {
    const host = new DockerHostContainers();
    host.applyInspect(container("a", berth("churn", "ada", "r1")));
    host.applyInspect(container("b", berth("churn", "bob", "r2"), { nanoCpus: 500_000_000, memoryBytes: GiB / 2 }));
    host.applyInspect(container("c", berth("fraud", "ada", "r3")));
    host.applyInspect(container("x", {}, { nanoCpus: 0, memoryBytes: 0 }));

    const view = host.snapshot();
    expect(view.runningContainers).toBe(4);
    expect(view.nanoCpus).toBe(3_500_000_000);
    expect(view.memoryBytes).toBe(2.5 * GiB);
    expect(view.byProject).toEqual([
      { key: "churn", containers: 2, nanoCpus: 2_000_000_000, memoryBytes: 1.5 * GiB, unlimited: 0 },
      { key: "fraud", containers: 1, nanoCpus: 1_500_000_000, memoryBytes: GiB, unlimited: 0 },
      { key: NOT_FROM_BERTH, containers: 1, nanoCpus: 0, memoryBytes: 0, unlimited: 1 },
    ]);
    expect(view.byUser.map((row) => [row.key, row.containers])).toEqual([
      ["ada", 2],
      ["bob", 1],
      [NOT_FROM_BERTH, 1],
    ]);
    expect(view.containers.find((facts) => facts.id === "a")).toMatchObject({
      fromBerth: true,
      project: "churn",
      user: "ada",
      run: "r1",
    });
  });

  it("drops a container that stopped or was removed, and moves its version only on a change", () => {
    const host = new DockerHostContainers();
    expect(host.applyInspect(container("a", berth("churn", "ada", "r1")))).toBe(true);
    const version = host.version;
    expect(host.applyInspect(container("a", berth("churn", "ada", "r1")))).toBe(false);
    expect(host.version).toBe(version);

    expect(host.applyInspect(container("a", berth("churn", "ada", "r1"), { running: false }))).toBe(true);
    expect(host.snapshot().runningContainers).toBe(0);
    expect(host.remove("a")).toBe(false);

    host.applyInspect(container("b", {}));
    expect(host.remove("b")).toBe(true);
    expect(host.snapshot()).toMatchObject({ runningContainers: 0, byProject: [], byUser: [], containers: [] });
  });

  it("lists the most recently started first, at most 50", () => {
    const host = new DockerHostContainers();
    for (let index = 0; index < 60; index += 1)
      host.applyInspect(
        container(`c${index}`, {}, { startedAt: new Date(Date.UTC(2026, 11, 6, 0, index)).toISOString() }),
      );
    const listed = host.snapshot().containers;
    expect(listed).toHaveLength(50);
    expect(listed[0].id).toBe("c59");
  });
});
