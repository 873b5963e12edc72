import { describe, expect, it } from "vitest";
import { groupsFromClaim, normalizeName, oidcUsername } from "./oidc";

describe("normalizeName", () => {
  it("lowercases and replaces runs of other characters with one dash", () => {
    expect(normalizeName("Data Science", 63)).toBe("data-science");
    expect(normalizeName("ML  &  AI/Team", 63)).toBe("ml-ai-team");
  });

  it("keeps dots, underscores and dashes inside the name", () => {
    expect(normalizeName("ana.lopez_2-x", 64)).toBe("ana.lopez_2-x");
  });

  it("starts and ends with a letter or digit", () => {
    expect(normalizeName("/org/platform/", 63)).toBe("org-platform");
    expect(normalizeName("._team_.", 63)).toBe("team");
  });

  it("cuts to the maximum length without leaving a separator at the end", () => {
    expect(normalizeName("a".repeat(70), 64)).toHaveLength(64);
    expect(normalizeName(`${"a".repeat(62)} bc`, 63)).toBe("a".repeat(62));
  });

  it("keeps an @ out of names", () => {
    expect(normalizeName("team@corp", 63)).toBe("team-corp");
  });

  it("is empty when nothing usable is left", () => {
    expect(normalizeName("--- ...", 63)).toBe("");
  });

  it("treats letters outside a-z as separators", () => {
    expect(normalizeName("Ünïcødé", 63)).toBe("n-c-d");
  });
});

describe("groupsFromClaim", () => {
  it("reads an array of names, normalized and without duplicates", () => {
    expect(groupsFromClaim(["Data Science", "gpu-users", "data science"])).toEqual(["data-science", "gpu-users"]);
  });

  it("reads one comma-separated string", () => {
    expect(groupsFromClaim("admins, Data Science ,")).toEqual(["admins", "data-science"]);
  });

  it("ignores entries that are not strings or have no usable character", () => {
    expect(groupsFromClaim(["ok", 42, null, { name: "x" }, "!!!"])).toEqual(["ok"]);
  });

  it("is empty for a missing or unexpected claim", () => {
    expect(groupsFromClaim(undefined)).toEqual([]);
    expect(groupsFromClaim(7)).toEqual([]);
    expect(groupsFromClaim({ groups: ["a"] })).toEqual([]);
  });
});

describe("oidcUsername", () => {
  it("prefers preferred_username", () => {
    expect(oidcUsername({ sub: "123", preferred_username: "Ana.Lopez", email: "other@example.com" })).toBe("ana.lopez");
  });

  it("drops a domain from preferred_username", () => {
    expect(oidcUsername({ sub: "123", preferred_username: "ana@corp.example" })).toBe("ana");
  });

  it("falls back to the email's local part, then to sub", () => {
    expect(oidcUsername({ sub: "123", email: "Carl.Berg@example.com" })).toBe("carl.berg");
    expect(oidcUsername({ sub: "Subject-42" })).toBe("subject-42");
  });

  it("skips a candidate with no usable character", () => {
    expect(oidcUsername({ sub: "s1", preferred_username: "@@@", email: "dora@example.com" })).toBe("dora");
  });

  it("ignores claims that are not strings", () => {
    expect(oidcUsername({ sub: "s1", preferred_username: 42 })).toBe("s1");
  });

  it("is empty when no claim gives a name", () => {
    expect(oidcUsername({})).toBe("");
    expect(oidcUsername({ sub: "###" })).toBe("");
  });
});
