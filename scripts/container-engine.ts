/**
 * A real container engine on this machine, owned by the process that starts it: Debian's podman
 * serving the Docker Engine API on a socket in its own directory (its own storage, containers.conf
 * and registries.conf), and Debian's docker-registry on loopback with a Debian base image already
 * in it. Nothing here touches a system service or another engine's socket or storage. The test
 * runs (test/support/docker-engine.ts) and `npm start` with BERTH_LOCAL_ENGINE (scripts/start.ts)
 * start it.
 *
 * The base image (`debootstrap --variant=minbase --include=python3-minimal bookworm`, imported with
 * podman and pushed) is made once into a registry storage cached under ~/.cache/berth, keyed by what
 * makes it; each start copies that storage and serves it, so a warm start takes about a second.
 * Plain Node: no vitest or Playwright imports, so both runners can load it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { freePort } from "./ports";

const PODMAN = "/usr/bin/podman";
const REGISTRY = "/usr/bin/docker-registry";
const DEBOOTSTRAP = "/usr/sbin/debootstrap";

/** What the base image is made of; a change here makes a new cache entry. */
const BASE = {
  suite: "bookworm",
  variant: "minbase",
  include: ["python3-minimal", "ca-certificates"],
  mirror: "http://deb.debian.org/debian",
  // The repository path ends in `debian` and the tag is the codename, as Docker Hub's own Debian
  // images are named: the Dockerfile generator knows such an image's Python from its name.
  repository: "library/debian",
  tag: "bookworm",
  recipe: 2,
} as const;

/**
 * Certificate authorities this machine adds to Debian's (an egress proxy's, for one): builds in the
 * base image reach PyPI and the Debian mirror through the same network as the machine, so the image
 * trusts them too, and pip uses the system bundle as the machine's own pip does.
 */
const LOCAL_CA_DIR = "/usr/local/share/ca-certificates";

function localCertificates(): { name: string; pem: string }[] {
  if (!fs.existsSync(LOCAL_CA_DIR)) return [];
  return fs
    .readdirSync(LOCAL_CA_DIR, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".crt"))
    .sort()
    .map((name) => ({ name, pem: fs.readFileSync(path.join(LOCAL_CA_DIR, name), "utf8") }));
}

/** A loopback registry that takes pushes and pulls only with these credentials (HTTP basic auth). */
export interface AuthRegistry {
  /** 127.0.0.1:port */
  address: string;
  username: string;
  password: string;
}

export interface ContainerEngine {
  /** unix:///…/podman.sock */
  endpoint: string;
  /** 127.0.0.1:port */
  registry: string;
  /** registry/library/debian:bookworm */
  baseImage: string;
  authRegistry: AuthRegistry;
  /** Removes the engine's containers, stops both processes and deletes their files. Idempotent. */
  stop(): Promise<void>;
}

const cacheRoot = () => path.join(os.homedir(), ".cache", "berth");

