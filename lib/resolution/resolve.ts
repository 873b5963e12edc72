import type { UsableBy } from "@/db/schema";
import { can, mayUse, type Actor } from "@/lib/permissions";

import { isSparkActivity, isVisualActivity, type ActivityType } from "./activities";

/** Where an effective value was set: chosen for one run, on the object itself, on its project, or as an instance default. */
export type Origin = "run" | "object" | "project" | "instance";

/** An execution or Spark config as the resolver needs it: plain data, no database. */
export interface ConfigFacts {
  id: number;
  name: string;
  usableBy: UsableBy;
  /** The config's own cluster; null runs on the resolved cluster setting. */
  clusterId: number | null;
  /** An execution config's engine: docker configs run on their Docker host, not a cluster (absent: kubernetes). */
  engine?: "kubernetes" | "docker";
  /** A docker config's Docker host. */
  dockerHostId?: number | null;
}

export interface ClusterFacts {
  id: number;
  name: string;
}

/** The instance defaults, as stored ids (null: not set). */
export interface InstanceDefaults {
  executionConfigId: number | null;
  visualRecipeExecutionConfigId: number | null;
  sparkConfigId: number | null;
  clusterId: number | null;
}

/** A project's own settings; null inherits the instance default. */
export type ProjectSettings = InstanceDefaults;

/** An object's override inside its project; null inherits the project's setting. */
export interface ObjectOverride {
  executionConfigId: number | null;
  sparkConfigId: number | null;
  clusterId: number | null;
}

export interface ResolutionInput {
  instance: InstanceDefaults;
  project: ProjectSettings;
  override?: ObjectOverride | null;
  /** Choices made for one run, above the object's override. */
  run?: ObjectOverride | null;
  activity: ActivityType;
  executionConfigs: readonly ConfigFacts[];
  sparkConfigs: readonly ConfigFacts[];
  clusters: readonly ClusterFacts[];
  /** The Docker hosts docker configs may name (absent: none known). */
  dockerHosts?: readonly ClusterFacts[];
  actor: Actor;
}

export interface EffectiveValue {
  /** The name of the effective config or cluster; null when none is set or it no longer exists. */
  value: string | null;
  /** The level that set it; null when no level sets one. */
  origin: Origin | null;
  /** For a cluster that comes with the config rather than from a cluster setting. */
  via?: "executionConfig" | "sparkConfig";
  /** The activity does not run with this config (a Spark config for anything but Spark). */
  unused?: true;
  /** Why this value cannot be used: "config not found…", "no usage permission…", "no cluster selected". */
  error?: string;
}

export interface Resolution {
  executionConfig: EffectiveValue;
  sparkConfig: EffectiveValue;
  /** Unused (`unused: true`) when the activity runs on a Docker host. */
  cluster: EffectiveValue;
  /** Present when the activity runs with a docker execution config: the config's Docker host. */
  dockerHost?: EffectiveValue;
}

const ORIGIN_WORDS: Record<Origin, string> = {
  run: "chosen for this run",
  object: "object override",
  project: "project setting",
  instance: "instance default",
};

/** "from project setting", for "cluster: gpu-prod — from project setting"; "chosen for this run" for a per-run choice. */
export function describeOrigin(effective: EffectiveValue): string {
  if (!effective.origin) return "not set";
  const level = ORIGIN_WORDS[effective.origin];
  if (effective.via === "executionConfig") return `from the execution config (${level})`;
  if (effective.via === "sparkConfig") return `from the Spark config (${level})`;
  return effective.origin === "run" ? level : `from ${level}`;
}

/** The most specific level that sets a value: run, object, project, then instance. */
function firstSet(levels: [Origin, number | null | undefined][]): { id: number; origin: Origin } | null {
  for (const [origin, id] of levels) if (id != null) return { id, origin };
  return null;
}

function resolveConfig(
  kind: "execution config" | "Spark config",
  chosen: { id: number; origin: Origin } | null,
  configs: readonly ConfigFacts[],
  actor: Actor,
  { used, required }: { used: boolean; required: boolean },
): { effective: EffectiveValue; config?: ConfigFacts } {
  if (!chosen)
    return {
      effective: {
        value: null,
        origin: null,
        ...(required ? { error: `no ${kind} selected` } : used ? {} : { unused: true as const }),
      },
    };
  const config = configs.find((candidate) => candidate.id === chosen.id);
  if (!config) {
    // A broken reference is an error at the level that holds it, whether or not this activity uses it.
    const error = `config not found: the ${kind} #${chosen.id} set as ${ORIGIN_WORDS[chosen.origin]} was deleted`;
    return { effective: { value: null, origin: chosen.origin, error, ...(used ? {} : { unused: true as const }) } };
  }
  if (!used) return { effective: { value: config.name, origin: chosen.origin, unused: true }, config };
  if (!mayUse(actor, config.usableBy)) {
    return {
      effective: {
        value: config.name,
        origin: chosen.origin,
        error: `no usage permission for ${kind} ${config.name}: your groups may not use it`,
      },
      config,
    };
  }
  return { effective: { value: config.name, origin: chosen.origin }, config };
}

