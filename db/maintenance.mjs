// Database upkeep shared by the console (the refusal of a newer database at start) and by the
// backup and restore commands. Plain JavaScript on purpose: the image's standalone tree has no
// TypeScript runner, and these must run there with `node` alone (scripts/backup.mjs, restore.mjs).
import { createDecipheriv, createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

/** The database file's name in the data dir. */
export const DATABASE_FILE = "berth.db";

// Tables an operator recognises in a summary; every Berth database has them.
const COUNTED_TABLES = [
  "users",
  "groups",
  "projects",
  "clusters",
  "execution_configs",
  "runs",
  "image_builds",
  "api_tokens",
  "audit_events",
];

/** The migrations this build knows, oldest first, from drizzle-kit's journal. */
export function readJournal(migrationsDir) {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsDir, "meta", "_journal.json"), "utf8"));
  return journal.entries.map((entry) => ({ tag: entry.tag, when: Number(entry.when) }));
}

function tableExists(sqlite, name) {
  return Boolean(sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name));
}

function describeMigrationTime(when) {
  return `${new Date(when).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Which migrations a database records, against this build's journal. drizzle's migrator applies
 * every journal entry newer than the database's latest `created_at` (its journal `when`) and
 * nothing else, so a database whose latest migration is newer than this build's would be run
 * with a schema this build does not know: `newer` is that case.
 */
export function schemaVersion(sqlite, journal) {
  if (!tableExists(sqlite, "__drizzle_migrations")) return { applied: 0, latest: null, newer: false };
  const { applied } = sqlite.prepare("SELECT count(*) AS applied FROM __drizzle_migrations").get();
  const row = sqlite
    .prepare("SELECT hash, created_at AS createdAt FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1")
    .get();
  if (!row) return { applied: 0, latest: null, newer: false };
  const when = Number(row.createdAt);
  const known = journal.find((entry) => entry.when === when);
  const newest = journal.at(-1);
  return { applied, latest: { tag: known?.tag ?? null, when, hash: row.hash }, newer: !newest || when > newest.when };
}

/** The schema version in words: the migration's tag, or its date and hash when this build does not know it. */
export function describeSchemaVersion(version) {
  if (!version.latest) return "no migrations applied";
  if (version.latest.tag) return `migration ${version.latest.tag} (${version.applied} applied)`;
  return `a migration this build does not know (dated ${describeMigrationTime(version.latest.when)}, hash ${version.latest.hash.slice(0, 12)}; ${version.applied} applied)`;
}

/** A database written by a newer Berth than this build: starting on it or restoring it is refused. */
export class NewerDatabaseError extends Error {
  constructor(message) {
    super(message);
    this.name = "NewerDatabaseError";
  }
}

/** Throws NewerDatabaseError, in words an operator can act on, when the database is newer than this build's migrations. */
export function refuseNewerDatabase(sqlite, migrationsDir, subject = "This database") {
  const journal = readJournal(migrationsDir);
  const version = schemaVersion(sqlite, journal);
  if (!version.newer) return;
  const newest = journal.at(-1);
  throw new NewerDatabaseError(
    `${subject} was written by a newer Berth: its latest migration (dated ${describeMigrationTime(version.latest.when)}, hash ${version.latest.hash.slice(0, 12)}) ` +
      `is not one this build knows; this build knows up to ${newest ? newest.tag : "no migration"}. ` +
      'Run the newer Berth, or restore a backup taken with this version (docs/operations.md, "Restore"). Nothing was changed.',
  );
}

/** Row counts of the tables an operator recognises (those the database has). */
export function rowCounts(sqlite) {
  const counts = {};
  for (const table of COUNTED_TABLES) {
    if (tableExists(sqlite, table)) counts[table] = sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get().n;
  }
  return counts;
}

/** What `PRAGMA integrity_check` found wrong (empty: the file is sound). */
export function integrityProblems(sqlite) {
  const rows = sqlite.pragma("integrity_check").map((row) => row.integrity_check);
  return rows.length === 1 && rows[0] === "ok" ? [] : rows;
}

/** Whether the database has the tables every Berth database has, and drizzle's record of its migrations. */
export function isBerthDatabase(sqlite) {
  return ["__drizzle_migrations", "users", "clusters", "audit_events"].every((table) => tableExists(sqlite, table));
}

// fsync makes a rename durable: without it a crash right after could leave the new name pointing
// at a file whose contents never reached the disk.
function fsyncPath(target) {
  const fd = fs.openSync(target, "r");
  try {
    fs.fsyncSync(fd);
  } catch (error) {
    // Some filesystems cannot fsync a directory; the file itself was synced already.
    if (!["EINVAL", "EISDIR", "EPERM"].includes(error.code)) throw error;
  } finally {
    fs.closeSync(fd);
  }
}

/** A short-lived name beside the target, so the final rename stays on one filesystem (atomic). */
function temporaryNameFor(target) {
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
}

function summarize(sqlite, file, journal) {
  return { file, bytes: fs.statSync(file).size, version: schemaVersion(sqlite, journal), counts: rowCounts(sqlite) };
}

/**
 * Copies the data dir's database to `target` while the console keeps running. `VACUUM INTO`
 * writes one consistent snapshot inside a single read transaction; under WAL that transaction
 * never blocks the console's writers, and unlike the page-by-page backup API it cannot restart
 * over and over while another process keeps writing. The copy is checked, written under a
 * temporary name, synced, then renamed into place: a reader of `target` sees a whole backup or none.
 */
export function backupDatabase({ dataDir, target, force = false, migrationsDir }) {
  const source = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(source))
    throw new Error(
      `There is no Berth database at ${source} (set BERTH_DATA_DIR or --data-dir to the console's data dir).`,
    );
  const destination = path.resolve(target);
  if (!fs.existsSync(path.dirname(destination)))
    throw new Error(`The folder ${path.dirname(destination)} does not exist.`);
  if (!force && fs.existsSync(destination))
    throw new Error(`${destination} already exists: choose another name, or pass --force to replace it.`);
  const journal = readJournal(migrationsDir);
  const partial = temporaryNameFor(destination);
  fs.rmSync(partial, { force: true });
  try {
    const live = new Database(source, { fileMustExist: true, timeout: 5000 });
    try {
      if (!isBerthDatabase(live)) throw new Error(`${source} is not a Berth database.`);
      live.prepare("VACUUM INTO ?").run(partial);
    } finally {
      live.close();
    }
    const copy = new Database(partial, { fileMustExist: true });
    let summary;
    try {
      // A backup is one self-contained file: rollback-journal mode, never a -wal beside it.
      copy.pragma("journal_mode = DELETE");
      const problems = integrityProblems(copy);
      if (problems.length)
        throw new Error(
          `The copy failed its integrity check (${problems.slice(0, 3).join("; ")}); nothing was written.`,
        );
      summary = summarize(copy, partial, journal);
    } finally {
      copy.close();
    }
    fs.chmodSync(partial, 0o600);
    fsyncPath(partial);
    if (force) {
      fs.renameSync(partial, destination);
    } else {
      // link() fails if the name appeared meanwhile: no backup is ever silently replaced.
      try {
        fs.linkSync(partial, destination);
        fs.rmSync(partial);
      } catch (error) {
        if (error.code === "EEXIST")
          throw new Error(`${destination} already exists: choose another name, or pass --force to replace it.`);
        // Some volumes (SMB, some NFS and FUSE mounts) have no hard links: the check at the start has to do.
        if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK"].includes(error.code)) throw error;
        fs.renameSync(partial, destination);
      }
    }
    fsyncPath(path.dirname(destination));
    return { ...summary, file: destination };
  } finally {
    fs.rmSync(partial, { force: true });
  }
}

