import { describe, expect, it } from "vitest";

import { publishBuildStatus, subscribeBuildStatus, type BuildStatusChange } from "./build-events";

describe("build status events", () => {
  it("reaches every subscriber until it unsubscribes", () => {
    const first: BuildStatusChange[] = [];
    const second: BuildStatusChange[] = [];
    const stopFirst = subscribeBuildStatus((change) => first.push(change));
    const stopSecond = subscribeBuildStatus((change) => second.push(change));
    publishBuildStatus({ id: 1, status: "running" });
    stopFirst();
    publishBuildStatus({ id: 1, status: "pushed" });
    stopSecond();
    publishBuildStatus({ id: 2, status: "queued" });
    expect(first).toEqual([{ id: 1, status: "running" }]);
    expect(second).toEqual([
      { id: 1, status: "running" },
      { id: 1, status: "pushed" },
    ]);
  });
});
