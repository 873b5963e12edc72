import { describe, expect, it } from "vitest";

import { formatAge, formatClock, formatSpan } from "./format";

describe("run time formats", () => {
  it("shows seconds for phase changes and spans in words", () => {
    expect(formatClock("2026-11-27T21:04:09.500Z")).toBe("21:04:09 UTC");
    expect(formatSpan(8_400)).toBe("8 s");
    expect(formatSpan(185_000)).toBe("3 min 05 s");
    expect(formatSpan(7_800_000)).toBe("2 h 10 min");
    expect(formatSpan(3 * 86_400_000)).toBe("3 d");
    expect(formatSpan(-5)).toBe("0 s");
    expect(formatAge("2026-11-27T21:00:00Z", Date.parse("2026-11-27T21:01:30Z"))).toBe("1 min 30 s");
  });
});
