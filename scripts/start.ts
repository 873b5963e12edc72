/**
 * `npm start`: builds the console if the build is missing or older than the sources, starts the
 * embedded Kubernetes simulator (BERTH_EMBEDDED_CLUSTER=real: the real control plane of
 * scripts/real-cluster.ts; off: none) with its kubeconfig in the data dir, with BERTH_LOCAL_ENGINE=1
 * the local container engine (scripts/local-engine.ts) with its endpoint in the data dir, then
 * serves the console with `next start` on PORT. Stops them together.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

import type { ContainerEngine } from "./container-engine";
import { embeddedClusterCommand, embeddedClusterMode, type EmbeddedClusterMode } from "./embedded-cluster";
import { LOCAL_ENGINE_FILE, localEngineEnabled, startLocalEngine, writeLocalEngineFile } from "./local-engine";
import { buildState, nextBuild } from "./next-build";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.PORT ?? "3000";
const dataDir = path.resolve(root, process.env.BERTH_DATA_DIR ?? "data");

function buildIfNeeded() {
  const { builtAt, current } = buildState(root);
  if (current) return;
  console.log(builtAt ? "Sources changed since the last build: rebuilding…" : "No build yet: building the console…");
  nextBuild(root);
}

const children: ChildProcess[] = [];
let server: ChildProcess | null = null;
let localEngine: ContainerEngine | null = null;
const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;
function stopAll(code: number) {
  process.exitCode = code;
  // The console first: the requests it finishes while stopping may still need the cluster. Its
  // exit calls stopAll again, which then stops the rest.
  if (server && running(server)) {
    server.kill("SIGTERM");
    return;
  }
  for (const child of children) if (running(child)) child.kill("SIGTERM");
  if (localEngine) {
    const engine = localEngine;
    localEngine = null;
    // A next start without the engine must not register a socket nobody serves.
    fs.rmSync(path.join(dataDir, LOCAL_ENGINE_FILE), { force: true });
    void engine.stop();
  }
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

/** Starts the embedded cluster and resolves once it prints its ready line. */
function startEmbeddedCluster(mode: Exclude<EmbeddedClusterMode, "off">): Promise<void> {
  // Owner-only: the cluster writes its kubeconfig and state here before the console tightens the dir.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const kubeconfig = path.join(dataDir, "embedded-kubeconfig.yaml");
  const command = embeddedClusterCommand(mode, {
    root,
    dataDir,
    kubeconfig,
    port: process.env.BERTH_EMBEDDED_CLUSTER_PORT,
  });
  if (command.prepareArgs) {
    const prepared = spawnSync(process.execPath, command.prepareArgs, { cwd: root, stdio: "inherit" });
    if (prepared.status !== 0) return Promise.reject(new Error(`Preparing ${command.description} failed (see above).`));
  }
  const cluster = spawn(process.execPath, command.args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  children.push(cluster);
  cluster.on("exit", (code) => {
    console.error(`The embedded cluster stopped (exit code ${code}).`);
    stopAll(code ?? 1);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${command.description} did not start within ${command.readyTimeoutMs / 1000} s`)),
      command.readyTimeoutMs,
    );
    readline.createInterface({ input: cluster.stdout! }).on("line", (line) => {
      console.log(`[cluster] ${line}`);
      if (/listening on/i.test(line)) {
        clearTimeout(timer);
        console.log(`Embedded cluster ready; kubectl works with: KUBECONFIG=${kubeconfig} kubectl get nodes`);
        resolve();
      }
    });
  });
}

/** Starts the local container engine and tells the console where it is, for it to register at start. */
async function startEngine(): Promise<void> {
  console.log("Starting the local container engine (podman with runc, and a loopback registry)…");
  localEngine = await startLocalEngine(process.env.BERTH_LOCAL_REGISTRY_PORT);
  writeLocalEngineFile(dataDir, localEngine);
  console.log(
    `Local container engine ready at ${localEngine.endpoint} (registry ${localEngine.registry}): ` +
      'Berth registers it as the Docker host "local", with the execution config "local-python" to run Python on it.',
  );
}

async function main() {
  const mode = embeddedClusterMode(process.env.BERTH_EMBEDDED_CLUSTER);
  const withEngine = localEngineEnabled(process.env.BERTH_LOCAL_ENGINE);
  // Left by a start that did not stop cleanly: only an engine started now is registered.
  fs.rmSync(path.join(dataDir, LOCAL_ENGINE_FILE), { force: true });
  buildIfNeeded();
  if (mode !== "off") await startEmbeddedCluster(mode);
  if (withEngine) await startEngine();
  // Idle connections stay open longer than Node's 5 s default and than common proxies' 60 s idle
  // timeout: otherwise a proxy (or an API client) reusing a connection the server just closed gets a reset.
  const nextArgs = ["start", "-p", port, "--keepAliveTimeout", "65000"];
  const next = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), ...nextArgs], {
    cwd: root,
    stdio: "inherit",
    // NEXTAUTH_URL only when the operator sets it: a default would send every browser to localhost
    // after signing out and make requests from any other host look cross-site.
    env: { ...process.env, BERTH_DATA_DIR: dataDir },
  });
  children.push(next);
  server = next;
  next.on("exit", (code) => stopAll(code ?? 0));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  stopAll(1);
});
