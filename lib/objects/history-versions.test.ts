import { describe, expect, it } from "vitest";

import { restoredFromText, versionNumbers } from "./history-versions";

const saves = (action: string) => /\.(create|update|restore|import)$/.test(action);

describe("history version numbers", () => {
  it("counts saves from 1 at creation when bodies do not record their version, skipping other actions", () => {
    const events = [
      { id: 12, action: "code-env.restore", after: { name: "a", restoredFrom: 4 } },
      { id: 9, action: "code-env.build", after: { builds: [] } },
      { id: 7, action: "code-env.update", after: { name: "a" } },
      { id: 4, action: "code-env.create", after: { name: "a" } },
    ];
    const versions = versionNumbers(events, saves);
    expect([...versions]).toEqual([
      [4, 1],
      [7, 2],
      [12, 3],
    ]);
    // The restore names version 1 (audit row 4), not the audit id.
    expect(restoredFromText(events[0].after, versions)).toBe("restored from version 1");
  });

  it("takes the version a body records", () => {
    const versions = versionNumbers(
      [
        { id: 30, action: "namespace-policy.update", after: { version: 8 } },
        { id: 31, action: "namespace-policy.restore", after: { version: 9, restoredFrom: 30 } },
      ],
      saves,
    );
    expect(versions.get(31)).toBe(9);
    expect(restoredFromText({ version: 9, restoredFrom: 30 }, versions)).toBe("restored from version 8");
  });

  it("says an earlier version when the restored row is not known, and nothing for other rows", () => {
    expect(restoredFromText({ restoredFrom: 2 }, new Map())).toBe("restored from an earlier version");
    expect(restoredFromText({ name: "a" }, new Map())).toBeNull();
    expect(restoredFromText(null, new Map())).toBeNull();
  });
});
