/**
 * A fresh console for the steps of `npm test` that drive it from outside over HTTP (the API fuzzer,
 * the Python client's tests): started as `npm start` runs it, on its own port and data dir, with a
 * known admin password and bootstrap token, and the helpers those steps share.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

export interface TestConsole {
  port: number;
  baseUrl: string;
  adminPassword: string;
  /** An admin API token (BERTH_BOOTSTRAP_TOKEN), random for each run. */
  bootstrapToken: string;
  /** The variable that sets the port, named when the port is taken. */
  portVariable: string;
}

export function testConsole(name: string, portVariable: string, defaultPort: number): TestConsole {
  const port = Number(process.env[portVariable] ?? defaultPort);
  return {
    port,
    baseUrl: `http://localhost:${port}`,
    adminPassword: `Admin-${name}-Pass-1`,
    bootstrapToken: `berth-${name}-bootstrap-${crypto.randomBytes(12).toString("hex")}`,
    portVariable,
  };
}

/** The console as `npm start` runs it; its output goes to `logFile`. */
export function startConsole(console: TestConsole, dataDir: string, logFile: string): ChildProcess {
  const log = fs.openSync(logFile, "a");
  return spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts")], {
    cwd: root,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      PORT: String(console.port),
      BERTH_DATA_DIR: dataDir,
      BERTH_ADMIN_PASSWORD: console.adminPassword,
      BERTH_BOOTSTRAP_TOKEN: console.bootstrapToken,
      NEXTAUTH_URL: console.baseUrl,
    },
  });
}

/** Fails fast when something else already listens on the port: it would answer in place of this console. */
export async function ensurePortFree(console: TestConsole): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", () =>
      reject(new Error(`Port ${console.port} is in use: set ${console.portVariable} to a free port`)),
    );
    probe.listen(console.port, () => probe.close(() => resolve()));
  });
}

/** Polls until `check` holds: from outside, the console has no event to wait on. */
export async function waitFor(
  what: string,
  server: ChildProcess,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (server.exitCode !== null) throw new Error(`The console exited (code ${server.exitCode}) before ${what}`);
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A JSON call with a bearer token; anything but 2xx throws with the answer. */
export async function apiCall<T>(
  console: TestConsole,
  method: string,
  route: string,
  token: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${console.baseUrl}${route}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A user's new API token: the user signs in as the sign-in form does, then creates it (only its owner can). */
export async function tokenBySignIn(
  console: TestConsole,
  username: string,
  password: string,
  tokenName: string,
): Promise<{ id: number; token: string }> {
  const { baseUrl } = console;
  const jar = new Map<string, string>();
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const equals = pair.indexOf("=");
      jar.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  remember(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie() },
    body: new URLSearchParams({ csrfToken, username, password, callbackUrl: `${baseUrl}/`, json: "true" }),
  });
  remember(signIn);
  const created = await fetch(`${baseUrl}/api/v1/tokens`, {
    method: "POST",
    headers: { Cookie: cookie(), "Content-Type": "application/json", Origin: baseUrl, "Sec-Fetch-Site": "same-origin" },
    body: JSON.stringify({ name: tokenName }),
  });
  if (created.status !== 201)
    throw new Error(`${username} could not create a token: ${created.status} ${await created.text()}`);
  return (await created.json()) as { id: number; token: string };
}

/** Stops the console with SIGTERM, now or when this process is interrupted; returns the stop. */
export function stopOnSignals(server: ChildProcess): () => void {
  const stop = () => {
    if (server.exitCode === null) server.kill("SIGTERM");
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return stop;
}

/** After a failure: the console's last error lines, where to find the rest. */
export function printConsoleErrors(logFile: string): void {
  const errors = fs
    .readFileSync(logFile, "utf8")
    .split("\n")
    .filter((line) => /error/i.test(line));
  if (errors.length) console.log(`Console errors (${logFile}):\n${errors.slice(-40).join("\n")}`);
}
