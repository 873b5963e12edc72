/**
 * What bench:live and bench:dashboard share: the simulator started through its CLI, the console
 * started as `npm start` starts it (production build, fresh data dir, the simulator registered as
 * the cluster "embedded"), a session cookie from the credentials sign-in, SSE and watch clients
 * that timestamp each message on arrival, the simulator's request counters, and the result table.
 *
 * Every timestamp is epoch milliseconds with sub-millisecond precision (`now()`), so times taken
 * here, in the simulator's watch stream and in Chromium (`performance.timeOrigin + performance.now()`)
 * compare directly.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import readline from "node:readline";
import { parse as parseYaml } from "yaml";

import { freePort } from "../ports";
import type { SimStats } from "./figures";

export const root = path.resolve(import.meta.dirname, "../..");
export const ADMIN_PASSWORD = "Bench-admin-Pass-1";
export const BOOTSTRAP_TOKEN = "berth-bench-bootstrap-token-0123456789";

export const now = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` gives a truthy value; throws with `what` after the timeout. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 30_000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function tempDataDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `berth-${prefix}-`));
}

const children = new Set<ChildProcess>();

/** Stops a child with SIGTERM (SIGKILL after `graceMs`) and waits for it to exit. */
async function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

/** Whatever is still running when the bench ends early (an error, Ctrl-C) is stopped with it. */
process.on("exit", () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

// ---- the simulator --------------------------------------------------------------------------

/**
 * The cluster a bench runs against: the simulator, or the real control plane of
 * scripts/real-cluster.ts (which authenticates its admin with a client certificate, not a token).
 */
export interface Simulator {
  kind: "simulator" | "real";
  url: string;
  token?: string;
  caPem: string;
  certPem?: string;
  keyPem?: string;
  kubeconfigPath: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `sim/main.ts` (as scripts/start.ts does) writing its kubeconfig to
 * `<dataDir>/embedded-kubeconfig.yaml`, where the console registers it as the cluster "embedded".
 */
export async function startSimulator(dataDir: string, args: string[]): Promise<Simulator> {
  const kubeconfigPath = path.join(dataDir, "embedded-kubeconfig.yaml");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(root, "sim", "main.ts"), "--port", "0", "--kubeconfig", kubeconfigPath, ...args],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("The simulator did not start within 120 s")), 120_000);
    child.once("exit", (code) => reject(new Error(`The simulator exited with code ${code} before listening`)));
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (/listening on/i.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const config = parseYaml(fs.readFileSync(kubeconfigPath, "utf8")) as {
    clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    users: { user: { token: string } }[];
  };
  return {
    kind: "simulator",
    url: config.clusters[0].cluster.server,
    caPem: Buffer.from(config.clusters[0].cluster["certificate-authority-data"], "base64").toString("utf8"),
    token: config.users[0].user.token,
    kubeconfigPath,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}

/**
 * Starts the real control plane (scripts/real-cluster.ts: etcd, kube-apiserver, controller
 * manager, scheduler and kwok nodes) writing its admin kubeconfig where the console registers the
 * cluster "embedded", as `startSimulator` does. It builds the binaries first when they are not
 * cached, which takes about 25 minutes on 2 cores.
 */
export async function startRealCluster(dataDir: string, args: string[]): Promise<Simulator> {
  const kubeconfigPath = path.join(dataDir, "embedded-kubeconfig.yaml");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(root, "scripts", "real-cluster.ts"),
      "--port",
      "0",
      "--kubeconfig",
      kubeconfigPath,
      ...args,
    ],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.add(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("The real cluster did not start within 60 min")), 60 * 60_000);
    child.once("exit", (code) => reject(new Error(`The real cluster exited with code ${code} before listening`)));
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.startsWith("[real-cluster]")) console.error(line);
      if (/listening on/i.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const config = parseYaml(fs.readFileSync(kubeconfigPath, "utf8")) as {
    clusters: { cluster: { server: string; "certificate-authority-data": string } }[];
    users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
  };
  const decode = (data: string) => Buffer.from(data, "base64").toString("utf8");
  return {
    kind: "real",
    url: config.clusters[0].cluster.server,
    caPem: decode(config.clusters[0].cluster["certificate-authority-data"]),
    certPem: decode(config.users[0].user["client-certificate-data"]),
    keyPem: decode(config.users[0].user["client-key-data"]),
    kubeconfigPath,
    pid: child.pid!,
    // The script stops five components one after another, each with its own 10 s grace.
    stop: () => stopChild(child, 90_000),
  };
}

