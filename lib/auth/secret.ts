import "server-only";

import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

import { ensurePrivateDir, writePrivateFileOnce } from "@/lib/data-dir";
import { env } from "@/lib/env";

let cached: string | undefined;

/** NEXTAUTH_SECRET, or a secret generated once into the data dir and reused across restarts. */
export function sessionSecret(): string {
  if (cached) return cached;
  const { NEXTAUTH_SECRET, dataDir } = env();
  if (NEXTAUTH_SECRET) return (cached = NEXTAUTH_SECRET);
  const file = path.join(dataDir, "session-secret");
  ensurePrivateDir(dataDir);
  writePrivateFileOnce(file, randomBytes(32).toString("base64url"));
  return (cached = fs.readFileSync(file, "utf8").trim());
}
