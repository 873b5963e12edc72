import { describe, expect, it } from "vitest";

import { diffObjects, formatFieldValue } from "./diff";

describe("diffObjects", () => {
  it("lists changed, added and removed fields by dotted path", () => {
    const before = { name: "gpu", spec: { image: "python:3.11", resources: { limits: { cpu: "2" } } }, tags: ["a"] };
    const after = {
      name: "gpu",
      spec: { image: "python:3.12", resources: { limits: { cpu: "2", "nvidia.com/gpu": "1" } } },
      tags: ["a", "b"],
    };
    expect(diffObjects(before, after)).toEqual([
      { field: "spec.image", before: "python:3.11", after: "python:3.12" },
      { field: "spec.resources.limits.nvidia.com/gpu", after: "1" },
      { field: "tags", before: ["a"], after: ["a", "b"] },
    ]);
  });

  it("treats a missing side as empty (create and delete)", () => {
    expect(diffObjects(null, { name: "x" })).toEqual([{ field: "name", after: "x" }]);
    expect(diffObjects({ name: "x" }, null)).toEqual([{ field: "name", before: "x" }]);
    expect(diffObjects({ a: 1 }, { a: 1 })).toEqual([]);
  });

  it("formats values as short text", () => {
    expect(formatFieldValue(undefined)).toBe("—");
    expect(formatFieldValue(null)).toBe("none");
    expect(formatFieldValue("")).toBe('""');
    expect(formatFieldValue({ groups: ["ml"] })).toBe('{"groups":["ml"]}');
  });
});
