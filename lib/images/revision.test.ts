import { describe, expect, it } from "vitest";

import { formatDuration, revisionState } from "./revision";

describe("revision state", () => {
  it("is never-built without a current build, rebuild-needed when the inputs hash moved on", () => {
    expect(revisionState("abc", null)).toBe("never-built");
    expect(revisionState("abc", { inputsHash: "abc" })).toBe("up-to-date");
    expect(revisionState("abd", { inputsHash: "abc" })).toBe("rebuild-needed");
  });

  it("formats durations for people", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(4_400)).toBe("4 s");
    expect(formatDuration(185_000)).toBe("3 min 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 min");
  });
});