function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: Buffer | string; what: string },
): string {
  const result = spawnSync(command, args, {
    env: options.env ?? process.env,
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${options.what}: ${result.error.message}`);
  if (result.status !== 0) {
    const output = `${result.stderr?.toString() ?? ""}${result.stdout?.toString() ?? ""}`
      .trim()
      .split("\n")
      .slice(-15)
      .join("\n");
    throw new Error(`${options.what} failed (exit ${result.status}):\n${output}`);
  }
  return result.stdout.toString();
}

function requireTools(): void {
  const missing = [PODMAN, "/usr/sbin/runc", REGISTRY, DEBOOTSTRAP].filter((file) => !fs.existsSync(file));
  if (missing.length) {
    throw new Error(
      `The local container engine needs ${missing.join(", ")}: install Debian's podman, runc, docker-registry and debootstrap (scripts/test.sh does it when run as root)`,
    );
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function registryConfig(storage: string, port: number, htpasswd?: string): string {
  return [
    "version: 0.1",
    "log:",
    "  level: warn",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${JSON.stringify(storage)}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    ...(htpasswd ? ["auth:", "  htpasswd:", "    realm: berth-test", `    path: ${JSON.stringify(htpasswd)}`] : []),
    "",
  ].join("\n");
}

/** The engine's settings: the machine forbids raising rlimits (so no default ulimits) and crun fails here (so runc). */
const CONTAINERS_CONF = [
  "[containers]",
  "default_ulimits = []",
  "",
  "[engine]",
  'runtime = "runc"',
  'events_logger = "file"',
  "",
].join("\n");

const registriesConf = (...registries: string[]) =>
  [
    "unqualified-search-registries = []",
    "",
    ...registries.flatMap((registry) => [
      "[[registry]]",
      `location = ${JSON.stringify(registry)}`,
      "insecure = true",
      "",
    ]),
  ].join("\n");

interface Child {
  process: ChildProcess;
  output: string[];
}

/**
 * Started in `cwd`, a folder of the engine's own: conmon writes an `oom` marker into its working
 * directory when a container is killed for memory, which would otherwise land in the checkout.
 */
function startChild(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Child {
  const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 30) output.shift();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return { process: child, output };
}

async function waitFor(what: string, child: Child, ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (child.process.exitCode !== null)
      throw new Error(`${what} exited with code ${child.process.exitCode}: ${child.output.join("").trim()}`);
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready within ${timeoutMs} ms: ${child.output.join("").trim()}`);
    await sleep(100);
  }
}

function stopChild(child: Child, ms = 5_000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.process.kill("SIGKILL");
      resolve();
    }, ms);
    child.process.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.process.kill("SIGTERM");
  });
}

async function startRegistry(
  dir: string,
  storage: string,
  fixedPort?: number,
  htpasswd?: string,
): Promise<{ child: Child; address: string }> {
  const port = fixedPort ?? (await freePort());
  const config = path.join(dir, htpasswd ? "auth-registry.yml" : "registry.yml");
  fs.writeFileSync(config, registryConfig(storage, port, htpasswd));
  const child = startChild(REGISTRY, ["serve", config], process.env, dir);
  const address = `127.0.0.1:${port}`;
  // The auth registry answers 401 without credentials: any answer means it is up.
  await waitFor("docker-registry", child, () => httpAnswers(`http://${address}/v2/`, htpasswd ? 401 : 200));
  return { child, address };
}

async function httpAnswers(url: string, status: number): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === status;
  } catch {
    return false;
  }
}

/** An htpasswd line for the registry: bcrypt, which Node lacks, from Python's crypt (cost 4: a test secret). */
function htpasswdLine(username: string, password: string): string {
  const script = "import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))";
  const hash = run("python3", ["-W", "ignore", "-c", script, password], {
    what: "bcrypt of the test registry's password",
  }).trim();
  if (!hash.startsWith("$2"))
    throw new Error("python3's crypt module made no bcrypt hash for the test registry's password");
  return `${username}:${hash}\n`;
}

function podmanEnv(dir: string, ...registries: string[]): NodeJS.ProcessEnv {
  fs.writeFileSync(path.join(dir, "containers.conf"), CONTAINERS_CONF);
  fs.writeFileSync(path.join(dir, "registries.conf"), registriesConf(...registries));
  return {
    ...process.env,
    CONTAINERS_CONF: path.join(dir, "containers.conf"),
    CONTAINERS_REGISTRIES_CONF: path.join(dir, "registries.conf"),
  };
}

/** podman's global flags that keep everything it stores inside `dir`. */
const podmanStorage = (dir: string) => [
  "--root",
  path.join(dir, "storage"),
  "--runroot",
  path.join(dir, "run"),
  "--tmpdir",
  path.join(dir, "tmp"),
  "--storage-driver",
  "overlay",
];

/** Removes an engine's containers and images, so no overlay mount keeps its storage busy. */
function resetPodman(dir: string, env: NodeJS.ProcessEnv): void {
  spawnSync(PODMAN, [...podmanStorage(dir), "rm", "--all", "--force", "--time", "0"], { env, stdio: "ignore" });
  spawnSync(PODMAN, [...podmanStorage(dir), "system", "reset", "--force"], { env, stdio: "ignore" });
}

const processIsAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The cached registry storage holding the base image, made when missing. Concurrent test runs
 * wait for one maker (a lock directory holding its pid) instead of bootstrapping twice.
 */
