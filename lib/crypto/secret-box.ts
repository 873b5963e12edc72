import "server-only";

import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { ensurePrivateDir, writePrivateFileOnce } from "@/lib/data-dir";
import { env } from "@/lib/env";

const VERSION = "v1";
let cachedKey: Buffer | undefined;

/**
 * A stored secret this instance cannot open: sealed with another key (BERTH_SECRET_KEY changed, or
 * the data dir's key file was replaced) or not sealed by Berth at all. Its message names the key in
 * use, never the secret, so callers can say which stored object it was and show it to an admin.
 */
export class UnreadableSecretError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "UnreadableSecretError";
  }
}

/** Where the key comes from, in words an operator can act on. */
export function secretKeySource(): string {
  const { BERTH_SECRET_KEY, dataDir } = env();
  return BERTH_SECRET_KEY ? "BERTH_SECRET_KEY" : `the key file ${path.join(dataDir, "secret.key")}`;
}

/** The 256-bit key: BERTH_SECRET_KEY (any string, hashed to 32 bytes) or a key file in the data dir. */
function secretKey(): Buffer {
  if (cachedKey) return cachedKey;
  const { BERTH_SECRET_KEY, dataDir } = env();
  if (BERTH_SECRET_KEY) return (cachedKey = createHash("sha256").update(BERTH_SECRET_KEY).digest());
  const file = path.join(dataDir, "secret.key");
  ensurePrivateDir(dataDir);
  // Written once: a key rewritten at a later start would make every stored secret unreadable.
  writePrivateFileOnce(file, randomBytes(32).toString("base64"));
  return (cachedKey = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64"));
}

/** Encrypts a secret with AES-256-GCM: `v1:<base64 iv|tag|ciphertext>`. */
export function encryptSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", secretKey(), iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64")}`;
}

/** Decrypts what encryptSecret produced; throws UnreadableSecretError if it was tampered with or the key changed. */
export function decryptSecret(payload: string): string {
  const [version, body] = payload.split(":");
  const bytes = body ? Buffer.from(body, "base64") : Buffer.alloc(0);
  if (version !== VERSION || bytes.length < 28)
    throw new UnreadableSecretError("it is not in Berth's encrypted format");
  const decipher = createDecipheriv("aes-256-gcm", secretKey(), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    // GCM cannot tell a wrong key from altered bytes; a wrong key is by far the likelier cause.
    throw new UnreadableSecretError(`it was encrypted with another secret key than ${secretKeySource()}`);
  }
}
