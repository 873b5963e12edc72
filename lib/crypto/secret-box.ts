import "server-only";
import fs from "node:fs";
import path from "node:path";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { ensurePrivateDir, writePrivateFileOnce } from "@/lib/data-dir";
import { env } from "@/lib/env";

const VERSION = "v1";
let cachedKey: Buffer | undefined;

/** The 256-bit key: BERTH_SECRET_KEY (any string, hashed to 32 bytes) or a key file in the data dir. */
function secretKey(): Buffer {
  if (cachedKey) return cachedKey;
  const { BERTH_SECRET_KEY, dataDir } = env();
  if (BERTH_SECRET_KEY) return (cachedKey = createHash("sha256").update(BERTH_SECRET_KEY).digest());
  const file = path.join(dataDir, "secret.key");
  ensurePrivateDir(dataDir);
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

/** Decrypts what encryptSecret produced; throws if it was tampered with or the key changed. */
export function decryptSecret(payload: string): string {
  const [version, body] = payload.split(":");
  if (version !== VERSION || !body) throw new Error("Unknown secret format");
  const bytes = Buffer.from(body, "base64");
  const decipher = createDecipheriv("aes-256-gcm", secretKey(), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8");
}
