import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";

import type { RunRow } from "@/db/schema";

import { describeRunPods, followRun, livePodDescriptions, runPageSnapshot, type RunStreamEvents } from "./live";

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
    name: "train",
    activity: "python-recipe",
    request: {},
    resolution: {},
    warnings: [],
    createdAt: created,
    startedAt: null,
    finishedAt: null,
    cleanedUpAt: null,
    clusterId: null,
    projectId: null,
    userId: 1,
    ...overrides,
  }) as RunRow;

const pod = (name: string): V1Pod => ({ metadata: { name, namespace: "default" }, status: { phase: "Running" } });
const event = (kind: string, name: string, reason: string): CoreV1Event =>
  ({
    metadata: { name: `${name}.${reason}`, namespace: "default" },
    involvedObject: { kind, name },
    reason,
    message: reason,
    type: "Normal",
    lastTimestamp: created,
  }) as CoreV1Event;

describe("a run page's live pod descriptions", () => {
  it("sends the first description at once, so a stream stopped right after it still told the page", () => {
    const sent: unknown[][] = [];
    const live = livePodDescriptions(row({ status: "succeeded", cleanedUpAt: created }), (pods) => sent.push(pods));
    live.update([{ metadata: { name: "run-a123456789", namespace: "default" }, status: { phase: "Succeeded" } }]);
    live.stop();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject([{ name: "run-a123456789" }]);
  });

  it("gives each pod its own events, and no event of another kind with the same name", () => {
    const [driver, executor] = describeRunPods(
      [pod("driver"), pod("exec-1")],
      [event("Pod", "driver", "Scheduled"), event("Pod", "exec-1", "Pulled"), event("Service", "driver", "Created")],
    );
    expect(driver.events.map((e) => e.reason)).toEqual(["Scheduled"]);
    expect(executor.events.map((e) => e.reason)).toEqual(["Pulled"]);
  });
});

describe("a run page and its stream", () => {
  it("start from the same run and the same pods: the page's first render is what the stream sends first", () => {
    const run = row();
    const snapshot = runPageSnapshot(run);
    const sent: { [E in keyof RunStreamEvents]?: RunStreamEvents[E][] } = {};
    const stop = followRun(run, (name, data) => ((sent[name] ??= []) as unknown[]).push(data));
    stop();
    expect(sent.run).toEqual([
      expect.objectContaining({
        id: snapshot.run.id,
        status: snapshot.run.status,
        reason: snapshot.run.reason,
        pods: snapshot.run.pods,
      }),
    ]);
    expect(sent.pods).toEqual([{ pods: snapshot.pods }]);
    // Berth follows no cluster for this run: neither the page nor the stream says anything about a watch.
    expect(sent.cluster).toBeUndefined();
    expect(snapshot.watch).toBeNull();
  });
});
