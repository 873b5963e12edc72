import { describe, expect, it } from "vitest";

import { isRunId, newRunId, RUN_ID_LENGTH } from "./ids";

describe("run ids", () => {
  it("are 10 lower-case base36 characters starting with a letter, valid as label values", () => {
    for (let i = 0; i < 200; i++) {
      const id = newRunId();
      expect(id).toHaveLength(RUN_ID_LENGTH);
      expect(id).toMatch(/^[a-z][0-9a-z]{9}$/);
      expect(isRunId(id)).toBe(true);
    }
  });

  it("do not repeat", () => {
    const ids = new Set(Array.from({ length: 2000 }, newRunId));
    expect(ids.size).toBe(2000);
  });

  it("tells run ids from other text", () => {
    expect(isRunId("abc")).toBe(false);
    expect(isRunId("1bcdefghij")).toBe(false);
    expect(isRunId("Abcdefghij")).toBe(false);
    expect(isRunId("abcdefghij")).toBe(true);
  });
});
