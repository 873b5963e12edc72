import { describe, expect, it } from "vitest";

import { hashPassword, verifyPassword } from "./password";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse 9");
    expect(hash).not.toContain("correct horse");
    expect(await verifyPassword("correct horse 9", hash)).toBe(true);
    expect(await verifyPassword("correct horse 8", hash)).toBe(false);
  });

  it("salts: the same password hashes differently", async () => {
    expect(await hashPassword("same-Password1")).not.toBe(await hashPassword("same-Password1"));
  });

  it("refuses malformed stored hashes", async () => {
    expect(await verifyPassword("x", "plain-text")).toBe(false);
  });
});
