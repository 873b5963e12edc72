import { describe, expect, it } from "vitest";

import type { RunChange } from "@/lib/runs/events";
import type { RunView } from "@/lib/runs/schema";

import { applyRunChange, insertRun, matchesFilters } from "./runs-cache";

const run = (id: string, overrides: Partial<RunView> = {}): RunView => ({
  id,
  status: "pending",
  reason: "Waiting for the scheduler to place the pod",
  name: "train.py",
  project: "churn",
  activity: "ml-train",
  user: "ada",
  executionConfig: "gpu",
  cluster: "embedded",
  namespace: "berth-churn",
  workload: "pod",
  pods: [],
  createdAt: `2026-11-27T21:00:0${id.length % 10}Z`,
  gpus: 1,
  warnings: [],
  timeline: [],
  resolution: {
    executionConfig: { value: "gpu", origin: "project", from: "from project setting" },
    cluster: { value: "embedded", origin: "instance", from: "from instance default" },
    image: "python:3.12",
  },
  ...overrides,
});

const change = (id: string, overrides: Partial<RunChange> = {}): RunChange => ({
  id,
  status: "running",
  reason: null,
  exitCode: null,
  pods: [`run-${id}`],
  projectId: 1,
  userId: 2,
  clusterId: 1,
  startedAt: "2026-11-27T21:00:05Z",
  finishedAt: null,
  cleanedUpAt: null,
  ...overrides,
});

describe("runs list cache", () => {
  it("patches a listed run and clears a reason that no longer holds", () => {
    const next = applyRunChange([run("a"), run("bb")], change("a"), {});
    expect(next).not.toBe("unknown");
    const [patched, other] = next as RunView[];
    expect(patched).toMatchObject({
      id: "a",
      status: "running",
      pods: ["run-a"],
      startedAt: "2026-11-27T21:00:05Z",
      project: "churn",
    });
    expect(patched.reason).toBeUndefined();
    expect(other.status).toBe("pending");
  });

  it("drops a run that leaves the filtered status, and reports runs it does not hold", () => {
    expect(applyRunChange([run("a")], change("a"), { status: "pending" })).toEqual([]);
    expect(applyRunChange([run("a")], change("zz"), {})).toBe("unknown");
  });

  it("inserts a new matching run newest first, once, within the limit", () => {
    const list = [run("a", { createdAt: "2026-11-27T21:00:01Z" }), run("b", { createdAt: "2026-11-27T21:00:00Z" })];
    const fresh = run("c", { createdAt: "2026-11-27T21:00:09Z" });
    expect(insertRun(list, fresh, {}, 2).map((r) => r.id)).toEqual(["c", "a"]);
    expect(insertRun([fresh, ...list], fresh, {}, 10).map((r) => r.id)).toEqual(["c", "a", "b"]);
    expect(insertRun(list, run("d", { project: "other" }), { project: "CHURN" }, 10).map((r) => r.id)).toEqual([
      "a",
      "b",
    ]);
    expect(matchesFilters(run("e"), { project: "CHURN", activity: "ml-train", cluster: "embedded", user: "ada" })).toBe(
      true,
    );
  });
});
