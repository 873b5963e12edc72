/**
 * Which embedded cluster `npm start` runs, and the command that starts it: the simulator (the
 * default, no Go needed), the real control plane of scripts/real-cluster.ts, or none. Pure, so the
 * choice is unit-tested without starting anything.
 */
import path from "node:path";

export type EmbeddedClusterMode = "simulator" | "real" | "off";

/** How long an unscripted run lasts on the embedded simulator (its `--default-run-seconds`). */
export const EMBEDDED_DEFAULT_RUN_SECONDS = 60;

/** The mode a BERTH_EMBEDDED_CLUSTER value asks for; unset (or "on") is the simulator. */
export function embeddedClusterMode(value: string | undefined): EmbeddedClusterMode {
  const mode = value?.trim().toLowerCase() ?? "";
  if (mode === "" || mode === "on" || mode === "sim" || mode === "simulator") return "simulator";
  if (mode === "real" || mode === "off") return mode;
  throw new Error(
    `BERTH_EMBEDDED_CLUSTER must be "on" (the simulator), "real" (a real control plane, built with Go) or "off"; got "${value}"`,
  );
}

export interface EmbeddedClusterCommand {
  /** Arguments for `node`, one process printing a "listening on" line once ready. */
  args: string[];
  /** Arguments for `node` that must succeed first (building the real cluster's binaries), or null. */
  prepareArgs: string[] | null;
  /** How long to wait for the ready line once started. */
  readyTimeoutMs: number;
  description: string;
}

/** The command starting the embedded cluster of `mode`, writing its kubeconfig to `kubeconfig`. */
export function embeddedClusterCommand(
  mode: Exclude<EmbeddedClusterMode, "off">,
  options: { root: string; dataDir: string; kubeconfig: string; port: string | undefined },
): EmbeddedClusterCommand {
  const shape = ["--nodes", "4", "--gpu-nodes", "2", "--gpus-per-node", "4"];
  const port = options.port ?? "0";
  if (mode === "simulator") {
    // The simulator runs no code: a run that scripts no duration would otherwise stay `running`
    // until aborted. A minute is long enough to watch it start, follow its log and see its usage,
    // and short enough that a first try reaches `succeeded` while the person is still looking.
    const defaultRun = ["--default-run-seconds", String(EMBEDDED_DEFAULT_RUN_SECONDS)];
    return {
      args: [
        "--import",
        "tsx",
        path.join(options.root, "sim", "main.ts"),
        "--port",
        port,
        "--kubeconfig",
        options.kubeconfig,
        ...shape,
        "--state",
        path.join(options.dataDir, "embedded-cluster-state.json"),
        ...defaultRun,
      ],
      prepareArgs: null,
      readyTimeoutMs: 60_000,
      description: "the embedded simulator",
    };
  }
  const script = path.join(options.root, "scripts", "real-cluster.ts");
  return {
    // No --state: the real control plane keeps its etcd in a temporary folder removed at stop.
    args: ["--import", "tsx", script, "--port", port, "--kubeconfig", options.kubeconfig, ...shape],
    // A cold build takes many minutes: done first, outside the start timeout, with its own progress.
    prepareArgs: ["--import", "tsx", script, "--prepare-only"],
    // Certificates, etcd, three control-plane components and kwok: about 10 s here, more on a busy machine.
    readyTimeoutMs: 180_000,
    description: "the embedded real control plane",
  };
}
