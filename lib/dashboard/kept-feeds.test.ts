import { afterEach, describe, expect, it, vi } from "vitest";

import { keptFeed, releaseIdleFeeds, type KeptFeeds } from "./kept-feeds";

interface TestFeed {
  rowVersion: number;
  lastUsed: number;
  name: string;
}

const timing = { idleMs: 10_000, everyMs: 1_000 };

function emptyState(): KeptFeeds<TestFeed> {
  return { feeds: new Map(), streams: new Map(), sweepTimer: null };
}

describe("kept feeds", () => {
  afterEach(() => vi.useRealTimers());

  it("starts a feed once, and again when its row's version moved on, disposing the old one", () => {
    const state = emptyState();
    const disposed: string[] = [];
    let started = 0;
    const start = (row: { id: number; version: number }) => ({
      rowVersion: row.version,
      lastUsed: 0,
      name: `feed ${++started}`,
    });
    const first = keptFeed(state, { id: 1, version: 1 }, start, (feed) => disposed.push(feed.name), timing);
    expect(keptFeed(state, { id: 1, version: 1 }, start, (feed) => disposed.push(feed.name), timing)).toBe(first);
    const second = keptFeed(state, { id: 1, version: 2 }, start, (feed) => disposed.push(feed.name), timing);
    expect(second.name).toBe("feed 2");
    expect(disposed).toEqual(["feed 1"]);
    expect(state.feeds.get(1)).toBe(second);
    clearInterval(state.sweepTimer!);
  });

  it("releases only feeds nobody streams and nobody read for the idle time", () => {
    const state = emptyState();
    state.feeds.set(1, { rowVersion: 1, lastUsed: 0, name: "idle" });
    state.feeds.set(2, { rowVersion: 1, lastUsed: 0, name: "streamed" });
    state.feeds.set(3, { rowVersion: 1, lastUsed: 5_000, name: "read lately" });
    state.streams.set(2, 1);
    const disposed: string[] = [];
    expect(releaseIdleFeeds(state, (feed) => disposed.push(feed.name), 10_000, 12_000)).toBe(1);
    expect(disposed).toEqual(["idle"]);
    expect([...state.feeds.keys()]).toEqual([2, 3]);
  });

  it("sweeps while feeds are kept and stops its timer when the last one is released", () => {
    vi.useFakeTimers();
    const state = emptyState();
    const disposed: string[] = [];
    keptFeed(
      state,
      { id: 7, version: 1 },
      (row) => ({ rowVersion: row.version, lastUsed: 0, name: "seven" }),
      (feed) => disposed.push(feed.name),
      timing,
    );
    expect(state.sweepTimer).not.toBeNull();
    vi.advanceTimersByTime(timing.idleMs);
    expect(disposed).toEqual([]);
    vi.advanceTimersByTime(timing.everyMs * 2);
    expect(disposed).toEqual(["seven"]);
    expect(state.feeds.size).toBe(0);
    expect(state.sweepTimer).toBeNull();
  });
});
