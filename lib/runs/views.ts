import type { RunRow } from "@/db/schema";
import { redact } from "@/lib/audit/redact";
import type { RunObjects } from "@/lib/kube/run-workloads";

import { defaultRunName } from "./names";
import type { EffectiveChoice, RunResolutionView, RunView } from "./schema";

export type { KubeManifest, RunObjects } from "@/lib/kube/run-workloads";

/** What `runs.request` holds: the run as asked (per-run choices only when given). */
export interface StoredRunRequest {
  command?: string[];
  script?: string;
  env?: Record<string, string>;
  codeEnv?: string;
  executionConfig?: string;
  sparkConfig?: string;
  cluster?: string;
  annotations?: Record<string, string>;
}

/** What `runs.resolution` holds: the effective choices with origins, and the objects made from them. */
export interface StoredRunResolution extends RunResolutionView {
  /** Whether the config lets Berth create the run's namespace (with its policy) when missing. */
  createNamespace: boolean;
  /** The Kubernetes objects of the run exactly as created (re-created as they are when a queued run is retried). */
  objects: RunObjects;
}

const unknownChoice: EffectiveChoice = { value: null, origin: null, from: "not recorded" };

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : undefined);

/** The resolution part of a stored run, without its objects. */
export function resolutionOf(row: Pick<RunRow, "resolution">): RunResolutionView {
  const stored = row.resolution as Partial<StoredRunResolution>;
  return {
    executionConfig: stored.executionConfig ?? unknownChoice,
    ...(stored.sparkConfig ? { sparkConfig: stored.sparkConfig } : {}),
    cluster: stored.cluster ?? unknownChoice,
    image: stored.image ?? "",
  };
}

/** The Kubernetes objects a run was created with (null for runs recorded without them). */
export function runObjectsOf(row: Pick<RunRow, "resolution">): RunObjects | null {
  return (row.resolution as Partial<StoredRunResolution>).objects ?? null;
}

/**
 * A run as the API and pages show it (`GET /api/v1/runs/{id}`). Env values of secret-looking
 * names (PASSWORD, TOKEN…) are masked: runs are visible to every reader of the project.
 */
export function toRunView(row: RunRow): RunView {
  const request = row.request as StoredRunRequest;
  return {
    id: row.id,
    status: row.status,
    ...(row.reason ? { reason: row.reason } : {}),
    // Runs recorded before names existed get the name they would get today.
    name:
      row.name ??
      defaultRunName({ object: row.object, command: request.command, script: request.script, activity: row.activity }),
    project: row.project,
    activity: row.activity,
    ...(row.object ? { object: row.object } : {}),
    user: row.username,
    executionConfig: row.executionConfig,
    ...(row.sparkConfig ? { sparkConfig: row.sparkConfig } : {}),
    cluster: row.cluster,
    namespace: row.namespace,
    workload: row.workload,
    pods: row.pods,
    ...(row.workload === "docker-container" ? { dockerHost: row.dockerHost ?? "", containers: row.containers } : {}),
    ...(row.startedAt ? { startedAt: iso(row.startedAt) } : {}),
    ...(row.finishedAt ? { finishedAt: iso(row.finishedAt) } : {}),
    ...(row.exitCode != null ? { exitCode: row.exitCode } : {}),
    createdAt: row.createdAt.toISOString(),
    gpus: row.gpus,
    warnings: row.warnings,
    timeline: row.timeline,
    resolution: resolutionOf(row),
    ...(row.codeEnv ? { codeEnv: row.codeEnv } : {}),
    ...(request.command ? { command: request.command } : {}),
    ...(request.script ? { script: request.script } : {}),
    ...(request.env ? { env: redact(request.env) } : {}),
  };
}