/**
 * What an activity of a project's object runs with, and why: each value comes from the most
 * specific level that sets it (run → object → project → instance). Pure, so the page, the API and the
 * runs share it and tests can cover every path.
 */
export function resolveEffectiveConfig(input: ResolutionInput): Resolution {
  const { instance, project, override, activity, actor } = input;
  const spark = isSparkActivity(activity);
  const visual = isVisualActivity(activity);

  const { run } = input;
  const executionChoice = firstSet([
    ["run", run?.executionConfigId],
    ["object", override?.executionConfigId],
    ["project", visual ? project.visualRecipeExecutionConfigId : project.executionConfigId],
    ["instance", visual ? instance.visualRecipeExecutionConfigId : instance.executionConfigId],
  ]);
  const sparkChoice = firstSet([
    ["run", run?.sparkConfigId],
    ["object", override?.sparkConfigId],
    ["project", project.sparkConfigId],
    ["instance", instance.sparkConfigId],
  ]);
  // Spark activities need a Spark config; their driver runs in the execution config's container
  // when one is set (as in DSS), so it is checked for them too but not required.
  const execution = resolveConfig("execution config", executionChoice, input.executionConfigs, actor, {
    used: true,
    required: !spark,
  });
  const sparkConfig = resolveConfig("Spark config", sparkChoice, input.sparkConfigs, actor, {
    used: spark,
    required: spark,
  });

  if (!spark && execution.config?.engine === "docker" && execution.effective.origin) {
    return {
      executionConfig: execution.effective,
      sparkConfig: sparkConfig.effective,
      cluster: { value: null, origin: null, unused: true },
      dockerHost: resolveDockerHost(input, execution.config, execution.effective.origin),
    };
  }
  return {
    executionConfig: execution.effective,
    sparkConfig: sparkConfig.effective,
    cluster: resolveCluster(input, spark ? sparkConfig : execution, spark ? "sparkConfig" : "executionConfig"),
  };
}

/** A docker config runs on its own Docker host, which the actor must be allowed to use. */
function resolveDockerHost(input: ResolutionInput, config: ConfigFacts, origin: Origin): EffectiveValue {
  const base = { origin, via: "executionConfig" as const };
  if (config.dockerHostId == null)
    return { ...base, value: null, error: `execution config ${config.name} runs on Docker but names no Docker host` };
  const host = input.dockerHosts?.find((candidate) => candidate.id === config.dockerHostId);
  if (!host)
    return { ...base, value: null, error: `config not found: the Docker host #${config.dockerHostId} was deleted` };
  if (!can(input.actor, "dockerHosts.use", { dockerHost: host.id })) {
    return {
      ...base,
      value: host.name,
      error: `no usage permission for Docker host ${host.name}: your groups may not use it`,
    };
  }
  return { ...base, value: host.name };
}

/** A config pinned to a cluster runs there; otherwise the cluster setting applies (run → object → project → instance). */
function resolveCluster(
  input: ResolutionInput,
  running: { effective: EffectiveValue; config?: ConfigFacts },
  via: "executionConfig" | "sparkConfig",
): EffectiveValue {
  const { config, effective } = running;
  const chosen =
    config?.clusterId != null && effective.origin
      ? { id: config.clusterId, origin: effective.origin, via }
      : firstSet([
          ["run", input.run?.clusterId],
          ["object", input.override?.clusterId],
          ["project", input.project.clusterId],
          ["instance", input.instance.clusterId],
        ]);
  if (!chosen) return { value: null, origin: null, error: "no cluster selected" };
  const base = { origin: chosen.origin, ...("via" in chosen ? { via: chosen.via } : {}) };
  const cluster = input.clusters.find((candidate) => candidate.id === chosen.id);
  if (!cluster) return { ...base, value: null, error: `config not found: the cluster #${chosen.id} was deleted` };
  if (!can(input.actor, "clusters.use", { cluster: cluster.id })) {
    return {
      ...base,
      value: cluster.name,
      error: `no usage permission for cluster ${cluster.name}: your groups may not use it`,
    };
  }
  return { ...base, value: cluster.name };
}

/** The error that stops the activity from running, if any: the one on the config it runs with, else the cluster's. */
export function blockingError(resolution: Resolution, activity: ActivityType): string | undefined {
  const running = isSparkActivity(activity) ? resolution.sparkConfig : resolution.executionConfig;
  return running.error ?? (resolution.dockerHost ? resolution.dockerHost.error : resolution.cluster.error);
}
