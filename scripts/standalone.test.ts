/**
 * The container image's file tree (`npm run build:standalone`), started as the image's entrypoint
 * starts it: `node server.js` in the tree with the Dockerfile's environment, as the image's
 * numeric user (10001) when the tests run as root, on an empty data volume, with the secrets
 * passed in the environment. No container engine runs here; this is what can be proven without one.
 *
 * The tree is built once for the file (`next build` when .next is not a standalone build of the
 * current sources: about 2 minutes on 2 cores; a few seconds to copy otherwise).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { request as httpRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { freePort } from "@/scripts/ports";
import { waitUntil } from "@/test/support/wait";

import { buildStandalone } from "./build-standalone";

const IMAGE_UID = 10001;
const TOKEN = "berth-standalone-bootstrap-token-0123456789";
const asImageUser = process.getuid?.() === 0;

interface Answer {
  status: number;
  body: string;
}

/** One request on its own connection (no keep-alive), so a refused or reset connection is told apart from an answer. */
function call(port: number, method: string, urlPath: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method,
        path: urlPath,
        agent: false,
        headers: { Authorization: `Bearer ${TOKEN}`, ...(payload ? { "Content-Type": "application/json" } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/**
 * A Server-Sent Events stream held open, as a browser's run list holds one: `opened` once the
 * server answered, `ended` with how it ended (the server closing it cleanly, or the connection cut).
 */
function openStream(port: number, urlPath: string): { opened: Promise<number>; ended: Promise<"ended" | "cut"> } {
  let open: (status: number) => void = () => {};
  let fail: (error: Error) => void = () => {};
  let finish: (how: "ended" | "cut") => void = () => {};
  const opened = new Promise<number>((resolve, reject) => ((open = resolve), (fail = reject)));
  const ended = new Promise<"ended" | "cut">((resolve) => (finish = resolve));
  const req = httpRequest(
    {
      host: "127.0.0.1",
      port,
      path: urlPath,
      agent: false,
      headers: { Authorization: `Bearer ${TOKEN}`, Accept: "text/event-stream" },
    },
    (res) => {
      open(res.statusCode ?? 0);
      res.on("data", () => {});
      res.on("end", () => finish("ended"));
      res.on("aborted", () => finish("cut"));
      res.on("error", () => finish("cut"));
    },
  );
  req.on("error", (error) => {
    fail(error);
    finish("cut");
  });
  req.end();
  return { opened, ended };
}

/** Every file of the tree with its size and modification time: the image's root filesystem is read-only. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const stat = fs.lstatSync(file);
    files.set(path.relative(dir, file), `${stat.size}:${stat.mtimeMs}`);
  }
  return files;
}

interface Server {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

let tree: string;
let dataDir: string;
let port: number;
let server: Server | null = null;

/** The Dockerfile's ENV, plus the values deploy/ passes from its Secret. */
function serverEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: "/tmp",
    NODE_ENV: "production",
    HOSTNAME: "0.0.0.0",
    PORT: String(port),
    BERTH_DATA_DIR: dataDir,
    NEXT_TELEMETRY_DISABLED: "1",
    BERTH_SECRET_KEY: "standalone-test-secret-key-0123456789",
    NEXTAUTH_SECRET: "standalone-test-session-secret-0123456789",
    NEXTAUTH_URL: `http://localhost:${port}`,
    BERTH_ADMIN_PASSWORD: "Standalone-admin-Pass-1",
    BERTH_BOOTSTRAP_TOKEN: TOKEN,
  };
}

/** A command as the image's user runs it: [program, args]. */
function asImage(command: string[]): [string, string[]] {
  const full = asImageUser
    ? ["setpriv", `--reuid=${IMAGE_UID}`, `--regid=${IMAGE_UID}`, "--clear-groups", ...command]
    : command;
  return [full[0], full.slice(1)];
}

/** `node server.js` as the Dockerfile's ENTRYPOINT/CMD runs it. */
function startServer(): Server {
  const child = spawn(...asImage([process.execPath, "server.js"]), {
    cwd: tree,
    env: serverEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!])
    readline.createInterface({ input: stream }).on("line", (line) => output.push(line));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output, exited };
}

async function whenReady(running: Server): Promise<Answer> {
  let last: Answer | null = null;
  await waitUntil(
    "the standalone server to answer /api/ready with 200",
    async () => {
      if (running.child.exitCode !== null)
        throw new Error(`The server exited with code ${running.child.exitCode}:\n${running.output.join("\n")}`);
      last = await call(port, "GET", "/api/ready").catch(() => null);
      return last?.status === 200;
    },
    120_000,
  );
  return last!;
}

async function stop(running: Server): Promise<number | null> {
  if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill("SIGTERM");
  return running.exited;
}

