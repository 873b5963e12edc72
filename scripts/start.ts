/**
 * `npm start`: builds the console if the build is missing or older than the sources, starts the
 * embedded Kubernetes simulator (unless BERTH_EMBEDDED_CLUSTER=off) with its kubeconfig in the
 * data dir, then serves the console with `next start` on PORT. Stops both together.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

const root = path.resolve(import.meta.dirname, "..");
const port = process.env.PORT ?? "3000";
const dataDir = path.resolve(root, process.env.BERTH_DATA_DIR ?? "data");
const SOURCES = ["app", "components", "lib", "db", "public", "next.config.mjs", "package-lock.json", "postcss.config.mjs", "tsconfig.json", "instrumentation.ts"];

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(entry).map((name) => newestMtime(path.join(entry, name))));
}

function buildIfNeeded() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const builtAt = fs.statSync(buildId, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const changedAt = Math.max(...SOURCES.map((entry) => newestMtime(path.join(root, entry))));
  if (builtAt > changedAt) return;
  console.log(builtAt ? "Sources changed since the last build: rebuilding…" : "No build yet: building the console…");
  const build = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const children: ChildProcess[] = [];
function stopAll(code: number) {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  process.exitCode = code;
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

/** Starts the simulator and resolves once it prints its ready line. */
function startEmbeddedCluster(): Promise<void> {
  // Owner-only: the simulator writes its kubeconfig and state here before the console tightens the dir.
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const kubeconfig = path.join(dataDir, "embedded-kubeconfig.yaml");
  const args = [
    "--import", "tsx", path.join(root, "sim", "main.ts"),
    "--port", process.env.BERTH_EMBEDDED_CLUSTER_PORT ?? "0",
    "--kubeconfig", kubeconfig,
    "--nodes", "4", "--gpu-nodes", "2", "--gpus-per-node", "4",
    "--state", path.join(dataDir, "embedded-cluster-state.json"),
  ];
  const sim = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  children.push(sim);
  sim.on("exit", (code) => {
    console.error(`The embedded cluster stopped (exit code ${code}).`);
    stopAll(code ?? 1);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("The embedded cluster did not start within 60 s")), 60_000);
    readline.createInterface({ input: sim.stdout! }).on("line", (line) => {
      console.log(`[cluster] ${line}`);
      if (/listening on/i.test(line)) {
        clearTimeout(timer);
        console.log(`Embedded cluster ready; kubectl works with: KUBECONFIG=${kubeconfig} kubectl get nodes`);
        resolve();
      }
    });
  });
}

async function main() {
  buildIfNeeded();
  if (process.env.BERTH_EMBEDDED_CLUSTER !== "off") await startEmbeddedCluster();
  const next = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", port], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, BERTH_DATA_DIR: dataDir, NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}` },
  });
  children.push(next);
  next.on("exit", (code) => stopAll(code ?? 0));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  stopAll(1);
});
