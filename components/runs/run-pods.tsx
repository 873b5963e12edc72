import { Badge } from "@/components/ui/badge";
import type { PodDescription } from "@/lib/runs/live";

/** A pod of a run with its Spark role ("driver", "executor"; null for a plain pod). */
export interface RunPodView extends PodDescription {
  role: string | null;
}

const PHASE_TONE: Record<string, "gray" | "blue" | "green" | "amber" | "red"> = {
  Pending: "amber",
  Running: "blue",
  Succeeded: "green",
  Failed: "red",
  Terminating: "gray",
  Unknown: "gray",
};

function ContainerLine({ container }: { container: PodDescription["containers"][number] }) {
  const failed = container.state === "terminated" && container.exitCode !== 0;
  return (
    <li className="text-xs">
      <span className="font-mono text-slate-800">{container.name}</span>{" "}
      {container.kind && (
        <span className="text-slate-500">{container.kind === "sidecar" ? "sidecar" : "init container"} </span>
      )}
      <span
        className={
          failed ? "font-medium text-red-700" : container.state === "waiting" ? "text-amber-800" : "text-slate-600"
        }
      >
        {container.state}
        {container.reason ? ` (${container.reason})` : ""}
        {container.exitCode !== null ? `, exit code ${container.exitCode}` : ""}
      </span>
      {container.restarts > 0 && <span className="text-slate-500">, {container.restarts} restarts</span>}
      {container.message && <span className="block break-words text-slate-500">{container.message}</span>}
    </li>
  );
}

/** The run's pods (driver first, then executors) with their containers' states and exit codes. */
export function RunPods({ pods, gone = [] }: { pods: RunPodView[]; gone?: string[] }) {
  const removed =
    gone.length > 0 ? (
      <p className="mt-3 text-xs text-slate-500">
        No longer on the cluster: <span className="break-all font-mono">{gone.join(", ")}</span>
      </p>
    ) : null;
  if (pods.length === 0) {
    return gone.length > 0 ? (
      <p className="text-sm text-slate-500">
        No longer on the cluster: <span className="break-all font-mono text-xs">{gone.join(", ")}</span>
      </p>
    ) : (
      <p className="text-sm text-slate-500">No pod on the cluster yet.</p>
    );
  }
  const order = (pod: RunPodView) => (pod.role === "driver" ? 0 : pod.role === "executor" ? 2 : 1);
  const sorted = [...pods].sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));
  return (
    <>
      <ul aria-label="Pods" className="divide-y divide-slate-100">
        {sorted.map((pod) => (
          <li key={pod.name} aria-label={`Pod ${pod.name}`} className="py-3 first:pt-0 last:pb-0">
            <div className="flex flex-wrap items-center gap-2">
              {pod.role && <Badge tone={pod.role === "driver" ? "blue" : "gray"}>{pod.role}</Badge>}
              <span className="break-all font-mono text-xs font-medium text-slate-900">{pod.name}</span>
              <Badge tone={PHASE_TONE[pod.phase] ?? "gray"}>{pod.phase}</Badge>
              <span className="text-xs text-slate-500">{pod.node ? `on ${pod.node}` : "not scheduled"}</span>
            </div>
            <ul className="mt-1.5 space-y-0.5 pl-1">
              {pod.containers.map((container) => (
                <ContainerLine key={container.name} container={container} />
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {removed}
    </>
  );
}
