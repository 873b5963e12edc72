/**
 * `npm run cluster:real -- --kubeconfig FILE [--nodes N --gpu-nodes N --gpus-per-node N] [--port P]`
 * `npm run cluster:real -- --prepare-only`
 *
 * A real Kubernetes control plane for the tests: etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler built from the release pinned in test/real-cluster/components/go.mod, and kwok
 * (test/real-cluster/kwok/go.mod) playing the kubelets of fake nodes shaped like the simulator's.
 * The binaries are built once and cached outside the work tree, keyed by their versions. Prints one
 * ready line, like the simulator, and stops everything on SIGTERM or SIGINT.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import * as k8s from "@kubernetes/client-node";
import YAML from "yaml";

import { seededNodeShape } from "../sim/cluster/node-shape";

const root = path.resolve(import.meta.dirname, "..");
const moduleDir = path.join(root, "test", "real-cluster");

const HELP = `berth-real-cluster: a real Kubernetes control plane with kwok nodes

Options:
  --port N                 kube-apiserver port (default 6443; 0 picks a free one)
  --kubeconfig FILE        admin kubeconfig to write (default ./data/real-kubeconfig.yaml)
  --nodes N                CPU nodes (default 4)
  --gpu-nodes N            GPU nodes (default 2)
  --gpus-per-node N        nvidia.com/gpu per GPU node (default 4)
  --prepare-only           build and cache the binaries, then exit
  --help                   this text

Environment: BERTH_REAL_CLUSTER_CACHE overrides the binary cache
(default \${XDG_CACHE_HOME:-~/.cache}/berth/real-cluster).
`;

const OPTIONS = {
  port: { type: "string", default: "6443" },
  kubeconfig: { type: "string", default: "./data/real-kubeconfig.yaml" },
  nodes: { type: "string", default: "4" },
  "gpu-nodes": { type: "string", default: "2" },
  "gpus-per-node": { type: "string", default: "4" },
  "prepare-only": { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

const log = (line: string) => console.log(`[real-cluster] ${line}`);

// ---------------------------------------------------------------------------------------------
// Binaries

interface Versions {
  kubernetes: string;
  etcd: string;
  kwok: string;
}

interface Binary {
  name: "kube-apiserver" | "kube-controller-manager" | "kube-scheduler" | "etcd" | "kwok";
  pkg: string;
  module: "components" | "kwok";
}

const BINARIES: Binary[] = [
  { name: "etcd", pkg: "go.etcd.io/etcd/server/v3", module: "components" },
  { name: "kube-apiserver", pkg: "k8s.io/kubernetes/cmd/kube-apiserver", module: "components" },
  { name: "kube-controller-manager", pkg: "k8s.io/kubernetes/cmd/kube-controller-manager", module: "components" },
  { name: "kube-scheduler", pkg: "k8s.io/kubernetes/cmd/kube-scheduler", module: "components" },
  { name: "kwok", pkg: "sigs.k8s.io/kwok/cmd/kwok", module: "kwok" },
];

/** Link flags: small binaries, and for Kubernetes' the version its release build stamps (else /version says v0.0.0-master). */
function ldflags(binary: Binary, versions: Versions): string {
  if (!binary.pkg.startsWith("k8s.io/kubernetes/")) return "-s -w";
  const [major, minor] = versions.kubernetes.replace(/^v/, "").split(".");
  const stamp = (pkg: string) => [
    `-X ${pkg}.gitVersion=${versions.kubernetes}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
  ];
  return ["-s -w", ...stamp("k8s.io/component-base/version"), ...stamp("k8s.io/client-go/pkg/version")].join(" ");
}

function requiredVersion(goMod: string, modulePath: string): string {
  const text = fs.readFileSync(path.join(moduleDir, goMod, "go.mod"), "utf8");
  const match = text.match(new RegExp(`^\\s*(?:require\\s+)?${modulePath.replace(/[./]/g, "\\$&")}\\s+(v\\S+)`, "m"));
  if (!match) throw new Error(`test/real-cluster/${goMod}/go.mod does not require ${modulePath}`);
  return match[1];
}

/** The pinned versions, read from the Go modules so that the cache key can never drift from them. */
function pinnedVersions(): Versions {
  return {
    kubernetes: requiredVersion("components", "k8s.io/kubernetes"),
    etcd: requiredVersion("components", "go.etcd.io/etcd/server/v3"),
    kwok: requiredVersion("kwok", "sigs.k8s.io/kwok"),
  };
}

/**
 * Where the binaries of these versions live (or will, once built). The key also hashes the modules'
 * go.sum and the link flags, so a changed dependency or build recipe never reuses an old binary.
 */
function binaryDir(versions: Versions): string {
  const base =
    process.env.BERTH_REAL_CLUSTER_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "berth", "real-cluster");
  const recipe = createHash("sha256");
  for (const goModule of ["components", "kwok"])
    recipe.update(fs.readFileSync(path.join(moduleDir, goModule, "go.sum")));
  for (const binary of BINARIES) recipe.update(`${binary.pkg} ${ldflags(binary, versions)}\n`);
  return path.join(
    base,
    `k8s-${versions.kubernetes}_etcd-${versions.etcd}_kwok-${versions.kwok}_${recipe.digest("hex").slice(0, 8)}`,
    "bin",
  );
}

const elapsed = (since: number) => {
  const seconds = Math.round((Date.now() - since) / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s` : `${seconds}s`;
};

function goPackageCount(cwd: string, pkgs: string[]): number {
  const listed = spawnSync("go", ["list", "-deps", ...pkgs], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (listed.status !== 0) throw new Error(`go list failed in ${cwd}:\n${listed.stderr}`);
  return listed.stdout.split("\n").filter(Boolean).length;
}

/** Runs one `go build -v`, printing progress from the package names it reports as it compiles them. */
function goBuild(cwd: string, binaries: Binary[], outDir: string, flags: string): Promise<void> {
  const pkgs = binaries.map((binary) => binary.pkg);
  const total = goPackageCount(cwd, pkgs);
  const label = binaries.map((binary) => binary.name).join(", ");
  const started = Date.now();
  // With one main package `-o` names the file; with several it is a directory and names come from the paths.
  const output = binaries.length === 1 ? path.join(outDir, binaries[0].name) : `${outDir}${path.sep}`;
  const child = spawn("go", ["build", "-v", "-trimpath", `-ldflags=${flags}`, "-o", output, ...pkgs], {
    cwd,
    stdio: ["ignore", "inherit", "pipe"],
  });
  let compiled = 0;
  const errors: string[] = [];
  readline.createInterface({ input: child.stderr! }).on("line", (line) => {
    if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line)) compiled += 1;
    else errors.push(line);
  });
  // On a timer, not per package: linking kube-apiserver alone takes minutes without a line.
  const progress = setInterval(
    () =>
      log(
        `building ${label}: ${compiled} of at most ${total} packages compiled${compiled >= total ? ", linking" : ""} (${elapsed(started)})`,
      ),
    20_000,
  );
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(progress);
      if (code === 0) {
        log(`built ${label} in ${elapsed(started)}`);
        resolve();
      } else reject(new Error(`go build of ${label} failed (exit ${code}):\n${errors.slice(-40).join("\n")}`));
    });
  });
}

