import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterAll, describe, expect, it, vi } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const migrationsFolder = path.join(root, "db", "migrations");
const BATCH = 5;
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  vi.unstubAllEnvs();
});

const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `berth-${name}-`));
const digest = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Runs `npm run backup` / `npm run restore` as an operator would: the plain-node scripts. */
function run(
  script: "backup" | "restore",
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(root, "scripts", `${script}.mjs`), ...args], {
    cwd: root,
    env: { ...process.env, BERTH_SECRET_KEY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

/** A child process and the lines it prints, awaited by what they say. */
function watchLines(child: ChildProcessWithoutNullStreams) {
  children.push(child);
  const waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  let errors = "";
  child.stderr.on("data", (chunk) => (errors += chunk));
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    for (const waiter of [...waiters]) {
      if (waiter.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  return {
    next(test: (line: string) => boolean): Promise<string> {
      return new Promise((resolve, reject) => {
        waiters.push({ test, resolve });
        child.once("exit", (code) => reject(new Error(`exited (${code}) before the expected line: ${errors}`)));
      });
    },
  };
}

/** A console process: opens the data dir's database with the console's own getDb() (migrations run) and keeps it open. */
async function startConsoleHoldingDatabase(dataDir: string) {
  const child = spawn(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      "const { getDb } = await import('./db/index.ts'); getDb(); console.log('open'); setInterval(() => {}, 60_000);",
    ],
    { cwd: root, env: { ...process.env, BERTH_DATA_DIR: dataDir } },
  );
  await watchLines(child).next((line) => line === "open");
  return child;
}

/**
 * Writes audit rows in batches of BATCH, one transaction each, and prints `committed N` after each
 * commit: every batch printed before a backup starts is committed before it. On `pause` it stops
 * with half of a batch written and its transaction open, prints `paused N`, and commits on `resume`.
 */
const WRITER = `
import Database from "better-sqlite3";
import readline from "node:readline";
const db = new Database(process.env.DB_FILE, { timeout: 5000 });
db.pragma("journal_mode = WAL");
// Committed rows stay in the -wal (no checkpoint folds them into the file), as recent writes do
// between checkpoints: a backup that copied the database file alone would miss them.
db.pragma("wal_autocheckpoint = 0");
const insert = db.prepare("INSERT INTO audit_events (actor_name, action, object_type, object_id, object_name, source) VALUES ('writer', 'test.write', 'batch', ?, ?, 'system')");
let batch = 0, pauseAsked = false, resume;
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "pause") pauseAsked = true;
  if (line === "resume" && resume) resume();
});
while (true) {
  batch += 1;
  db.exec("BEGIN IMMEDIATE");
  for (let i = 1; i <= ${BATCH}; i++) {
    insert.run(String(batch), i + "/${BATCH}");
    if (pauseAsked && i === 2) {
      console.log("paused " + batch);
      await new Promise((done) => (resume = done));
      pauseAsked = false;
    }
  }
  db.exec("COMMIT");
  console.log("committed " + batch);
  await new Promise((done) => setImmediate(done));
}
`;

function startWriter(dbFile: string) {
  const child = spawn(process.execPath, ["--input-type=module", "-e", WRITER], {
    cwd: root,
    env: { ...process.env, DB_FILE: dbFile },
  });
  let committed = 0;
  const lines = watchLines(child);
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    const match = /^committed (\d+)$/.exec(line);
    if (match) committed = Number(match[1]);
  });
  return { child, lines, committed: () => committed };
}

/** Batches in a database: how many rows each has. */
function batchesIn(file: string): Map<number, number> {
  const sqlite = new Database(file, { readonly: true });
  const rows = sqlite
    .prepare(
      "SELECT object_id AS batch, count(*) AS n FROM audit_events WHERE action = 'test.write' GROUP BY object_id",
    )
    .all() as { batch: string; n: number }[];
  sqlite.close();
  return new Map(rows.map((row) => [Number(row.batch), row.n]));
}

function integrity(file: string): string {
  const sqlite = new Database(file, { readonly: true });
  const result = sqlite.pragma("integrity_check", { simple: true }) as string;
  sqlite.close();
  return result;
}

/** A migrated Berth database with a few rows, closed (a backup file, or a stopped console's data dir). */
function berthDatabase(file: string, users: string[] = ["alice"]): void {
  const sqlite = new Database(file);
  migrate(drizzle(sqlite), { migrationsFolder });
  for (const username of users) sqlite.prepare("INSERT INTO users (username) VALUES (?)").run(username);
  sqlite.close();
}

const usernames = (file: string) => {
  const sqlite = new Database(file, { readonly: true });
  const names = (sqlite.prepare("SELECT username FROM users ORDER BY username").all() as { username: string }[]).map(
    (row) => row.username,
  );
  sqlite.close();
  return names;
};

describe("backup while the console runs and another process writes", () => {
  it("restores to a sound database holding every batch committed before the backup, and no half batch", async () => {
    const dataDir = tempDir("live");
    const consoleProcess = await startConsoleHoldingDatabase(dataDir);
    const writer = startWriter(path.join(dataDir, "berth.db"));
    await writer.lines.next((line) => line === "committed 50");

    // Continuous writes: every batch the writer reported before the backup started must be in it.
    const committedBefore = writer.committed();
    const backups = tempDir("backups");
    const during = path.join(backups, "during.db");
    const taken = await run("backup", [during, "--data-dir", dataDir]);
    expect(taken.output).toMatch(/Wrote .*during\.db \(\d+ bytes\)/);
    expect(taken.output).toMatch(/Schema: migration \d{4}_\w+ \(\d+ applied\)/);
    expect(taken.output).toMatch(/audit_events \d+/);
    expect(taken.output).toContain("The secret key is not in the backup");
    expect(taken.code).toBe(0);

    // A batch caught half-written: its transaction is open while the backup runs.
    writer.child.stdin.write("pause\n");
    const paused = Number((await writer.lines.next((line) => line.startsWith("paused "))).split(" ")[1]);
    const midBatch = path.join(backups, "mid-batch.db");
    expect((await run("backup", [midBatch, "--data-dir", dataDir])).code).toBe(0);
    writer.child.stdin.write("resume\n");
    await writer.lines.next((line) => line === `committed ${paused + 1}`);

    // Restoring needs the console stopped: while it (and the writer) hold the database, it is refused.
    const refused = await run("restore", [during, "--data-dir", dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("is in use: a Berth console");
    // Both killed, as in a crash: their commits sit in the -wal, and no lock of theirs outlives them.
    const exited = [writer.child, consoleProcess].map((child) => new Promise((resolve) => child.once("exit", resolve)));
    writer.child.kill("SIGKILL");
    consoleProcess.kill("SIGKILL");
    await Promise.all(exited);
    const lastCommitted = writer.committed();
    expect(fs.existsSync(path.join(dataDir, "berth.db-wal"))).toBe(true);
    const afterCrash = await run("restore", [during, "--data-dir", dataDir]);
    expect(afterCrash.code).toBe(0);
    const aside = fs.readdirSync(dataDir).find((name) => name.startsWith("berth.db.before-restore-"))!;
    // The database kept aside is complete: what was only in the -wal was folded into it.
    const keptBatches = batchesIn(path.join(dataDir, aside));
    for (let batch = 1; batch <= lastCommitted; batch++)
      expect(keptBatches.get(batch), `kept batch ${batch}`).toBe(BATCH);
    expect(fs.existsSync(path.join(dataDir, "berth.db-wal"))).toBe(false);

    for (const [backup, complete] of [
      [during, committedBefore],
      [midBatch, paused - 1],
    ] as const) {
      const restoredDir = tempDir("restored");
      const restored = await run("restore", [backup, "--data-dir", restoredDir]);
      expect(restored.output).toContain("There was no database to replace.");
      expect(restored.code).toBe(0);
      const file = path.join(restoredDir, "berth.db");
      expect(integrity(file)).toBe("ok");
      const batches = batchesIn(file);
      for (let batch = 1; batch <= complete; batch++) expect(batches.get(batch), `batch ${batch}`).toBe(BATCH);
      // Whatever else it holds are whole batches: a transaction is in a backup entirely or not at all.
      for (const [batch, rows] of batches) expect(rows, `batch ${batch}`).toBe(BATCH);
      if (backup === midBatch) expect(batches.has(paused)).toBe(false);
    }
  });
});

describe("restore", () => {
  it("keeps the database it replaces aside and puts the backup in its place", async () => {
    const dataDir = tempDir("round-trip");
    const live = path.join(dataDir, "berth.db");
    berthDatabase(live, ["current"]);
    const backup = path.join(tempDir("backup"), "berth-backup.db");
    berthDatabase(backup, ["from-backup", "second"]);

    const restored = await run("restore", [backup, "--data-dir", dataDir]);
    expect(restored.output).toContain("The secret key is not in a backup");
    expect(restored.code).toBe(0);

    expect(usernames(live)).toEqual(["from-backup", "second"]);
    const aside = fs.readdirSync(dataDir).filter((name) => /^berth\.db\.before-restore-\d{8}T\d{6}Z$/.test(name));
    expect(aside).toHaveLength(1);
    expect(restored.output).toContain(`kept as ${path.join(dataDir, aside[0])}`);
    expect(usernames(path.join(dataDir, aside[0]))).toEqual(["current"]);
    expect(integrity(path.join(dataDir, aside[0]))).toBe("ok");
    expect(fs.existsSync(`${live}-wal`)).toBe(false);
    // The backup file itself is left as it was.
    expect(usernames(backup)).toEqual(["from-backup", "second"]);
  });

  describe("refuses, and changes nothing, when the file", () => {
    const dataDir = tempDir("refusals");
    const live = path.join(dataDir, "berth.db");
    berthDatabase(live, ["current"]);
    const before = digest(live);
    const files = tempDir("refused-files");

    async function expectRefused(file: string, words: string) {
      const result = await run("restore", [file, "--data-dir", dataDir]);
      expect(result.output).toContain(words);
      expect(result.output).toContain("Nothing was changed.");
      expect(result.code).toBe(1);
      expect(digest(live)).toBe(before);
      expect(fs.readdirSync(dataDir).sort()).toEqual(["berth.db"]);
    }

    it("is not a SQLite database", async () => {
      const file = path.join(files, "notes.db");
      fs.writeFileSync(file, "these are not the rows you are looking for\n".repeat(200));
      await expectRefused(file, "is not a SQLite database");
    });

    it("is a SQLite database of something else", async () => {
      const file = path.join(files, "other.db");
      const sqlite = new Database(file);
      sqlite.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT)");
      sqlite.close();
      await expectRefused(file, "not a Berth database");
    });

    it("is damaged", async () => {
      const file = path.join(files, "damaged.db");
      berthDatabase(
        file,
        Array.from({ length: 300 }, (_, i) => `user-${i}-${"x".repeat(40)}`),
      );
      const bytes = fs.readFileSync(file);
      const pageSize = bytes.readUInt16BE(16);
      // Garbage over every page but the first (the header and schema): b-trees no longer hold together.
      randomBytes(bytes.length - pageSize).copy(bytes, pageSize);
      fs.writeFileSync(file, bytes);
      await expectRefused(file, "is damaged");
    });

    it("was written by a newer Berth", async () => {
      const file = path.join(files, "newer.db");
      berthDatabase(file);
      const sqlite = new Database(file);
      const { newest } = sqlite.prepare("SELECT max(created_at) AS newest FROM __drizzle_migrations").get() as {
        newest: number;
      };
      sqlite
        .prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)")
        .run(randomBytes(32).toString("hex"), newest + 1000);
      sqlite.close();
      await expectRefused(file, "was written by a newer Berth");
    });
  });

  it("warns when the backup's stored secrets do not open with the current key", async () => {
    // Sealed by the console's own code (lib/crypto/secret-box.ts) with the key of the backed-up install.
    vi.resetModules();
    vi.stubEnv("BERTH_DATA_DIR", tempDir("sealing"));
    vi.stubEnv("BERTH_SECRET_KEY", "key-of-the-backed-up-install");
    const { encryptSecret } = await import("@/lib/crypto/secret-box");
    const backup = path.join(tempDir("secret-backup"), "berth.db");
    berthDatabase(backup);
    const sqlite = new Database(backup);
    sqlite
      .prepare(
        "INSERT INTO clusters (name, kubeconfig_encrypted, context, server) VALUES ('prod', ?, 'prod', 'https://prod.example:6443')",
      )
      .run(encryptSecret("apiVersion: v1\nkind: Config\n"));
    sqlite.close();

    const withOtherKey = await run("restore", [backup, "--data-dir", tempDir("other-key")], {
      BERTH_SECRET_KEY: "a-new-key",
    });
    expect(withOtherKey.code).toBe(0);
    expect(withOtherKey.output).toContain(
      'Warning: Berth cannot decrypt the kubeconfig of cluster "prod" with BERTH_SECRET_KEY',
    );

    const withoutKey = await run("restore", [backup, "--data-dir", tempDir("no-key")]);
    expect(withoutKey.output).toContain("there is no BERTH_SECRET_KEY and no secret.key in the data dir");

    const withSameKey = await run("restore", [backup, "--data-dir", tempDir("same-key")], {
      BERTH_SECRET_KEY: "key-of-the-backed-up-install",
    });
    expect(withSameKey.code).toBe(0);
    expect(withSameKey.output).not.toContain("Warning");
    // The same key as a data dir's key file (what a checkout without BERTH_SECRET_KEY uses).
    const keyFileDir = tempDir("key-file");
    fs.writeFileSync(
      path.join(keyFileDir, "secret.key"),
      createHash("sha256").update("key-of-the-backed-up-install").digest("base64"),
    );
    const withKeyFile = await run("restore", [backup, "--data-dir", keyFileDir]);
    expect(withKeyFile.code).toBe(0);
    expect(withKeyFile.output).not.toContain("Warning");

    // The secret never appears in what restore prints.
    expect(withOtherKey.output + withSameKey.output).not.toContain("kind: Config");
  });

  it("backup refuses to overwrite a file unless --force", async () => {
    const dataDir = tempDir("overwrite");
    berthDatabase(path.join(dataDir, "berth.db"));
    const target = path.join(tempDir("overwrite-target"), "berth.db");
    fs.writeFileSync(target, "an older backup");
    const refused = await run("backup", [target, "--data-dir", dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("already exists");
    expect(fs.readFileSync(target, "utf8")).toBe("an older backup");
    const forced = await run("backup", [target, "--data-dir", dataDir, "--force"]);
    expect(forced.code).toBe(0);
    expect(integrity(target)).toBe("ok");
    expect(fs.readdirSync(path.dirname(target))).toEqual(["berth.db"]);
  });
});
