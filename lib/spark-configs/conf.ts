/**
 * Spark conf keys Berth knows: hints for the form and value checks. Unknown `spark.*` keys are
 * passed through as they are; Berth itself sets the master, deploy mode, and (in managed mode) the
 * namespace and service account, so those may not be set by hand.
 */

export interface KnownSparkKey {
  key: string;
  hint: string;
  /** Why a value is not acceptable, or undefined. */
  check?: (value: string) => string | undefined;
}

// Spark byte strings (JavaUtils.byteStringAs): a whole number with an optional b/k/m/g/t/p suffix.
const JVM_SIZE = /^[1-9][0-9]*(b|k|kb|m|mb|g|gb|t|tb|p|pb)?$/i;
const WHOLE = /^[0-9]+$/;

const positiveInt = (value: string) =>
  WHOLE.test(value) && Number(value) >= 1 ? undefined : "must be a whole number of at least 1";
const nonNegativeInt = (value: string) => (WHOLE.test(value) ? undefined : "must be a whole number (0 or more)");
const jvmSize = (value: string) =>
  JVM_SIZE.test(value) ? undefined : "must be a JVM size such as 512m, 4g or 2048 (MiB)";
const bool = (value: string) => (value === "true" || value === "false" ? undefined : "must be true or false");
const fraction = (value: string) => {
  const number = Number(value);
  return value.trim() !== "" && Number.isFinite(number) && number > 0 && number <= 1
    ? undefined
    : "must be a number greater than 0 and at most 1, e.g. 0.1";
};

export const KNOWN_SPARK_KEYS: KnownSparkKey[] = [
  { key: "spark.executor.instances", hint: "Number of executors (whole number ≥ 1)", check: positiveInt },
  { key: "spark.executor.memory", hint: "Executor JVM heap, e.g. 4g", check: jvmSize },
  { key: "spark.executor.cores", hint: "Cores per executor (whole number ≥ 1)", check: positiveInt },
  { key: "spark.executor.memoryOverhead", hint: "Off-heap memory per executor, e.g. 512m", check: jvmSize },
  { key: "spark.driver.memory", hint: "Driver JVM heap, e.g. 2g", check: jvmSize },
  { key: "spark.driver.cores", hint: "Driver cores (whole number ≥ 1)", check: positiveInt },
  { key: "spark.driver.memoryOverhead", hint: "Off-heap memory of the driver, e.g. 512m", check: jvmSize },
  {
    key: "spark.kubernetes.memoryOverheadFactor",
    hint: "Share of memory added as overhead (0–1, e.g. 0.1)",
    check: fraction,
  },
  { key: "spark.dynamicAllocation.enabled", hint: "Scale executors with the load (true/false)", check: bool },
  {
    key: "spark.dynamicAllocation.minExecutors",
    hint: "Fewest executors with dynamic allocation",
    check: nonNegativeInt,
  },
  {
    key: "spark.dynamicAllocation.initialExecutors",
    hint: "Executors at start with dynamic allocation",
    check: nonNegativeInt,
  },
  { key: "spark.dynamicAllocation.maxExecutors", hint: "Most executors with dynamic allocation", check: positiveInt },
  {
    key: "spark.dynamicAllocation.shuffleTracking.enabled",
    hint: "Needed for dynamic allocation on Kubernetes (true/false)",
    check: bool,
  },
  { key: "spark.kubernetes.executor.request.cores", hint: "CPU request of executor pods, e.g. 500m" },
  { key: "spark.kubernetes.executor.limit.cores", hint: "CPU limit of executor pods, e.g. 2" },
  { key: "spark.kubernetes.namespace", hint: "Namespace of the driver and executors (set by managed mode)" },
  {
    key: "spark.kubernetes.authenticate.driver.serviceAccountName",
    hint: "Service account of the driver (set by managed mode)",
  },
  { key: "spark.sql.shuffle.partitions", hint: "Partitions after a shuffle (whole number ≥ 1)", check: positiveInt },
];

/** Keys Berth always sets itself. */
export const RESERVED_SPARK_KEYS: Record<string, string> = {
  "spark.master": "Berth sets the master to the cluster's API server",
  "spark.submit.deployMode": "Berth always submits in cluster mode",
  "spark.kubernetes.container.image": "Use the Image field",
  "spark.kubernetes.executor.podTemplateFile": "Use the executor pod YAML field",
};

/** Keys managed mode sets, refused in the conf while it is on. */
export const MANAGED_SPARK_KEYS: Record<string, string> = {
  "spark.kubernetes.namespace": "Managed mode sets the namespace from its template",
  "spark.kubernetes.authenticate.driver.serviceAccountName": "Managed mode sets the driver's service account",
};

const KEY_PATTERN = /^spark(\.[A-Za-z0-9_-]+)+$/;

/** Why a conf key is not acceptable, or undefined. */
export function sparkKeyProblem(key: string): string | undefined {
  if (!key.startsWith("spark.")) return `"${key}" is not a Spark setting: keys start with "spark."`;
  if (!KEY_PATTERN.test(key)) return `"${key}" is not a valid key: dot-separated words of letters, digits, '_' or '-'`;
  return RESERVED_SPARK_KEYS[key];
}

/** Why a value is not acceptable for a known key, or undefined (unknown keys take any value). */
export function sparkValueProblem(key: string, value: string): string | undefined {
  if (value.trim() === "") return "must not be empty";
  return KNOWN_SPARK_KEYS.find((known) => known.key === key)?.check?.(value);
}

/** Problems between keys: dynamic allocation bounds must satisfy min ≤ initial ≤ max. */
export function sparkConfRelationProblems(conf: Record<string, string>): { key: string; message: string }[] {
  const problems: { key: string; message: string }[] = [];
  const int = (key: string) => (conf[key] !== undefined && WHOLE.test(conf[key]) ? Number(conf[key]) : undefined);
  const min = int("spark.dynamicAllocation.minExecutors");
  const initial = int("spark.dynamicAllocation.initialExecutors");
  const max = int("spark.dynamicAllocation.maxExecutors");
  if (min !== undefined && max !== undefined && min > max)
    problems.push({
      key: "spark.dynamicAllocation.minExecutors",
      message: `minExecutors (${min}) must not exceed maxExecutors (${max})`,
    });
  if (initial !== undefined && min !== undefined && initial < min)
    problems.push({
      key: "spark.dynamicAllocation.initialExecutors",
      message: `initialExecutors (${initial}) must be at least minExecutors (${min})`,
    });
  if (initial !== undefined && max !== undefined && initial > max)
    problems.push({
      key: "spark.dynamicAllocation.initialExecutors",
      message: `initialExecutors (${initial}) must not exceed maxExecutors (${max})`,
    });
  return problems;
}

/** `key=value` lines (blank lines and `#` comments skipped) as a conf map, or the line problems. */
export function parseConfLines(text: string): { conf: Record<string, string>; problems: string[] } {
  const conf: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    // spark-defaults.conf separates with whitespace; "=" is accepted as well.
    const separator = line.includes("=") ? line.indexOf("=") : line.search(/\s/);
    if (separator < 0) return void problems.push(`Line ${index + 1}: write key=value`);
    const key = line.slice(0, separator).trim();
    const value = line.slice(separator + 1).trim();
    if (key in conf) problems.push(`Line ${index + 1}: ${key} is set twice`);
    conf[key] = value;
  });
  return { conf, problems };
}

/** A conf map as `key=value` lines, for the form. */
export const confToLines = (conf: Record<string, string>) =>
  Object.entries(conf)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");