function withLock<T>(lockPath: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60 * 60_000;
  const take = async (): Promise<T> => {
    try {
      fs.mkdirSync(lockPath);
    } catch {
      const owner = Number(fs.readFileSync(path.join(lockPath, "pid"), { encoding: "utf8", flag: "a+" }) || 0);
      // No pid yet: the owner is between mkdir and writing it, unless that was long ago.
      const young = Date.now() - (fs.statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 30_000;
      const alive =
        owner > 0
          ? (() => {
              try {
                process.kill(owner, 0);
                return true;
              } catch {
                return false;
              }
            })()
          : young;
      if (!alive) {
        fs.rmSync(lockPath, { recursive: true, force: true });
        return take();
      }
      if (Date.now() > deadline) throw new Error(`another build (pid ${owner}) has held ${lockPath} for an hour`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return take();
    }
    fs.writeFileSync(path.join(lockPath, "pid"), String(process.pid));
    try {
      return await work();
    } finally {
      fs.rmSync(lockPath, { recursive: true, force: true });
    }
  };
  return take();
}

/**
 * Builds the binaries the cache lacks. A cold build on 2 cores takes many minutes (see
 * test/real-cluster/README.md); later calls return at once. Returns the binary directory.
 */
async function prepareBinaries(): Promise<string> {
  const versions = pinnedVersions();
  const dir = binaryDir(versions);
  const missing = () => BINARIES.filter((binary) => !fs.existsSync(path.join(dir, binary.name)));
  if (missing().length === 0) return dir;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    const todo = missing();
    if (todo.length === 0) return dir;
    if (spawnSync("go", ["version"]).status !== 0)
      throw new Error("Go is needed to build the real cluster's binaries (go 1.26 or newer on PATH)");
    log(
      `building ${todo.map((binary) => binary.name).join(", ")} (Kubernetes ${versions.kubernetes}, etcd ${versions.etcd}, kwok ${versions.kwok}) into ${dir}`,
    );
    log("a cold build takes 15–30 minutes on 2 cores; later starts reuse the cache");
    const staging = `${dir}.partial`;
    fs.mkdirSync(staging, { recursive: true });
    const started = Date.now();
    for (const goModule of ["components", "kwok"] as const) {
      const group = todo.filter((binary) => binary.module === goModule);
      if (group.length === 0) continue;
      const cwd = path.join(moduleDir, goModule);
      // One go build per set of link flags; etcd also needs its own, as go build names a binary
      // after the last path element when given several (etcd's is /v3).
      const batches = new Map<string, Binary[]>();
      for (const binary of group) {
        const key = /\/v\d+$/.test(binary.pkg) ? binary.name : ldflags(binary, versions);
        batches.set(key, [...(batches.get(key) ?? []), binary]);
      }
      for (const batch of batches.values()) await goBuild(cwd, batch, staging, ldflags(batch[0], versions));
    }
    fs.mkdirSync(dir, { recursive: true });
    for (const binary of todo) fs.renameSync(path.join(staging, binary.name), path.join(dir, binary.name));
    fs.rmSync(staging, { recursive: true, force: true });
    log(`binaries ready in ${elapsed(started)}`);
    return dir;
  });
}

