import { ENV_VAR_NAME } from "@/lib/kube/names";

/**
 * Environment names a run may not set unless its execution config allows them: they are read by
 * the container runtime, Kubernetes, Spark or Berth rather than by the user's code, so setting
 * them changes what the pod gets, not just what the program sees. A name ending in `*` is a prefix.
 */
export const RESERVED_ENV: readonly { pattern: string; why: string }[] = [
  // NVIDIA Container Toolkit: NVIDIA_VISIBLE_DEVICES=all exposes every GPU of the node, and
  // NVIDIA_DRIVER_CAPABILITIES / NVIDIA_MIG_* / NVIDIA_REQUIRE_* change what is mounted.
  { pattern: "NVIDIA_*", why: "read by the NVIDIA container runtime to choose the GPUs a container sees" },
  { pattern: "CUDA_VISIBLE_DEVICES", why: "chooses the GPUs CUDA programs use" },
  // The same device selection for AMD (ROCm container toolkit and runtime) and Habana Gaudi runtimes.
  { pattern: "AMD_VISIBLE_DEVICES", why: "read by the AMD container runtime to choose the GPUs a container sees" },
  { pattern: "ROCR_VISIBLE_DEVICES", why: "chooses the GPUs ROCm programs use" },
  { pattern: "HIP_VISIBLE_DEVICES", why: "chooses the GPUs HIP programs use" },
  {
    pattern: "HABANA_VISIBLE_DEVICES",
    why: "read by the Habana container runtime to choose the accelerators a container sees",
  },
  // Set by the kubelet for service discovery (KUBERNETES_SERVICE_HOST/PORT point clients at the API server).
  { pattern: "KUBERNETES_*", why: "set by Kubernetes to find the API server" },
  // Berth's own variables, e.g. BERTH_POD_IP, which the Spark driver pod's command refers to.
  { pattern: "BERTH_*", why: "set by Berth" },
  // The Spark image's entrypoint turns SPARK_JAVA_OPT_*, SPARK_CLASSPATH, SPARK_DRIVER_BIND_ADDRESS,
  // SPARK_EXECUTOR_* … into the JVM's command line and the driver's identity.
  { pattern: "SPARK_*", why: "read by Spark's container entrypoint to build the driver and executor command lines" },
];

const matches = (pattern: string, name: string) =>
  pattern.endsWith("*") ? name.startsWith(pattern.slice(0, -1)) : name === pattern;

/** The reserved entry a variable name falls under, or undefined. */
export function reservedEnv(name: string): { pattern: string; why: string } | undefined {
  return RESERVED_ENV.find((entry) => matches(entry.pattern, name));
}

/** Why an "allowed reserved name" entry is not acceptable, or undefined: a variable name, or a prefix ending in `*`. */
export function allowedEnvPatternProblem(pattern: string): string | undefined {
  const name = pattern.endsWith("*") ? pattern.slice(0, -1) : pattern;
  if (!name || !ENV_VAR_NAME.test(name)) return `"${pattern}" is not a variable name or a prefix such as NVIDIA_*`;
  return undefined;
}

/** What a run's env is checked against: the config's env (pinned entries) and the reserved names it allows. */
export interface EnvRules {
  env: readonly { name: string; pinned?: boolean }[];
  allowedReservedEnv: readonly string[];
}

/**
 * The problems of a run's env under a config, one message per variable, naming it: a reserved
 * name the config does not allow, or a variable the config pins.
 */
export function runEnvProblems(
  rules: EnvRules,
  env: Record<string, string> | undefined,
  configWords = "this config",
): string[] {
  const pinned = new Set(rules.env.filter((variable) => variable.pinned).map((variable) => variable.name));
  const problems: string[] = [];
  for (const name of Object.keys(env ?? {})) {
    if (pinned.has(name)) {
      problems.push(`${name} is pinned by ${configWords} and cannot be set by a run`);
      continue;
    }
    const reserved = reservedEnv(name);
    if (reserved && !rules.allowedReservedEnv.some((pattern) => matches(pattern, name))) {
      problems.push(
        `${name} is reserved (${reserved.pattern}: ${reserved.why}); ${configWords} does not allow runs to set it`,
      );
    }
  }
  return problems;
}
