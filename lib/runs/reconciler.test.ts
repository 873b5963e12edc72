import { describe, expect, it } from "vitest";

import type { RunRow } from "@/db/schema";

import { runUpdateFrom } from "./reconciler";

const created = new Date("2026-11-27T10:00:00Z");
const row = (overrides: Partial<RunRow> = {}): RunRow =>
  ({
    id: "a123456789",
    status: "pending",
    reason: "Waiting for the scheduler to place the pod",
    exitCode: null,
    pods: ["run-a123456789"],
    timeline: [
      { status: "queued", at: created.toISOString() },
      { status: "pending", at: created.toISOString() },
    ],
    startedAt: null,
    finishedAt: null,
    ...overrides,
  }) as RunRow;

describe("run row updates from its pods", () => {
  const now = new Date("2026-11-27T10:10:00Z");

  it("changes nothing when the pods say what the row says", () => {
    expect(
      runUpdateFrom(
        row(),
        {
          status: "pending",
          reason: "Waiting for the scheduler to place the pod",
          exitCode: null,
          startedAt: null,
          finishedAt: null,
        },
        ["run-a123456789"],
        now,
      ),
    ).toBeNull();
  });

  it("records the start when the containers run, and clears the pending reason", () => {
    const started = new Date("2026-11-27T10:01:00Z");
    const update = runUpdateFrom(
      row(),
      { status: "running", reason: null, exitCode: null, startedAt: started, finishedAt: null },
      ["run-a123456789"],
      now,
    );
    expect(update).toEqual({
      status: "running",
      reason: null,
      startedAt: started,
      timeline: [...row().timeline, { status: "running", at: started.toISOString() }],
    });
  });

  it("records the end, the exit code and new pods (Spark executors) when the run finishes", () => {
    const running = row({ status: "running", reason: null, startedAt: new Date("2026-11-27T10:01:00Z") });
    const ended = new Date("2026-11-27T10:05:00Z");
    const update = runUpdateFrom(
      running,
      { status: "failed", reason: "exit 3", exitCode: 3, startedAt: running.startedAt, finishedAt: ended },
      ["run-a123456789", "exec-1"],
      now,
    );
    expect(update).toMatchObject({
      status: "failed",
      reason: "exit 3",
      exitCode: 3,
      finishedAt: ended,
      pods: ["run-a123456789", "exec-1"],
    });
    expect(update).not.toHaveProperty("startedAt");
    expect(update!.timeline!.at(-1)).toEqual({ status: "failed", at: ended.toISOString(), reason: "exit 3" });
  });

  it("fills in the running step and start a watch gap skipped", () => {
    const started = new Date("2026-11-27T10:02:00Z");
    const update = runUpdateFrom(
      row(),
      { status: "succeeded", reason: null, exitCode: 0, startedAt: started, finishedAt: now },
      [],
      now,
    );
    expect(update!.timeline!.map((step) => step.status)).toEqual(["queued", "pending", "running", "succeeded"]);
    expect(update).toMatchObject({ startedAt: started, finishedAt: now, exitCode: 0 });
  });
});