/** The data dir's database is open elsewhere: a running console, a backup, another restore. */
export class DatabaseInUseError extends Error {
  constructor(message) {
    super(message);
    this.name = "DatabaseInUseError";
  }
}

/**
 * Opens the database with an exclusive lock, or throws DatabaseInUseError. Every connection to a
 * WAL database (the console's stays open for as long as it runs) holds a shared lock on the file
 * (SQLite's fcntl locks), so the exclusive lock is granted only when nothing else has it open, and
 * it is released by the kernel when its holder dies: no pid file to go stale after a crash.
 */
export function openExclusively(file) {
  const sqlite = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    sqlite.pragma("locking_mode = EXCLUSIVE");
    sqlite.exec("BEGIN EXCLUSIVE");
    sqlite.exec("COMMIT");
    return sqlite;
  } catch (error) {
    sqlite.close();
    if (error.code === "SQLITE_BUSY" || error.code === "SQLITE_LOCKED") {
      throw new DatabaseInUseError(
        `${file} is in use: a Berth console (or a backup, or another program) has it open. Stop the console first ` +
          "(in Kubernetes: kubectl -n berth scale deployment/berth --replicas=0), then restore again. Nothing was changed.",
      );
    }
    throw error;
  }
}

/**
 * The key that opens stored secrets, as the console would find it: BERTH_SECRET_KEY (hashed to 32
 * bytes) or the data dir's key file (see lib/crypto/secret-box.ts). Null when neither exists yet.
 */
