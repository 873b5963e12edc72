import { describe, expect, it } from "vitest";

import { groupsFromClaim, identityFromAccountId, normalizeName, oidcAccountId, oidcUsername } from "./oidc";

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
    expect(oidcUsername({ sub: "123", email: "Carl.Berg@example.com", email_verified: true })).toBe("carl.berg");
    expect(oidcUsername({ sub: "Subject-42" })).toBe("subject-42");
  });

  it("skips a candidate with no usable character", () => {
    expect(
      oidcUsername({ sub: "s1", preferred_username: "@@@", email: "dora@example.com", email_verified: true }),
    ).toBe("dora");
  });

  it("never takes a name from an email the provider has not verified", () => {
    expect(oidcUsername({ sub: "s1", email: "ana@example.com" })).toBe("s1");
    expect(oidcUsername({ sub: "s1", email: "ana@example.com", email_verified: false })).toBe("s1");
    expect(oidcUsername({ sub: "s1", email: "ana@example.com", email_verified: "false" })).toBe("s1");
    // Some providers send the claim as a string.
    expect(oidcUsername({ sub: "s1", email: "ana@example.com", email_verified: "true" })).toBe("ana");
  });

  it("ignores claims that are not strings", () => {
    expect(oidcUsername({ sub: "s1", preferred_username: 42 })).toBe("s1");
  });

  it("is empty when no claim gives a name", () => {
    expect(oidcUsername({})).toBe("");
    expect(oidcUsername({ sub: "###" })).toBe("");
  });
});

describe("oidcAccountId", () => {
  it("round-trips an issuer and subject, whatever characters they hold", () => {
    const identity = { issuer: "https://sso.example/realms/a", subject: 'a"b,c' };
    expect(identityFromAccountId(oidcAccountId(identity))).toEqual(identity);
  });

  it("is null for ids it did not make", () => {
    expect(identityFromAccountId("12")).toBeNull();
    expect(identityFromAccountId("sub-ana")).toBeNull();
    expect(identityFromAccountId('["only-one"]')).toBeNull();
  });
});
