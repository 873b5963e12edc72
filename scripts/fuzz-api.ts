/**
 * `npm test`'s API fuzzing: schemathesis (a pinned PyPI release, in a virtualenv outside the work
 * tree keyed by test/fuzz/requirements.txt) against /api/v1/openapi.json of a fresh console, once
 * with a plain user's token and once with an admin token. Every response must be documented and
 * match its schema, none may be a 5xx, and a refused (4xx) request must change nothing in the
 * database (test/fuzz/berth_hooks.py). Exits non-zero on any failure.
 *
 * BERTH_FUZZ_PORT (default 3300) and BERTH_FUZZ_EXAMPLES (per operation, default 6) tune it.
 */
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import {
  apiCall,
  ensurePortFree,
  printConsoleErrors,
  startConsole,
  stopOnSignals,
  testConsole,
  tokenBySignIn,
  waitFor,
} from "./test-console";

const root = path.resolve(import.meta.dirname, "..");
const fuzzDir = path.join(root, "test", "fuzz");
const examples = Number(process.env.BERTH_FUZZ_EXAMPLES ?? 6);
const testing = testConsole("fuzz", "BERTH_FUZZ_PORT", 3300);
const { baseUrl, bootstrapToken: BOOTSTRAP_TOKEN } = testing;
const USER = { username: "fuzz-user", password: "Plain-member-pass-1" };

