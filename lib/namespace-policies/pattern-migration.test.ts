import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { describe, expect, it } from "vitest";

import { matchesNamespace } from "./drift";

const MIGRATIONS = path.join(process.cwd(), "db/migrations");

interface Journal {
  entries: { tag: string }[];
}

/** A copy of the migrations folder whose journal stops before the migration that made patterns globs. */
function migrationsBeforeGlobs(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "berth-migrations-"));
  fs.cpSync(MIGRATIONS, folder, { recursive: true });
  const journalFile = path.join(folder, "meta/_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8")) as Journal;
  const globs = journal.entries.findIndex((entry) =>
    fs.readFileSync(path.join(folder, `${entry.tag}.sql`), "utf8").includes("SET `pattern` = 're:'"),
  );
  expect(globs).toBeGreaterThan(0);
  fs.writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, globs) }));
  return folder;
}

describe("the migration to glob patterns", () => {
  it("keeps every stored regular expression meaning the same by prefixing it with re:", () => {
    const sqlite = new Database(":memory:");
    const db = drizzle(sqlite);
    migrate(db, { migrationsFolder: migrationsBeforeGlobs() });
    const insert = sqlite.prepare("INSERT INTO namespace_policies (name, pattern, spec) VALUES (?, ?, '{}')");
    insert.run("ml", "ml-.*");
    insert.run("literal", "team-a");
    migrate(db, { migrationsFolder: MIGRATIONS });
    const patterns = Object.fromEntries(
      (sqlite.prepare("SELECT name, pattern FROM namespace_policies").all() as { name: string; pattern: string }[]).map(
        (row) => [row.name, row.pattern],
      ),
    );
    expect(patterns).toEqual({ ml: "re:ml-.*", literal: "re:team-a" });
    expect(matchesNamespace(patterns.ml, "ml-test")).toBe(true);
    expect(matchesNamespace(patterns.literal, "team-a")).toBe(true);
  });
});
