import { describe, expect, it } from "vitest";

import {
  consoleWatches,
  describeCounts,
  listsBetween,
  ms,
  percentile,
  total,
  whoListed,
  type SimStats,
} from "./figures";

const stats = (partial: Partial<SimStats>): SimStats => ({
  since: "2026-11-28T00:00:00.000Z",
  lists: {},
  watches: {},
  requests: {},
  recentLists: [],
  ...partial,
});

describe("percentile", () => {
  it("takes the nearest rank, so p95 of 20 samples is the 19th", () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it("formats milliseconds with a decimal only below 10", () => {
    expect(ms(3.14)).toBe("3.1 ms");
    expect(ms(312.6)).toBe("313 ms");
    expect(ms(NaN)).toBe("n/a");
  });
});

describe("simulator counters", () => {
  it("leaves the bench's own watches out of the console's", () => {
    const snapshot = stats({
      watches: { pods: { open: 2, started: 5 }, nodes: { open: 1, started: 1 }, events: { open: 0, started: 3 } },
    });
    const console = consoleWatches(snapshot, { pods: 1 });
    expect(console).toEqual({ pods: 1, nodes: 1 });
    expect(total(console)).toBe(2);
    expect(describeCounts(console)).toBe("pods 1, nodes 1");
    expect(describeCounts({})).toBe("none");
  });

  it("counts the LISTs made between two snapshots, per resource", () => {
    const before = stats({ lists: { pods: 21, nodes: 1 } });
    const after = stats({ lists: { pods: 41, nodes: 1, events: 1 } });
    expect(listsBetween(before, after)).toEqual({ pods: 20, events: 1 });
    expect(listsBetween(after, after)).toEqual({});
  });

  it("names the LISTs made after a time, folding a paged list's continue tokens", () => {
    const snapshot = stats({
      recentLists: [
        { at: "2026-11-28T00:00:01.000Z", path: "/api/v1/nodes?limit=500" },
        { at: "2026-11-28T00:00:05.000Z", path: "/api/v1/pods?limit=500" },
        { at: "2026-11-28T00:00:05.100Z", path: "/api/v1/pods?continue=eyJydiI6MX0&limit=500" },
        { at: "2026-11-28T00:00:06.000Z", path: "/api/v1/namespaces/a/events?fieldSelector=involvedObject.name%3Dx" },
      ],
    });
    expect(whoListed(snapshot, "2026-11-28T00:00:02.000Z")).toBe(
      "2× /api/v1/pods?limit=500, 1× /api/v1/namespaces/a/events?fieldSelector=involvedObject.name%3Dx",
    );
    expect(whoListed(snapshot, "2026-11-28T00:00:07.000Z")).toBe("");
  });
});
