import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe("files in the data dir", async () => {
  // A data dir left behind by an older Berth: world-readable, with a key file and a kubeconfig to match.
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), "berth-files-"));
  const dataDir = path.join(parent, "data");
  fs.mkdirSync(dataDir, { mode: 0o755 });
  fs.chmodSync(dataDir, 0o755);
  const oldKubeconfig = path.join(dataDir, "embedded-kubeconfig.yaml");
  fs.writeFileSync(oldKubeconfig, "apiVersion: v1\n", { mode: 0o644 });
  fs.chmodSync(oldKubeconfig, 0o644);
  for (const [name, content] of [
    ["secret.key", Buffer.alloc(32, 7).toString("base64")],
    ["session-secret", "older-session-secret"],
  ]) {
    fs.writeFileSync(path.join(dataDir, name), content);
    fs.chmodSync(path.join(dataDir, name), 0o644);
  }
  process.env.BERTH_DATA_DIR = dataDir;
  delete process.env.BERTH_SECRET_KEY;
  delete process.env.NEXTAUTH_SECRET;

  const { getDb } = await import("@/db");
  const { users } = await import("@/db/schema");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { sessionSecret } = await import("@/lib/auth/secret");

  it("opening the database makes the data dir 0700 and every file in it 0600, also files that existed with wider modes", () => {
    getDb().insert(users).values({ username: "files-check" }).run();
    expect(mode(dataDir)).toBe(0o700);
    for (const name of ["berth.db", "berth.db-wal", "berth.db-shm", "embedded-kubeconfig.yaml"]) {
      expect(mode(path.join(dataDir, name)), name).toBe(0o600);
    }
  });

  it("keeps the secret key and the session secret 0600", () => {
    encryptSecret("x");
    sessionSecret();
    expect(mode(path.join(dataDir, "secret.key"))).toBe(0o600);
    expect(mode(path.join(dataDir, "session-secret"))).toBe(0o600);
  });

  it("creates a missing data dir 0700", async () => {
    const { ensurePrivateDir } = await import("./data-dir");
    const fresh = path.join(parent, "fresh", "nested");
    ensurePrivateDir(fresh);
    expect(mode(fresh)).toBe(0o700);
  });

  it("tightens a key file another process created with a wider mode", async () => {
    const { writePrivateFileOnce } = await import("./data-dir");
    const file = path.join(parent, "loose.key");
    fs.writeFileSync(file, "theirs");
    fs.chmodSync(file, 0o644);
    writePrivateFileOnce(file, "ours");
    expect(fs.readFileSync(file, "utf8")).toBe("theirs");
    expect(mode(file)).toBe(0o600);
  });
});