/** The virtualenv holding schemathesis, installed only when the pinned requirements have none yet. */
function fuzzVenv(): string {
  const requirements = path.join(fuzzDir, "requirements.txt");
  const hash = crypto.createHash("sha256").update(fs.readFileSync(requirements)).digest("hex").slice(0, 12);
  const venv = path.join(os.homedir(), ".cache", "berth", `py-${hash}`);
  if (fs.existsSync(path.join(venv, "bin", "schemathesis"))) return venv;
  console.log(`Installing schemathesis into ${venv}…`);
  fs.rmSync(venv, { recursive: true, force: true });
  const steps: [string, string[]][] = [
    ["python3", ["-m", "venv", venv]],
    [path.join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", "-r", requirements]],
  ];
  for (const [command, args] of steps) {
    const result = spawnSync(command, args, { stdio: "inherit" });
    if (result.status !== 0) {
      fs.rmSync(venv, { recursive: true, force: true });
      throw new Error(`${command} ${args.join(" ")} failed (exit code ${result.status})`);
    }
  }
  return venv;
}

/** The hooks' own tests: the state digest must see a changed row, and ignore audit rows and background columns. */
function checkHooks(venv: string) {
  const result = spawnSync(path.join(venv, "bin", "python"), ["-m", "unittest", "-q", "test_berth_hooks"], {
    cwd: fuzzDir,
    stdio: "inherit",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (result.status !== 0) throw new Error("The fuzzing hooks' own tests failed (test/fuzz/test_berth_hooks.py)");
}

/** A plain user's API token: created by the admin, then the user signs in and makes the token. */
async function plainUserToken(adminToken: string): Promise<{ userId: number; token: string; tokenId: number }> {
  const user = await apiCall<{ id: number }>(testing, "POST", "/api/v1/users", adminToken, { ...USER, role: "user" });
  const { id, token } = await tokenBySignIn(testing, USER.username, USER.password, "fuzz");
  return { userId: user.id, token, tokenId: id };
}

interface PassResult {
  name: string;
  exitCode: number;
  operations: number;
  requests: number;
  seconds: number;
  /** schemathesis's own output, printed whole only when the pass fails. */
  log: string;
  /** schemathesis's "N generated, N passed" line. */
  cases: string;
}

/** One schemathesis run with one identity; `protect` names the path values no write may target. */
function fuzzPass(
  binary: string,
  name: string,
  token: string,
  dbPath: string,
  protect: Record<string, string[]>,
  reportDir: string,
): PassResult {
  const report = path.join(reportDir, `${name}.ndjson`);
  const log = path.join(reportDir, `${name}.log`);
  const output = fs.openSync(log, "w");
  const started = Date.now();
  const args = [
    "--config-file",
    path.join(fuzzDir, "schemathesis.toml"),
    "run",
    `${baseUrl}/api/v1/openapi.json`,
    "--header",
    `Authorization: Bearer ${token}`,
    "--checks",
    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,ignored_auth,refused_request_changes_nothing",
    "--phases",
    "examples,coverage,fuzzing",
    "--max-examples",
    String(examples),
    // One request at a time: the before/after digest of a refused request must see only its own effect.
    "--workers",
    "1",
    "--seed",
    "1",
    "--request-timeout",
    "30",
    "--suppress-health-check",
    "all",
    "--exclude-path",
    "/api/v1/openapi.json",
    "--report",
    "ndjson",
    "--report-ndjson-path",
    report,
    "--output-truncate",
    "true",
  ];
  const result = spawnSync(binary, args, {
    cwd: reportDir,
    // Its report of a passing run is pages of coverage advice and ends in a pytest-style line that
    // counts warnings, not tests: kept in a file, and printed only when something failed.
    stdio: ["ignore", output, output],
    env: {
      ...process.env,
      PYTHONPATH: fuzzDir,
      PYTHONDONTWRITEBYTECODE: "1",
      SCHEMATHESIS_HOOKS: "berth_hooks",
      BERTH_FUZZ_DB: dbPath,
      BERTH_FUZZ_PROTECT: JSON.stringify(protect),
      NO_COLOR: "1",
    },
  });
  fs.closeSync(output);
  const cases = /^\s*(\d+ generated, .*)$/m.exec(fs.readFileSync(log, "utf8"))?.[1] ?? "no test cases reported";
  return {
    name,
    exitCode: result.status ?? 1,
    ...countRequests(report),
    seconds: (Date.now() - started) / 1000,
    log,
    cases,
  };
}

/** Operations tested and HTTP requests made, read from schemathesis's event stream. */
function countRequests(report: string): { operations: number; requests: number } {
  if (!fs.existsSync(report)) return { operations: 0, requests: 0 };
  const operations = new Set<string>();
  let requests = 0;
  for (const line of fs.readFileSync(report, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Record<string, Record<string, unknown>>;
    const finished = event.ScenarioFinished;
    if (!finished) continue;
    const label = finished.label ?? (finished.recorder as { label?: string } | undefined)?.label;
    if (typeof label === "string") operations.add(label);
    const interactions = (finished.recorder as { interactions?: Record<string, unknown> } | undefined)?.interactions;
    if (interactions) requests += Object.keys(interactions).length;
  }
  return { operations: operations.size, requests };
}

async function main() {
  const started = Date.now();
  await ensurePortFree(testing);
  const venv = fuzzVenv();
  checkHooks(venv);
  const binary = path.join(venv, "bin", "schemathesis");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-fuzz-"));
  const logFile = path.join(dataDir, "console.log");
  const server = startConsole(testing, dataDir, logFile);
  const stop = stopOnSignals(server);
  let failed = true;
  try {
    await waitFor(
      `${baseUrl}/api/health answered`,
      server,
      async () => (await fetch(`${baseUrl}/api/health`)).ok,
      300_000,
    );
    const me = await apiCall<{ id: number }>(testing, "GET", "/api/v1/me", BOOTSTRAP_TOKEN);
    const adminTokens = await apiCall<{ id: number }[]>(testing, "GET", "/api/v1/tokens", BOOTSTRAP_TOKEN);
    const clusters = await apiCall<{ id: number; name: string }[]>(testing, "GET", "/api/v1/clusters", BOOTSTRAP_TOKEN);
    const user = await plainUserToken(BOOTSTRAP_TOKEN);
    const dbPath = path.join(dataDir, "berth.db");

    // The plain user first: the admin pass may disable or delete that user.
    const protectUser = { user: [String(user.userId), USER.username], id: [String(user.tokenId)] };
    const userPass = fuzzPass(binary, "user", user.token, dbPath, protectUser, dataDir);
    // The admin pass may change anything but the identity it runs as and the embedded cluster.
    const protectAdmin = {
      user: [String(me.id), "admin"],
      id: adminTokens.map((token) => String(token.id)),
      cluster: clusters.flatMap((cluster) => [String(cluster.id), cluster.name]),
    };
    const adminPass = fuzzPass(binary, "admin", BOOTSTRAP_TOKEN, dbPath, protectAdmin, dataDir);

    const passes = [userPass, adminPass];
    failed = passes.some((pass) => pass.exitCode !== 0);
    for (const pass of passes.filter((each) => each.exitCode !== 0)) {
      console.log(`--- schemathesis as ${pass.name} (${pass.log}):\n${fs.readFileSync(pass.log, "utf8")}`);
    }
    const detail = passes
      .map(
        (pass) =>
          `${pass.name} ${pass.operations} operations, ${pass.requests} requests (test cases: ${pass.cases}), ${pass.seconds.toFixed(0)} s`,
      )
      .join("; ");
    console.log(
      `API fuzzing ${failed ? "FAILED" : "passed"}: ${detail}; ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
    );
  } finally {
    stop();
    if (failed) {
      printConsoleErrors(logFile);
    } else {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
