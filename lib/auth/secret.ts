import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";

let cached: string | undefined;

/** NEXTAUTH_SECRET, or a secret generated once into the data dir and reused across restarts. */
export function sessionSecret(): string {
  if (cached) return cached;
  const { NEXTAUTH_SECRET, dataDir } = env();
  if (NEXTAUTH_SECRET) return (cached = NEXTAUTH_SECRET);
  const file = path.join(dataDir, "session-secret");
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    try {
      fs.writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Another worker wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return (cached = fs.readFileSync(file, "utf8").trim());
}
