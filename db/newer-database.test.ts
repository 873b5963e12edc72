import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const migrationsFolder = path.join(root, "db", "migrations");
const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as {
  entries: { tag: string; when: number }[];
};
const newestTag = journal.entries.at(-1)!.tag;

/** A data dir whose database a newer Berth migrated: this build's migrations plus one it has never seen. */
function dataDirFromNewerBerth(): string {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-newer-"));
  const sqlite = new Database(path.join(dataDir, "berth.db"));
  sqlite.pragma("journal_mode = WAL");
  migrate(drizzle(sqlite), { migrationsFolder });
  sqlite
    .prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)")
    .run(createHash("sha256").update(randomBytes(16)).digest("hex"), journal.entries.at(-1)!.when + 86_400_000);
  sqlite.prepare("INSERT INTO users (username) VALUES ('kept')").run();
  sqlite.close();
  return dataDir;
}

const digest = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Runs the console's start hook (instrumentation.ts) in its own process, as `next start` would. */
function startConsole(dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      "const { register } = await import('./instrumentation.ts'); await register();",
    ],
    {
      cwd: root,
      env: { ...process.env, NEXT_RUNTIME: "nodejs", BERTH_DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

describe("a database written by an older Berth", () => {
  it("is brought up to this build's schema when the console opens it", async () => {
    // An older build's migrations folder: the first half of this build's journal.
    const older = fs.mkdtempSync(path.join(os.tmpdir(), "berth-older-migrations-"));
    fs.cpSync(migrationsFolder, older, { recursive: true });
    const kept = journal.entries.slice(0, Math.ceil(journal.entries.length / 2));
    fs.writeFileSync(path.join(older, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: kept }));
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-older-"));
    const sqlite = new Database(path.join(dataDir, "berth.db"));
    migrate(drizzle(sqlite), { migrationsFolder: older });
    sqlite.prepare("INSERT INTO users (username) VALUES ('kept')").run();
    sqlite.close();

    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        "const { getDb } = await import('./db/index.ts'); getDb(); process.exit(0);",
      ],
      { cwd: root, env: { ...process.env, BERTH_DATA_DIR: dataDir }, stdio: "inherit" },
    );
    expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(0);

    const migrated = new Database(path.join(dataDir, "berth.db"), { readonly: true });
    expect(migrated.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get()).toEqual({
      n: journal.entries.length,
    });
    expect(migrated.prepare("SELECT username FROM users").all()).toEqual([{ username: "kept" }]);
    migrated.close();
  });
});

describe("a database written by a newer Berth", () => {
  it("is refused at start in plain words, and left exactly as it was", async () => {
    const dataDir = dataDirFromNewerBerth();
    const file = path.join(dataDir, "berth.db");
    const before = digest(file);

    const { code, output } = await startConsole(dataDir);

    expect(code).not.toBe(0);
    expect(output).toContain("was written by a newer Berth");
    expect(output).toContain(`this build knows up to ${newestTag}`);
    expect(output).toContain("restore a backup taken with this version");
    // Plain words for an operator, not a stack trace.
    expect(output).not.toMatch(/\n\s+at /);
    expect(digest(file)).toBe(before);
    const sqlite = new Database(file, { readonly: true });
    expect(sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get()).toEqual({
      n: journal.entries.length + 1,
    });
    expect(sqlite.prepare("SELECT count(*) AS n FROM users").get()).toEqual({ n: 1 });
    sqlite.close();
  });
});
