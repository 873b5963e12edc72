import { describe, expect, it } from "vitest";

import { redact, REDACTED } from "./redact";

describe("redact", () => {
  it("hides secrets at any depth and keeps the rest", () => {
    const input = {
      username: "ada",
      password: "Secret-123",
      passwordHash: "scrypt$…",
      nested: { registry: { url: "r.example", token: "t", clientSecret: "s" }, list: [{ kubeconfig: "k" }] },
      revokedAt: null,
      imagePullSecret: "regcred",
    };
    expect(redact(input)).toEqual({
      username: "ada",
      password: REDACTED,
      passwordHash: REDACTED,
      nested: {
        registry: { url: "r.example", token: REDACTED, clientSecret: REDACTED },
        list: [{ kubeconfig: REDACTED }],
      },
      revokedAt: null,
      imagePullSecret: "regcred",
    });
    expect(input.password).toBe("Secret-123");
  });
});