export interface SimResponse {
  status: number;
  text: string;
  json<T = unknown>(): T;
}

const simAgents = new WeakMap<Simulator, Agent>();
function agentFor(sim: Simulator): Agent {
  let agent = simAgents.get(sim);
  if (!agent)
    simAgents.set(sim, (agent = new Agent({ ca: sim.caPem, cert: sim.certPem, key: sim.keyPem, keepAlive: true })));
  return agent;
}

const authorization = (sim: Simulator): Record<string, string> =>
  sim.token ? { Authorization: `Bearer ${sim.token}` } : {};

/** One request to the simulator's API with its token. */
export function simCall(
  sim: Simulator,
  method: string,
  pathname: string,
  body?: unknown,
  contentType = "application/json",
): Promise<SimResponse> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(pathname, sim.url),
      {
        method,
        agent: agentFor(sim),
        headers: {
          ...authorization(sim),
          Accept: "application/json",
          ...(payload ? { "Content-Type": contentType } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, text, json: <T>() => JSON.parse(text) as T });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

export async function simCallOk(
  sim: Simulator,
  method: string,
  pathname: string,
  body?: unknown,
  contentType?: string,
): Promise<SimResponse> {
  const res = await simCall(sim, method, pathname, body, contentType);
  if (res.status >= 300) throw new Error(`${method} ${pathname} → ${res.status}: ${res.text.slice(0, 300)}`);
  return res;
}

/**
 * The apiserver's request counters. The simulator counts them itself (`/_sim/stats`); a real
 * apiserver's come from its /metrics, which count every client's requests (controllers, scheduler,
 * kwok) and keep no list of recent LISTs.
 */
export async function simStats(sim: Simulator): Promise<SimStats> {
  if (sim.kind === "simulator") return (await simCallOk(sim, "GET", "/_sim/stats")).json<SimStats>();
  return statsFromMetrics((await simCallOk(sim, "GET", "/metrics", undefined)).text);
}

/**
 * LISTs per resource from `apiserver_request_total`, open watches from
 * `apiserver_longrunning_requests`; a WATCH is counted in `apiserver_request_total` when it ends,
 * so started = ended + open.
 */
function statsFromMetrics(text: string): SimStats {
  const lists: SimStats["lists"] = {};
  const watches: SimStats["watches"] = {};
  for (const line of text.split("\n")) {
    const match = /^(apiserver_request_total|apiserver_longrunning_requests)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
    const value = Number(match[3]);
    const resource = labels.subresource ? `${labels.resource}/${labels.subresource}` : labels.resource;
    if (!resource || !value) continue;
    if (labels.verb === "LIST" && match[1] === "apiserver_request_total")
      lists[resource] = (lists[resource] ?? 0) + value;
    if (labels.verb !== "WATCH") continue;
    const watch = (watches[resource] ??= { open: 0, started: 0 });
    watch.started += value;
    if (match[1] === "apiserver_longrunning_requests") watch.open += value;
  }
  return { since: new Date().toISOString(), lists, watches, requests: {}, recentLists: [] };
}

export interface WatchEvent {
  type: string;
  object: {
    metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
    status?: { phase?: string };
  };
  at: number;
}

/** A direct watch on the apiserver (from now on); each event is timestamped as it arrives. */
export function simWatch(sim: Simulator, pathname: string, onEvent: (event: WatchEvent) => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const separator = pathname.includes("?") ? "&" : "?";
    const req = httpsRequest(
      new URL(`${pathname}${separator}watch=1`, sim.url),
      { agent: new Agent({ ca: sim.caPem, cert: sim.certPem, key: sim.keyPem }), headers: authorization(sim) },
      (res) => {
        let buffer = "";
        res.on("data", (chunk: Buffer) => {
          const at = now();
          buffer += chunk.toString("utf8");
          let newline: number;
          while ((newline = buffer.indexOf("\n")) >= 0) {
            const line = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (line.trim()) onEvent({ ...(JSON.parse(line) as Omit<WatchEvent, "at">), at });
          }
        });
        res.on("error", () => {});
        resolve(() => req.destroy());
      },
    );
    req.on("error", (error) => reject(error));
    req.end();
  });
}

