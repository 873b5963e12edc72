import "server-only";

import path from "node:path";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";

import { tightenDataDir, touchPrivateFile } from "@/lib/data-dir";
import { env } from "@/lib/env";

import { refuseNewerDatabase } from "./maintenance.mjs";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema>;
/** The handle inside db.transaction(); same query API. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

const globalForDb = globalThis as unknown as { berthDb?: { db: Db; sqlite: Database.Database } };

/** The one SQLite handle, opened (and migrated) on first use so that `next build` never writes a database. */
export function getDb(): Db {
  if (!globalForDb.berthDb) {
    const { dataDir } = env();
    tightenDataDir(dataDir);
    const file = path.join(dataDir, "berth.db");
    // SQLite gives the -wal and -shm files the database file's mode, so that one is made 0600 first.
    touchPrivateFile(file);
    const sqlite = new Database(file);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    const migrationsFolder = path.join(process.cwd(), "db/migrations");
    // drizzle would skip every migration and run this build on a schema it does not know: refused
    // before anything is written, and the handle closed so the file is left as it was.
    try {
      refuseNewerDatabase(sqlite, migrationsFolder, `The database ${file}`);
    } catch (error) {
      sqlite.close();
      throw error;
    }
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder });
    globalForDb.berthDb = { db, sqlite };
  }
  return globalForDb.berthDb.db;
}

/** The better-sqlite3 handle behind getDb(), for what is shared with the plain-node backup and restore commands (db/maintenance.mjs). */
export function getSqlite(): Database.Database {
  getDb();
  return globalForDb.berthDb!.sqlite;
}

/** Closes the handle if it was opened (at process exit: SQLite checkpoints the WAL into the database file). */
export function closeDb(): void {
  const opened = globalForDb.berthDb;
  if (!opened) return;
  globalForDb.berthDb = undefined;
  if (opened.sqlite.open) opened.sqlite.close();
}
