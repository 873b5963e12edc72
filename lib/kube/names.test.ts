import { describe, expect, it } from "vitest";

import { DNS1123_LABEL, resolveNamespace, resolveNamespaceDetail } from "./names";

const distinct = (names: string[]) => expect(new Set(names).size).toBe(names.length);

describe("resolveNamespace is injective", () => {
  it("keeps simple, unchanged values exactly as they were", () => {
    expect(resolveNamespace("u-${user}", { user: "alice-smith" })).toBe("u-alice-smith");
    expect(resolveNamespace("berth-${project}", { project: "churn" })).toBe("berth-churn");
    // Project keys are unique ignoring case: lowercasing one is not a change.
    expect(resolveNamespace("berth-${project}", { project: "CHURN" })).toBe("berth-churn");
    expect(resolveNamespace("${user}-${project}", { user: "bob", project: "churn" })).toBe("bob-churn");
    expect(resolveNamespace("fixed", {})).toBe("fixed");
  });

  it("gives alice.smith, alice_smith and alice-smith different namespaces", () => {
    const names = ["alice.smith", "alice_smith", "alice-smith"].map((user) => resolveNamespace("u-${user}", { user }));
    distinct(names);
    for (const name of names) expect(name).toMatch(/^u-alice-smith/);
  });

  it("does not collide across (user, project) pairs split at the separator", () => {
    const a = resolveNamespace("${user}-${project}", { user: "a-b", project: "c" });
    const b = resolveNamespace("${user}-${project}", { user: "a", project: "b-c" });
    expect(a).not.toBe(b);
    expect(resolveNamespaceDetail("${user}-${project}", { user: "a-b", project: "c" }).disambiguated).toMatch(
      /separator/,
    );
  });

  it("tells apart adjacent variables with no separator between them", () => {
    distinct([
      resolveNamespace("${user}${project}", { user: "ab", project: "c" }),
      resolveNamespace("${user}${project}", { user: "a", project: "bc" }),
    ]);
  });

  it("keeps names that would be cut at 63 characters apart, and valid", () => {
    const long = "p".repeat(70);
    const names = [
      resolveNamespace("${project}", { project: long }),
      resolveNamespace("${project}", { project: `${long}x` }),
    ];
    distinct(names);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(DNS1123_LABEL);
    }
  });

  it("never gives a plain value the name of a disambiguated one", () => {
    const hashed = resolveNamespace("u-${user}", { user: "alice.smith" });
    const lookalike = hashed.slice("u-".length);
    expect(resolveNamespace("u-${user}", { user: lookalike })).not.toBe(hashed);
  });

  it("is stable and says why a name was disambiguated", () => {
    expect(resolveNamespace("u-${user}", { user: "alice.smith" })).toBe(
      resolveNamespace("u-${user}", { user: "alice.smith" }),
    );
    expect(resolveNamespaceDetail("u-${user}", { user: "alice.smith" }).disambiguated).toMatch(/alice\.smith/);
    expect(resolveNamespaceDetail("u-${user}", { user: "alice" }).disambiguated).toBeUndefined();
  });
});