// ---------------------------------------------------------------------------------------------
// Certificates and kubeconfigs

const SERVICE_CIDR = "10.0.0.0/24";
const SERVICE_IP = "10.0.0.1";
const CLUSTER_NAME = "berth-real";

function openssl(args: string[], cwd: string, input?: string) {
  const result = spawnSync("openssl", args, { cwd, input, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
}

/** Signs a P-256 key pair with the cluster CA: `<name>.key` and `<name>.crt` in dir. */
function issue(dir: string, name: string, subject: string, extensions: string) {
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(
    [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-subj",
      subject,
      "-out",
      `${name}.csr`,
    ],
    dir,
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "3650",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.crt`,
    ],
    dir,
  );
}

interface Pki {
  dir: string;
  read(name: string): string;
}

function makePki(dir: string): Pki {
  openssl(
    [
      "req",
      "-x509",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "3650",
      "-subj",
      "/CN=berth-real-cluster-ca",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
    ],
    dir,
  );
  const sans = [
    "IP:127.0.0.1",
    `IP:${SERVICE_IP}`,
    "DNS:localhost",
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    "DNS:kubernetes.default.svc.cluster.local",
  ];
  issue(
    dir,
    "apiserver",
    "/CN=kube-apiserver",
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans.join(",")}\n`,
  );
  const client =
    "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n";
  issue(dir, "admin", "/O=system:masters/CN=berth-admin", client);
  issue(dir, "controller-manager", "/CN=system:kube-controller-manager", client);
  issue(dir, "scheduler", "/CN=system:kube-scheduler", client);
  // kwok plays every node's kubelet, so it needs more than one node's rights: an admin identity.
  issue(dir, "kwok", "/O=system:masters/CN=kwok", client);
  openssl(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sa.key"], dir);
  openssl(["ec", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
  return { dir, read: (name) => fs.readFileSync(path.join(dir, name), "utf8") };
}

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** A kubeconfig with inline data only (Berth refuses file references). */
function kubeconfigFor(pki: Pki, server: string, user: string): string {
  return YAML.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: CLUSTER_NAME, cluster: { server, "certificate-authority-data": b64(pki.read("ca.crt")) } }],
    users: [
      {
        name: user,
        user: {
          "client-certificate-data": b64(pki.read(`${user}.crt`)),
          "client-key-data": b64(pki.read(`${user}.key`)),
        },
      },
    ],
    contexts: [{ name: CLUSTER_NAME, context: { cluster: CLUSTER_NAME, user, namespace: "default" } }],
    "current-context": CLUSTER_NAME,
  });
}

// ---------------------------------------------------------------------------------------------
// Processes

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface Component {
  name: string;
  child: ChildProcess;
  logPath: string;
}

const components: Component[] = [];
let stopping = false;

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function startComponent(binDir: string, workDir: string, name: string, args: string[]): Component {
  const logPath = path.join(workDir, "logs", `${name}.log`);
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  const out = fs.openSync(logPath, "a");
  const child = spawn(path.join(binDir, name), args, { cwd: workDir, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  const component = { name, child, logPath };
  components.push(component);
  child.on("exit", (code, signal) => {
    if (stopping) return;
    console.error(`[real-cluster] ${name} exited (${signal ?? `code ${code}`}); its log ends with:\n${tail(logPath)}`);
    void stopAll(1, workDir);
  });
  return component;
}

async function stopAll(code: number, workDir: string | undefined, signal?: string) {
  if (stopping) return;
  stopping = true;
  // Reverse start order: the node agents and controllers go before the apiserver, etcd last.
  for (const component of [...components].reverse()) {
    if (component.child.exitCode !== null || component.child.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => component.child.once("exit", () => resolve()));
    component.child.kill("SIGTERM");
    const timer = setTimeout(() => component.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  if (signal) console.log(`berth-real-cluster stopped (${signal})`);
  process.exit(code);
}

function httpsGet(url: string, pki: Pki): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      { ca: pki.read("ca.crt"), cert: pki.read("admin.crt"), key: pki.read("admin.key"), timeout: 5000 },
      (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("timeout", () => request.destroy(new Error("timeout")));
    request.on("error", reject);
  });
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} was not ready within ${timeoutMs / 1000} s${lastError ? ` (${lastError})` : ""}`);
}

// ---------------------------------------------------------------------------------------------
// Nodes: the simulator's shapes (sim/cluster/node-shape.ts), marked for kwok

function nodeManifest(
  name: string,
  index: number,
  gpus: number,
  kubeletVersion: string,
): { node: k8s.V1Node; status: k8s.V1NodeStatus } {
  const { capacity, labels, podCIDR: cidr, taints } = seededNodeShape(name, index, gpus);
  return {
    node: {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels, annotations: { "node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake" } },
      spec: { podCIDR: cidr, podCIDRs: [cidr], ...(taints.length ? { taints } : {}) },
    },
    status: {
      capacity,
      allocatable: { ...capacity },
      addresses: [
        { type: "InternalIP", address: `172.20.${Math.floor(index / 250)}.${2 + (index % 250)}` },
        { type: "Hostname", address: name },
      ],
      // What a kubelet of the control plane's release on the simulator's OS would report; kwok keeps it.
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        kernelVersion: "6.1.0-18-amd64",
        containerRuntimeVersion: "containerd://1.7.13",
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        machineID: "",
        systemUUID: "",
        bootID: "",
      },
    },
  };
}

async function createNodes(
  config: k8s.KubeConfig,
  cpuNodes: number,
  gpuNodes: number,
  gpusPerNode: number,
  kubeletVersion: string,
): Promise<string[]> {
  const core = config.makeApiClient(k8s.CoreV1Api);
  const names: string[] = [];
  const shapes = [
    ...Array.from({ length: cpuNodes }, (_, i) => ({ name: `sim-cpu-${i + 1}`, gpus: 0 })),
    ...Array.from({ length: gpuNodes }, (_, i) => ({ name: `sim-gpu-${i + 1}`, gpus: gpusPerNode })),
  ];
  for (const [index, shape] of shapes.entries()) {
    const { node, status } = nodeManifest(shape.name, index, shape.gpus, kubeletVersion);
    const created = await core.createNode({ body: node });
    // Status is ignored on create; kwok keeps the capacity it finds when it initialises the node.
    await core.replaceNodeStatus({ name: shape.name, body: { ...created, status } });
    names.push(shape.name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------

async function start(values: ReturnType<typeof parseCommandLine>) {
  const binDir = await prepareBinaries();
  const started = Date.now();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-real-cluster-"));
  const onSignal = (signal: NodeJS.Signals) => void stopAll(0, workDir, signal);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const pki = makePki(workDir);
    const requested = Number(values.port);
    const apiPort = requested === 0 ? await freePort() : requested;
    const [etcdClientPort, etcdPeerPort] = [await freePort(), await freePort()];
    const server = `https://127.0.0.1:${apiPort}`;
    const kubeconfigPath = path.resolve(values.kubeconfig);

    startComponent(binDir, workDir, "etcd", [
      "--name=berth",
      `--data-dir=${path.join(workDir, "etcd")}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=berth=http://127.0.0.1:${etcdPeerPort}`,
      // A throwaway test cluster: durability is not worth an fsync per write on a shared disk.
      "--unsafe-no-fsync",
      "--log-level=warn",
    ]);
    await waitFor("etcd", 30_000, async () => {
      const response = await fetch(`http://127.0.0.1:${etcdClientPort}/health`);
      return response.ok && (await response.json()).health === "true";
    });

    const file = (name: string) => path.join(pki.dir, name);
    startComponent(binDir, workDir, "kube-apiserver", [
      `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${apiPort}`,
      "--advertise-address=127.0.0.1",
      `--tls-cert-file=${file("apiserver.crt")}`,
      `--tls-private-key-file=${file("apiserver.key")}`,
      `--client-ca-file=${file("ca.crt")}`,
      "--authorization-mode=Node,RBAC",
      // As kubeadm and managed clusters do: Pod Security admission, not validation, refuses privileged pods.
      "--allow-privileged=true",
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${file("sa.pub")}`,
      `--service-account-signing-key-file=${file("sa.key")}`,
      `--service-cluster-ip-range=${SERVICE_CIDR}`,
      // The kubernetes Service would point at a loopback address, which EndpointSlices refuse.
      "--endpoint-reconciler-type=none",
      "--profiling=false",
    ]);
    await waitFor("kube-apiserver", 90_000, async () => (await httpsGet(`${server}/readyz`, pki)).status === 200);

    const adminKubeconfig = kubeconfigFor(pki, server, "admin");
    fs.mkdirSync(path.dirname(kubeconfigPath), { recursive: true });
    fs.writeFileSync(kubeconfigPath, adminKubeconfig, { mode: 0o600 });
    for (const user of ["controller-manager", "scheduler", "kwok"])
      fs.writeFileSync(path.join(workDir, `${user}.kubeconfig`), kubeconfigFor(pki, server, user), { mode: 0o600 });

    startComponent(binDir, workDir, "kube-controller-manager", [
      `--kubeconfig=${path.join(workDir, "controller-manager.kubeconfig")}`,
      "--leader-elect=false",
      "--secure-port=0",
      `--service-account-private-key-file=${file("sa.key")}`,
      `--root-ca-file=${file("ca.crt")}`,
      "--use-service-account-credentials=true",
      `--cluster-signing-cert-file=${file("ca.crt")}`,
      `--cluster-signing-key-file=${file("ca.key")}`,
    ]);
    startComponent(binDir, workDir, "kube-scheduler", [
      `--kubeconfig=${path.join(workDir, "scheduler.kubeconfig")}`,
      "--leader-elect=false",
      "--secure-port=0",
    ]);

    const admin = new k8s.KubeConfig();
    admin.loadFromString(adminKubeconfig);
    const nodes = await createNodes(
      admin,
      Number(values.nodes),
      Number(values["gpu-nodes"]),
      Number(values["gpus-per-node"]),
      pinnedVersions().kubernetes,
    );
    // After the nodes exist: kwok initialises a node with the capacity it finds on it.
    startComponent(binDir, workDir, "kwok", [
      `--kubeconfig=${path.join(workDir, "kwok.kubeconfig")}`,
      `--config=${path.join(moduleDir, "kwok-stages.yaml")}`,
      "--manage-all-nodes=false",
      "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      "--node-lease-duration-seconds=40",
    ]);

    const core = admin.makeApiClient(k8s.CoreV1Api);
    await waitFor("the nodes", 60_000, async () => {
      const list = await core.listNode();
      const ready = list.items.filter((node) =>
        node.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True"),
      );
      return nodes.every((name) => ready.some((node) => node.metadata?.name === name));
    });
    // Pods are refused until the namespace's default ServiceAccount exists: wait for its controller.
    await waitFor("the serviceaccount controller", 60_000, async () => {
      await core.readNamespacedServiceAccount({ namespace: "default", name: "default" });
      return true;
    });
    log(
      `control plane and ${nodes.length} nodes ready in ${elapsed(started)} (component logs: ${path.join(workDir, "logs")})`,
    );
    console.log(`berth-real-cluster listening on ${server} (kubeconfig: ${values.kubeconfig})`);
  } catch (error) {
    console.error(`[real-cluster] ${error instanceof Error ? error.message : String(error)}`);
    for (const component of components) console.error(`--- ${component.name}\n${tail(component.logPath, 15)}`);
    await stopAll(1, workDir);
  }
}

function parseCommandLine() {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (error) {
    console.error(`berth-real-cluster: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exit(2);
  }
}

async function main() {
  const values = parseCommandLine();
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values["prepare-only"]) {
    const dir = await prepareBinaries();
    log(`binaries cached in ${dir}`);
    return;
  }
  await start(values);
}

main().catch((error) => {
  console.error(`[real-cluster] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