/** `kubectl` with the simulator's kubeconfig; resolves with the wall time in ms and the output size. */
export function timeKubectl(sim: Simulator, args: string[]): Promise<{ wallMs: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = spawn("/usr/bin/kubectl", ["--kubeconfig", sim.kubeconfigPath, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let bytes = 0;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (bytes += chunk.length));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const wallMs = now() - started;
      if (code === 0) resolve({ wallMs, bytes });
      else reject(new Error(`kubectl ${args.join(" ")} exited ${code}: ${stderr.slice(0, 300)}`));
    });
  });
}

// ---- the console ----------------------------------------------------------------------------

export interface Console {
  baseUrl: string;
  port: number;
  dataDir: string;
  /** The process that serves requests (next start's server), for RSS. */
  serverPid(): number | undefined;
  stop(): Promise<void>;
}

/** Children and grandchildren of `pid`, from /proc. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of parents.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** VmRSS of a process in MiB (undefined when it is gone). */
export function rssMiB(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** VmRSS of a process and every process under it, in MiB (a real control plane is five components under its script). */
export function treeRssMiB(pid: number): number | undefined {
  const own = rssMiB(pid);
  if (own === undefined) return undefined;
  return descendants(pid).reduce((sum, child) => sum + (rssMiB(child) ?? 0), own);
}

export function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

/**
 * Starts the console through scripts/start.ts (which builds it first when the build is missing or
 * older than the sources) with the embedded cluster switched off there: the bench's own simulator
 * has already written `<dataDir>/embedded-kubeconfig.yaml`, which the console registers at start.
 */
export async function startConsole(dataDir: string): Promise<Console> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts", "start.ts")], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      PORT: String(port),
      BERTH_DATA_DIR: dataDir,
      BERTH_EMBEDDED_CLUSTER: "off",
      BERTH_ADMIN_PASSWORD: ADMIN_PASSWORD,
      BERTH_BOOTSTRAP_TOKEN: BOOTSTRAP_TOKEN,
      NEXTAUTH_URL: baseUrl,
    },
  });
  children.add(child);
  // The build's and the server's output goes to a log file so the result table stays readable.
  const log = fs.createWriteStream(path.join(dataDir, "console.log"));
  child.stdout!.on("data", (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString().split("\n"))
      if (/build|error|compiled/i.test(line)) console.error(`[console] ${line}`);
  });
  let exited = false;
  child.once("exit", () => (exited = true));
  await waitFor(
    "the console to answer /api/health (it builds first when needed)",
    async () => {
      if (exited) throw new Error(`The console exited; see ${path.join(dataDir, "console.log")}`);
      try {
        return (await fetch(`${baseUrl}/api/health`)).ok;
      } catch {
        return false;
      }
    },
    15 * 60_000,
    250,
  );
  return {
    baseUrl,
    port,
    dataDir,
    serverPid() {
      // `next start` serves from the biggest node process under start.ts.
      return descendants(child.pid!).sort((a, b) => (rssMiB(b) ?? 0) - (rssMiB(a) ?? 0))[0];
    },
    stop: async () => {
      await stopChild(child);
      log.end();
    },
  };
}