beforeAll(async () => {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), "berth-standalone-tree-"));
  buildStandalone(tree);
  // mkdtemp makes the folder owner-only; the image's files are readable by its user, as here.
  fs.chmodSync(tree, 0o755);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-standalone-data-"));
  // The simulator started for the suite, registered as the embedded cluster through the data dir.
  fs.copyFileSync(inject("kubeconfigPath"), path.join(dataDir, "embedded-kubeconfig.yaml"));
  if (asImageUser)
    for (const entry of [dataDir, path.join(dataDir, "embedded-kubeconfig.yaml")])
      fs.chownSync(entry, IMAGE_UID, IMAGE_UID);
  port = Number(process.env.BERTH_STANDALONE_TEST_PORT) || (await freePort());
}, 15 * 60_000);

afterAll(async () => {
  if (server) await stop(server);
  for (const dir of [tree, dataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("the standalone tree, started as the image starts it", () => {
  it("serves sign-in, migrates an empty data volume, answers health and ready, and writes nothing outside the data dir", async () => {
    expect(fs.readdirSync(dataDir)).toEqual(["embedded-kubeconfig.yaml"]);
    const before = snapshot(tree);
    server = startServer();
    const ready = await whenReady(server);
    expect(JSON.parse(ready.body)).toMatchObject({
      status: "ready",
      checks: { database: "open", clusters: "1 of 1 registered answered" },
    });

    const health = await call(port, "GET", "/api/health");
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: "ok" });
    const signIn = await call(port, "GET", "/sign-in");
    expect(signIn.status).toBe(200);
    expect(signIn.body).toContain("Sign in");

    const journal = JSON.parse(fs.readFileSync(path.join(tree, "db/migrations/meta/_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    const db = new Database(path.join(dataDir, "berth.db"), { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare("select count(*) as n from __drizzle_migrations").get()).toEqual({ n: journal.entries.length });
    } finally {
      db.close();
    }

    // The backup command of the image (deploy/'s CronJob) runs from the tree with node alone, beside the live server.
    const backupFile = path.join(dataDir, "standalone-backup.db");
    const backup = spawnSync(...asImage([process.execPath, "scripts/backup.mjs", backupFile]), {
      cwd: tree,
      env: serverEnv(),
      encoding: "utf8",
    });
    expect(backup.status, `${backup.stdout}${backup.stderr}`).toBe(0);
    expect(fs.existsSync(backupFile)).toBe(true);
    fs.rmSync(backupFile);

    expect(snapshot(tree)).toEqual(before);
  }, 180_000);

  it("loses no run on SIGTERM during submissions, ends live streams, and exits 0: every 2xx has its row after a restart", async () => {
    expect(server, "the first test started the server").not.toBeNull();
    const running = server!;
    const project = await call(port, "POST", "/api/v1/projects", {
      key: "standalone",
      name: "Standalone",
      executionConfig: "starter-cpu",
      cluster: "embedded",
    });
    expect(project.status, project.body).toBe(201);
    // A live stream never finishes by itself: the stop must end it, or it would wait for it forever.
    const stream = openStream(port, "/api/stream/runs");
    expect(await stream.opened).toBe(200);

    const accepted: string[] = [];
    const refusedAnswers: Answer[] = [];
    let signalled = false;
    let answeredAfterSignal = 0;
    let submitted = 0;
    const submitter = async () => {
      for (;;) {
        const sentBeforeSignal = !signalled;
        let answer: Answer;
        try {
          submitted += 1;
          answer = await call(port, "POST", "/api/v1/runs", {
            project: "standalone",
            activity: "python-recipe",
            command: ["python", "-c", `print(${submitted})`],
          });
        } catch {
          // Refused or reset before any answer: the stopped server never took this one.
          if (signalled) return;
          throw new Error("A submission failed before the server was told to stop");
        }
        if (answer.status !== 201) refusedAnswers.push(answer);
        else accepted.push((JSON.parse(answer.body) as { id: string }).id);
        if (signalled && sentBeforeSignal) answeredAfterSignal += 1;
        if (!signalled && accepted.length >= 6) {
          signalled = true;
          running.child.kill("SIGTERM");
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, submitter));
    const code = await running.exited;
    server = null;

    expect(refusedAnswers).toEqual([]);
    // Submissions in flight when the signal came were finished and answered, not cut off.
    expect(answeredAfterSignal).toBeGreaterThan(0);
    // A stop that drained within BERTH_SHUTDOWN_GRACE_SECONDS exits 0; one cut short by the deadline exits 1.
    expect(code, running.output.join("\n")).toBe(0);
    expect(running.output.join("\n")).toContain("Berth is stopping (SIGTERM)");
    expect(await stream.ended).toBe("ended");
    // SQLite was closed: the WAL was checkpointed into the database file and removed.
    expect(fs.existsSync(path.join(dataDir, "berth.db-wal"))).toBe(false);

    const db = new Database(path.join(dataDir, "berth.db"), { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const rows = (db.prepare("select id from runs").all() as { id: string }[]).map((row) => row.id);
      // Every answered submission has its row, and no submission left a row without an answer.
      expect(new Set(rows)).toEqual(new Set(accepted));
    } finally {
      db.close();
    }

    server = startServer();
    await whenReady(server);
    for (const id of accepted) expect((await call(port, "GET", `/api/v1/runs/${id}`)).status).toBe(200);
  }, 180_000);
});