export function secretKeyFor(dataDir, secretKeySetting) {
  if (secretKeySetting)
    return { key: createHash("sha256").update(secretKeySetting).digest(), source: "BERTH_SECRET_KEY" };
  const file = path.join(dataDir, "secret.key");
  if (!fs.existsSync(file)) return null;
  return { key: Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64"), source: `the key file ${file}` };
}

/**
 * Every secret Berth stores, named as an admin knows it, with the sealed value: what the console
 * checks at start (lib/crypto/stored-secrets.ts) and restore checks in the restored database.
 */
export function storedSecrets(sqlite) {
  const sealed = [];
  if (tableExists(sqlite, "clusters")) {
    for (const row of sqlite.prepare("SELECT name, kubeconfig_encrypted AS sealed FROM clusters").all()) {
      sealed.push({ what: `the kubeconfig of cluster "${row.name}"`, sealed: row.sealed });
    }
  }
  if (tableExists(sqlite, "base_images")) {
    for (const row of sqlite
      .prepare(
        "SELECT name, registry_credentials_encrypted AS sealed FROM base_images WHERE registry_credentials_encrypted IS NOT NULL",
      )
      .all()) {
      sealed.push({ what: `the registry credentials of base image "${row.name}"`, sealed: row.sealed });
    }
  }
  return sealed;
}

/**
 * Whether a key opens a `v1:` AES-256-GCM envelope of lib/crypto/secret-box.ts. Restore runs
 * without the console's modules, so it opens (never seals) them here; db/backup-restore.test.ts
 * seals with secret-box and opens with this, so the two stay in step.
 */
export function keyOpens(key, sealed) {
  const [version, body] = sealed.split(":");
  const bytes = body ? Buffer.from(body, "base64") : Buffer.alloc(0);
  if (version !== "v1" || bytes.length < 28 || key.length !== 32) return false;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    decipher.update(bytes.subarray(28));
    decipher.final();
    return true;
  } catch {
    return false;
  }
}

/** The stored secrets `opens` cannot open, named (empty when all can). */
export function unreadableSecrets(sqlite, opens) {
  return storedSecrets(sqlite)
    .filter((entry) => !opens(entry.sealed))
    .map((entry) => entry.what);
}

/** `berth.db.before-restore-20261205T193000Z`: sorts by time, no characters a shell or volume dislikes. */
export function asideName(now) {
  return `${DATABASE_FILE}.before-restore-${now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}`;
}

/**
 * Replaces the data dir's database with a backup. The backup is copied into the data dir first and
 * every check runs on that copy (the bytes that will be used): a SQLite file, integrity_check
 * clean, a Berth database, not newer than this build. Then, only if nothing has the current
 * database open, the current one is folded into one file and kept aside, and the copy is renamed
 * into place. A refused restore changes nothing.
 */
export function restoreDatabase({ dataDir, backup, migrationsDir, secretKeySetting, now = new Date() }) {
  const source = path.resolve(backup);
  if (!fs.existsSync(source) || !fs.statSync(source).isFile()) throw new Error(`There is no backup file at ${source}.`);
  if (!fs.existsSync(dataDir)) fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const live = path.join(dataDir, DATABASE_FILE);
  const staged = temporaryNameFor(live);
  const journal = readJournal(migrationsDir);
  fs.rmSync(staged, { force: true });
  fs.copyFileSync(source, staged);
  fs.chmodSync(staged, 0o600);
  try {
    let summary;
    let unreadable;
    const copy = new Database(staged, { fileMustExist: true });
    try {
      let problems;
      try {
        copy.pragma("journal_mode = DELETE");
        problems = integrityProblems(copy);
      } catch (error) {
        if (error.code === "SQLITE_NOTADB") throw new Error(`${source} is not a SQLite database. Nothing was changed.`);
        if (error.code === "SQLITE_CORRUPT")
          throw new Error(`${source} is damaged (${error.message}). Nothing was changed.`);
        throw error;
      }
      if (problems.length)
        throw new Error(
          `${source} is damaged: its integrity check found ${problems.slice(0, 3).join("; ")}. Nothing was changed.`,
        );
      if (!isBerthDatabase(copy))
        throw new Error(
          `${source} is a SQLite database, but not a Berth database (it lacks Berth's tables). Nothing was changed.`,
        );
      refuseNewerDatabase(copy, migrationsDir, source);
      summary = summarize(copy, staged, journal);
      const key = secretKeyFor(dataDir, secretKeySetting);
      unreadable = {
        names: unreadableSecrets(copy, (sealed) => Boolean(key) && keyOpens(key.key, sealed)),
        keySource: key?.source ?? null,
      };
    } finally {
      copy.close();
    }
    fsyncPath(staged);

    let keptAside = null;
    if (fs.existsSync(live)) {
      const current = openExclusively(live);
      try {
        // Folds the -wal into the file and removes it: the file kept aside is then complete, and
        // no -wal of the old database is left to be replayed into the restored one.
        current.pragma("journal_mode = DELETE");
      } finally {
        current.close();
      }
      keptAside = path.join(dataDir, asideName(now));
      fs.renameSync(live, keptAside);
    }
    for (const leftover of ["-wal", "-shm", "-journal"]) fs.rmSync(live + leftover, { force: true });
    fs.renameSync(staged, live);
    fsyncPath(dataDir);
    return { ...summary, file: live, keptAside, unreadableSecrets: unreadable.names, keySource: unreadable.keySource };
  } finally {
    fs.rmSync(staged, { force: true });
  }
}