/** Authorization header of the bootstrap (admin) API token. */
export const tokenHeaders = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };

export async function api<T>(
  app: Console,
  method: string,
  pathname: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${app.baseUrl}${pathname}`, {
    method,
    headers: { ...tokenHeaders, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: res.status, body: parsed as T };
}

export async function apiOk<T>(app: Console, method: string, pathname: string, body?: unknown): Promise<T> {
  const res = await api<T>(app, method, pathname, body);
  if (res.status >= 300)
    throw new Error(`${method} ${pathname} → ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`);
  return res.body;
}

/** The cookies a response sets, as `name=value` pairs. */
function setCookies(res: Response): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const equals = pair.indexOf("=");
    cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1).trim());
  }
  return cookies;
}

export interface Session {
  /** `Cookie` header value. */
  cookie: string;
  /** The session cookie itself, for a browser context. */
  name: string;
  value: string;
}

/** Signs `admin` in through next-auth's credentials callback, as the sign-in form does. */
export async function signIn(app: Console, username = "admin", password = ADMIN_PASSWORD): Promise<Session> {
  const csrf = await fetch(`${app.baseUrl}/api/auth/csrf`);
  const jar = setCookies(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const res = await fetch(`${app.baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookieHeader() },
    body: new URLSearchParams({ csrfToken, username, password, callbackUrl: `${app.baseUrl}/`, json: "true" }),
  });
  for (const [k, v] of setCookies(res)) jar.set(k, v);
  const name = [...jar.keys()].find((k) => k.endsWith("next-auth.session-token"));
  if (!name) throw new Error(`Sign-in as ${username} failed (HTTP ${res.status})`);
  return { cookie: cookieHeader(), name, value: jar.get(name)! };
}

export interface SseMessage {
  event: string;
  data: string;
  at: number;
}

export interface SseStream {
  messages: SseMessage[];
  close(): void;
}

/** Opens an SSE stream with the session cookie; resolves once the response headers arrived. */
export function openSse(
  url: string,
  session: Session,
  onMessage: (message: SseMessage) => void = () => {},
): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const messages: SseMessage[] = [];
    const req = httpRequest(
      url,
      { headers: { Cookie: session.cookie, Accept: "text/event-stream" } },
      (res: IncomingMessage) => {
        if (res.statusCode !== 200) {
          reject(new Error(`GET ${url} → ${res.statusCode}`));
          res.resume();
          return;
        }
        let buffer = "";
        res.on("data", (chunk: Buffer) => {
          const at = now();
          buffer += chunk.toString("utf8");
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = "message";
            const data: string[] = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) event = line.slice(6).trim();
              else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
            }
            if (data.length === 0) continue; // a comment (keepalive)
            const message = { event, data: data.join("\n"), at };
            messages.push(message);
            onMessage(message);
          }
        });
        res.on("error", () => {});
        resolve({ messages, close: () => req.destroy() });
      },
    );
    req.on("error", (error) => reject(error));
    req.end();
  });
}

// ---- results --------------------------------------------------------------------------------

export interface ResultRow {
  measure: string;
  target?: string;
  measured: string;
  /** undefined: informational, no target. */
  pass?: boolean;
}

export function loadAverage(): string {
  return fs.readFileSync("/proc/loadavg", "utf8").trim().split(" ").slice(0, 3).join(" ");
}

export function printTable(title: string, rows: ResultRow[], notes: string[] = []): void {
  const headers = ["measure", "target", "measured", "result"];
  const cells = rows.map((r) => [
    r.measure,
    r.target ?? "",
    r.measured,
    r.pass === undefined ? "" : r.pass ? "PASS" : "MISS",
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(" | ")} |`;
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const c of cells) console.log(line(c));
  for (const note of notes) console.log(`  ${note}`);
  console.log(`  load average (1/5/15 min) at the end: ${loadAverage()}; ${os.cpus().length} CPUs`);
}