async function baseImageStorage(): Promise<string> {
  const certificates = localCertificates();
  const key = createHash("sha256").update(JSON.stringify({ BASE, certificates })).digest("hex").slice(0, 12);
  const entry = path.join(cacheRoot(), `docker-base-${key}`);
  const storage = path.join(entry, "registry");
  const done = path.join(entry, "done");
  const lock = path.join(cacheRoot(), `docker-base-${key}.lock`);
  fs.mkdirSync(cacheRoot(), { recursive: true });
  for (;;) {
    if (fs.existsSync(done)) return storage;
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch {
      const holder = Number(fs.readFileSync(path.join(lock, "pid"), { encoding: "utf8", flag: "a+" }) || 0);
      if (holder && !processIsAlive(holder)) fs.rmSync(lock, { recursive: true, force: true });
      await sleep(500);
    }
  }
  try {
    if (fs.existsSync(done)) return storage;
    if (process.getuid?.() !== 0) throw new Error("Making the base image runs debootstrap, which needs root");
    fs.rmSync(entry, { recursive: true, force: true });
    fs.mkdirSync(storage, { recursive: true });
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "berth-base-image-"));
    try {
      const rootfs = path.join(work, "rootfs");
      console.log(`Making the base image (debootstrap ${BASE.variant} ${BASE.suite}, about 30 s, cached in ${entry})…`);
      run(
        DEBOOTSTRAP,
        [`--variant=${BASE.variant}`, `--include=${BASE.include.join(",")}`, BASE.suite, rootfs, BASE.mirror],
        { what: "debootstrap" },
      );
      if (certificates.length) {
        for (const { name, pem } of certificates) {
          fs.mkdirSync(path.dirname(path.join(rootfs, LOCAL_CA_DIR, name)), { recursive: true });
          fs.writeFileSync(path.join(rootfs, LOCAL_CA_DIR, name), pem);
        }
        run("chroot", [rootfs, "update-ca-certificates"], { what: "update-ca-certificates in the base image" });
        fs.writeFileSync(path.join(rootfs, "etc", "pip.conf"), "[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n");
      }
      const registry = await startRegistry(work, storage);
      const env = podmanEnv(work, registry.address);
      const image = `${registry.address}/${BASE.repository}:${BASE.tag}`;
      try {
        const tarball = path.join(work, "rootfs.tar");
        run("tar", ["-C", rootfs, "-cf", tarball, "."], { what: "tar of the base image" });
        run(PODMAN, [...podmanStorage(work), "import", "--change", 'CMD ["/bin/bash"]', tarball, image], {
          env,
          what: "podman import",
        });
        run(PODMAN, [...podmanStorage(work), "push", "--tls-verify=false", image], { env, what: "podman push" });
      } finally {
        resetPodman(work, env);
        await stopChild(registry.child);
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    fs.writeFileSync(done, new Date().toISOString());
    return storage;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Starts an engine and registry (reusing the cached base image), or throws in plain words. `dir`
 * (emptied first) gives the socket a fixed path and `registryPort` the registry a fixed port (so
 * image references stay valid across restarts); by default a new temporary directory and a free port.
 */
export async function startContainerEngine(
  options: { dir?: string; registryPort?: number } = {},
): Promise<ContainerEngine> {
  requireTools();
  const cached = await baseImageStorage();
  if (options.dir) {
    fs.rmSync(options.dir, { recursive: true, force: true });
    fs.mkdirSync(options.dir, { recursive: true });
  }
  // Short: a unix socket path must fit in 108 bytes.
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "berth-engine-"));
  const storage = path.join(dir, "registry-storage");
  fs.cpSync(cached, storage, { recursive: true });
  const registry = await startRegistry(dir, storage, options.registryPort);
  const credentials = { username: "berth-test", password: randomBytes(12).toString("hex") };
  const htpasswd = path.join(dir, "htpasswd");
  fs.writeFileSync(htpasswd, htpasswdLine(credentials.username, credentials.password));
  const authRegistry = await startRegistry(dir, path.join(dir, "auth-registry-storage"), undefined, htpasswd);
  const env = podmanEnv(dir, registry.address, authRegistry.address);
  const socket = path.join(dir, "podman.sock");
  const engine = startChild(
    PODMAN,
    [...podmanStorage(dir), "system", "service", "--time=0", `unix://${socket}`],
    env,
    dir,
  );
  const killOnExit = () => {
    engine.process.kill("SIGKILL");
    registry.child.process.kill("SIGKILL");
    authRegistry.child.process.kill("SIGKILL");
  };
  process.once("exit", killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener("exit", killOnExit);
    resetPodman(dir, env);
    await Promise.all([stopChild(engine), stopChild(registry.child), stopChild(authRegistry.child)]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("podman system service", engine, () => pingSocket(socket));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint: `unix://${socket}`,
    registry: registry.address,
    baseImage: `${registry.address}/${BASE.repository}:${BASE.tag}`,
    authRegistry: { address: authRegistry.address, ...credentials },
    stop,
  };
}

/** True once the engine answers GET /_ping on its socket. */
function pingSocket(socket: string): Promise<boolean> {
  if (!fs.existsSync(socket)) return Promise.resolve(false);
  return new Promise((resolve) => {
    import("node:http").then(
      ({ request }) => {
        const req = request({ socketPath: socket, path: "/_ping", timeout: 2_000 }, (response) => {
          response.resume();
          resolve(response.statusCode === 200);
        });
        req.on("error", () => resolve(false));
        req.on("timeout", () => req.destroy());
        req.end();
      },
      () => resolve(false),
    );
  });
}
