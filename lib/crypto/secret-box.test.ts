import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

describe("secret box", async () => {
  beforeAll(() => {
    process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-secret-"));
  });
  const { decryptSecret, encryptSecret } = await import("./secret-box");

  it("round-trips and never contains the clear text", () => {
    const secret = "token: sk-very-secret-value";
    const sealed = encryptSecret(secret);
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("sk-very-secret");
    expect(decryptSecret(sealed)).toBe(secret);
    expect(encryptSecret(secret)).not.toBe(sealed);
  });

  it("refuses tampered ciphertext", () => {
    const sealed = encryptSecret("hello");
    const bytes = Buffer.from(sealed.slice(3), "base64");
    bytes[bytes.length - 1] ^= 1;
    expect(() => decryptSecret(`v1:${bytes.toString("base64")}`)).toThrow(
      "it was encrypted with another secret key than",
    );
  });
});
