/**
 * `npm test`'s Python client step: installs `clients/python` (with its `test` extra) into a
 * virtualenv outside the work tree keyed by its pyproject.toml, starts a fresh console with the
 * embedded simulator as `npm start` runs it, seeds what the tests need (groups, a member and an
 * outsider with API tokens, a config only the member's group may use, a project), runs pytest
 * against it, and stops it. Exits with pytest's exit code.
 *
 * BERTH_PYTHON_CLIENT_PORT (default 3400) sets the console's port. `--serve` starts and seeds the
 * console, prints the tests' environment and keeps serving until interrupted (for development:
 * `BERTH_PYTHON_CLIENT_PORT=3660 npx tsx scripts/python-client-tests.ts --serve`).
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
const clientDir = path.join(root, "clients", "python");
const serveOnly = process.argv.includes("--serve");
const testing = testConsole("pyclient", "BERTH_PYTHON_CLIENT_PORT", 3400);
const { baseUrl, bootstrapToken: BOOTSTRAP_TOKEN } = testing;
const PASSWORD = "Pyclient-user-pass-1";
const SEED = {
  memberGroup: "ds",
  outsiderGroup: "marketing",
  member: "dana",
  outsider: "oscar",
  config: "ds-cpu",
  project: "churn",
};

function run(command: string, args: string[], options: { cwd?: string } = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: options.cwd ?? root });
  if (result.error)
    throw new Error(
      `${command} could not run (${result.error.message}); the Python client's tests need Python 3.10+ with venv and pip`,
    );
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit code ${result.status})`);
}

/**
 * The virtualenv with the client's dependencies and pytest, created when its pyproject.toml has
 * none yet; the client itself is reinstalled from the tree at every run, as a user installs it.
 */
function clientVenv(): string {
  const pyproject = fs.readFileSync(path.join(clientDir, "pyproject.toml"));
  // A virtualenv works only with the interpreter it was made from.
  const python = spawnSync("python3", ["--version"], { encoding: "utf8" }).stdout ?? "";
  const hash = crypto.createHash("sha256").update(pyproject).update(python).digest("hex").slice(0, 12);
  const venv = path.join(os.homedir(), ".cache", "berth", `py-client-${hash}`);
  const pip = path.join(venv, "bin", "pip");
  const pipArgs = ["install", "--quiet", "--disable-pip-version-check"];
  if (!fs.existsSync(path.join(venv, "bin", "pytest"))) {
    console.log(`Installing the Python client's test dependencies into ${venv}…`);
    fs.rmSync(venv, { recursive: true, force: true });
    try {
      run("python3", ["-m", "venv", venv]);
      run(pip, [...pipArgs, `${clientDir}[test]`]);
    } catch (error) {
      fs.rmSync(venv, { recursive: true, force: true });
      throw error;
    }
  } else {
    run(pip, [...pipArgs, "--no-deps", "--force-reinstall", clientDir]);
  }
  return venv;
}

const api = <T>(method: string, route: string, body?: unknown) =>
  apiCall<T>(testing, method, route, BOOTSTRAP_TOKEN, body);
const tokenOf = async (username: string) =>
  (await tokenBySignIn(testing, username, PASSWORD, "python-client-tests")).token;

/**
 * Both users contribute to the project, whose execution config only the member's group may use:
 * the outsider's runs are refused with Berth's 403.
 */
async function seed(): Promise<Record<string, string>> {
  await api("POST", "/api/v1/groups", { name: SEED.memberGroup });
  await api("POST", "/api/v1/groups", { name: SEED.outsiderGroup });
  await api("POST", "/api/v1/users", {
    username: SEED.member,
    password: PASSWORD,
    role: "user",
    groups: [SEED.memberGroup],
  });
  await api("POST", "/api/v1/users", {
    username: SEED.outsider,
    password: PASSWORD,
    role: "user",
    groups: [SEED.outsiderGroup],
  });
  await api("POST", "/api/v1/execution-configs", {
    name: SEED.config,
    image: "python:3.12-slim",
    cluster: "embedded",
    namespace: "berth-${project}",
    createNamespace: true,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    usableBy: { groups: [SEED.memberGroup] },
  });
  await api("POST", "/api/v1/projects", {
    key: SEED.project,
    name: "Customer churn",
    ownerGroup: SEED.memberGroup,
    members: [
      { group: SEED.memberGroup, role: "contributor" },
      { group: SEED.outsiderGroup, role: "contributor" },
    ],
    executionConfig: SEED.config,
    cluster: "embedded",
  });
  return {
    BERTH_TEST_URL: baseUrl,
    BERTH_TEST_ADMIN_TOKEN: BOOTSTRAP_TOKEN,
    BERTH_TEST_MEMBER_TOKEN: await tokenOf(SEED.member),
    BERTH_TEST_MEMBER: SEED.member,
    BERTH_TEST_OUTSIDER_TOKEN: await tokenOf(SEED.outsider),
    BERTH_TEST_OUTSIDER_GROUP: SEED.outsiderGroup,
    BERTH_TEST_PROJECT: SEED.project,
    BERTH_TEST_CONFIG: SEED.config,
  };
}

async function main() {
  await ensurePortFree(testing);
  const venv = clientVenv();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-pyclient-"));
  const logFile = path.join(dataDir, "console.log");
  const server = startConsole(testing, dataDir, logFile);
  const exited = new Promise((resolve) => server.once("exit", resolve));
  const stop = stopOnSignals(server);
  let failed = true;
  try {
    await waitFor(
      `${baseUrl}/api/health answered`,
      server,
      async () => (await fetch(`${baseUrl}/api/health`)).ok,
      300_000,
    );
    // The embedded cluster is registered shortly after the console answers.
    await waitFor(
      "the embedded cluster was registered",
      server,
      async () =>
        (
          await fetch(`${baseUrl}/api/v1/clusters/embedded`, {
            headers: { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` },
          })
        ).ok,
      60_000,
    );
    const testEnv = await seed();
    if (serveOnly) {
      console.log(
        Object.entries(testEnv)
          .map(([name, value]) => `export ${name}=${value}`)
          .join("\n"),
      );
      console.log(`Serving on ${baseUrl} (console log: ${logFile}); Ctrl-C stops it.`);
      await exited;
      return;
    }
    const pytest = spawnSync(path.join(venv, "bin", "pytest"), ["-p", "no:cacheprovider", "-q", "tests"], {
      cwd: clientDir,
      stdio: "inherit",
      // A fresh HOME-like config dir: the CLI tests must not read or write the developer's own config.
      env: {
        ...process.env,
        ...testEnv,
        PYTHONDONTWRITEBYTECODE: "1",
        BERTH_URL: "",
        BERTH_TOKEN: "",
        XDG_CONFIG_HOME: path.join(dataDir, "xdg"),
      },
    });
    failed = pytest.status !== 0;
  } finally {
    stop();
    // The embedded cluster writes its state into the data dir as it stops.
    await exited;
    if (failed && !serveOnly) {
      printConsoleErrors(logFile);
    } else if (!failed) {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
