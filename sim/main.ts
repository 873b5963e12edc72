/**
 * `npm run cluster -- --port 6443 --kubeconfig ./data/sim-kubeconfig.yaml [--nodes 4] …`
 * Runs the simulator standalone and prints one ready line once it listens.
 */
import { parseArgs } from "node:util";

import { behaviour } from "./cluster/index";
import { startSimulator } from "./server/index";

const HELP = `berth-sim: an embedded Kubernetes API server and cluster simulator

Options:
  --port N                 listen port (default 6443; 0 picks a free one)
  --host ADDR              listen address (default 127.0.0.1)
  --kubeconfig FILE        write a kubeconfig for this simulator (default ./data/sim-kubeconfig.yaml)
  --token TOKEN            bearer token to require (default: random)
  --nodes N                CPU nodes to seed (default 4)
  --gpu-nodes N            GPU nodes to seed (default 2)
  --gpus-per-node N        nvidia.com/gpu per GPU node (default 4)
  --pods N                 demo pods to seed (default 0)
  --namespaces N           demo namespaces to seed (default 1)
  --seed N                 random seed for the demo data (default 1)
  --quotas                 one ResourceQuota per demo namespace (hard limits above the seeded use)
  --state FILE             load state from FILE if it exists; save it on changes and at exit
  --load FILE              load state from FILE (as --state) and never save it: copies of one seeded cluster
  --insecure-http          plain HTTP, no authentication (debugging only)
  --latency-ms N           fault: delay every API request
  --error-rate R           fault: fail this fraction (0..1) of API requests with 500
  --history N              watch history kept for resumption (default 50000 events)
  --deny VERB:RESOURCE     refuse this to the simulator's user with RBAC's 403 (repeatable; e.g. delete:pods)
  --spark-job-namespaces L the spark-operator acts only in these namespaces (comma-separated; default all)
  --spark-webhook          install the spark-operator's mutating pod webhook (default: not installed)
  --default-run-seconds N  pods that run to completion (restartPolicy Never/OnFailure) and script no
                           sim.berth.dev/duration exit 0 after N seconds (default: run until deleted)
  --help                   this text
`;

const OPTIONS = {
  port: { type: "string", default: "6443" },
  host: { type: "string", default: "127.0.0.1" },
  kubeconfig: { type: "string", default: "./data/sim-kubeconfig.yaml" },
  token: { type: "string" },
  nodes: { type: "string", default: "4" },
  "gpu-nodes": { type: "string", default: "2" },
  "gpus-per-node": { type: "string", default: "4" },
  pods: { type: "string", default: "0" },
  namespaces: { type: "string", default: "1" },
  seed: { type: "string", default: "1" },
  quotas: { type: "boolean", default: false },
  state: { type: "string" },
  load: { type: "string" },
  "insecure-http": { type: "boolean", default: false },
  "latency-ms": { type: "string", default: "0" },
  "error-rate": { type: "string", default: "0" },
  history: { type: "string" },
  deny: { type: "string", multiple: true },
  "spark-job-namespaces": { type: "string" },
  "spark-webhook": { type: "boolean", default: false },
  "default-run-seconds": { type: "string" },
  help: { type: "boolean", default: false },
} as const;

function parseCommandLine() {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (error) {
    console.error(`berth-sim: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exit(2);
  }
}

const values = parseCommandLine();

function integer(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`berth-sim: --${name} must be a non-negative integer, got "${text}"`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const sim = await startSimulator({
    port: integer("port", values.port),
    host: values.host,
    token: values.token,
    kubeconfigPath: values.kubeconfig,
    insecureHttp: values["insecure-http"],
    behaviour,
    seed: {
      nodes: integer("nodes", values.nodes),
      gpuNodes: integer("gpu-nodes", values["gpu-nodes"]),
      gpusPerNode: integer("gpus-per-node", values["gpus-per-node"]),
      pods: integer("pods", values.pods),
      namespaces: integer("namespaces", values.namespaces),
      seed: integer("seed", values.seed),
      quotas: values.quotas,
    },
    statePath: values.state,
    loadPath: values.load,
    faults: { latencyMs: integer("latency-ms", values["latency-ms"]), errorRate: Number(values["error-rate"]) || 0 },
    historyLimit: values.history ? integer("history", values.history) : undefined,
    deny: values.deny,
    cluster: {
      kubelet: {
        defaultRunMs:
          values["default-run-seconds"] === undefined
            ? undefined
            : integer("default-run-seconds", values["default-run-seconds"]) * 1000,
      },
      spark: {
        jobNamespaces: (values["spark-job-namespaces"] ?? "")
          .split(",")
          .map((name) => name.trim())
          .filter(Boolean),
        webhook: values["spark-webhook"],
      },
    },
  });
  console.log(`berth-sim listening on ${sim.url} (kubeconfig: ${sim.kubeconfigPath})`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(
      () => {
        console.log(`berth-sim stopped (${signal})`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error("berth-sim: error while stopping", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("berth-sim: failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
