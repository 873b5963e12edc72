/**
 * Which containers are Kaniko builds, and the executor's command line read the way its cobra/pflag
 * parser reads it (`--flag=value`, `--flag value`, `-d value`, repeated `--destination` and
 * `--build-arg`). Only the flags that change what the simulated build does are interpreted; any
 * other flag is accepted and ignored, so real manifests run unchanged. Pure.
 */
import { posix } from "node:path";

import type { Container } from "./model";

export const KANIKO_ANNOTATION = "sim.berth.dev/kaniko";
/** The executor image's working directory, against which relative paths resolve. */
export const KANIKO_WORKDIR = "/workspace";

/** `gcr.io/kaniko-project/executor:v1.23.2`, `…@sha256:…`, or a mirror ending in `kaniko-project/executor`. */
export function isKanikoImage(image: string | undefined): boolean {
  if (!image) return false;
  const withoutDigest = image.split("@")[0];
  const repository = withoutDigest.replace(/:[^/:]+$/, "");
  return repository === "kaniko-project/executor" || repository.endsWith("/kaniko-project/executor");
}

/**
 * A container runs a Kaniko build when its image is the executor, or when the pod carries
 * `sim.berth.dev/kaniko`: `"true"` for every container, or a container name for that one
 * (for executor images under another name, such as a private mirror).
 */
export function isKanikoContainer(container: Container, annotations: Record<string, string> | undefined): boolean {
  const marked = annotations?.[KANIKO_ANNOTATION]?.trim();
  if (marked === "true" || (marked && marked === container.name)) return true;
  return isKanikoImage(container.image);
}

export interface KanikoOptions {
  /** Absolute build context directory. */
  context: string;
  /** Set when the context is not a local directory (`git://`, `gs://`, `s3://`, …): unsupported here. */
  remoteContext?: string;
  dockerfile: string;
  destinations: string[];
  noPush: boolean;
  digestFile?: string;
  buildArgs: Record<string, string>;
  target?: string;
  /** `color` (with ANSI codes), `text` (logrus key=value), `json`; undefined: plain `INFO[0001] …`. */
  logFormat?: string;
  logTimestamp: boolean;
}

const BOOLEAN_FLAGS = new Set([
  "no-push",
  "no-push-cache",
  "log-timestamp",
  "cache",
  "cleanup",
  "pre-cleanup",
  "insecure",
  "insecure-pull",
  "skip-tls-verify",
  "skip-tls-verify-pull",
  "single-snapshot",
  "reproducible",
  "compressed-caching",
  "ignore-var-run",
  "skip-unused-stages",
  "use-new-run",
  "cache-copy-layers",
  "cache-run-layers",
  "skip-push-permission-check",
  "preserve-context",
  "materialize",
  "force",
  "skip-default-registry-fallback",
  "force-build-metadata",
  "push-ignore-immutable-tag-errors",
]);
const SHORT: Record<string, string> = { c: "context", d: "destination", f: "dockerfile", b: "bucket", v: "verbosity" };

/** The flags as pflag sees them: name → values in order (booleans get "true"/"false"). */
export function parseFlags(argv: string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  const add = (name: string, value: string) => flags.set(name, [...(flags.get(name) ?? []), value]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    const short = long ? undefined : /^-([a-zA-Z])(?:=?(.+))?$/s.exec(arg);
    if (!long && !short) continue; // positional: the executor takes none
    const name = long ? long[1] : (SHORT[short![1]] ?? short![1]);
    const inline = long ? long[2] : short![2];
    if (inline !== undefined) add(name, inline);
    else if (BOOLEAN_FLAGS.has(name)) add(name, "true");
    else if (i + 1 < argv.length) add(name, argv[++i]);
    else add(name, "");
  }
  return flags;
}

/** The executor's argv from the container: `command` minus the executor binary, then `args`. */
export function executorArgv(container: Container): string[] {
  const command = container.command ?? [];
  const rest = command.length && /(^|\/)executor$/.test(command[0]) ? command.slice(1) : command;
  return [...rest, ...(container.args ?? [])];
}

const truthy = (values: string[] | undefined) =>
  values !== undefined && ["true", "1", "t", "TRUE", "True"].includes(values[values.length - 1]);

/** `dir:///workspace`, `dir://workspace`, `/workspace` or a relative path → an absolute directory. */
function resolveContext(raw: string): { context: string; remote?: string } {
  if (raw.startsWith("dir://")) return { context: posix.resolve("/", raw.slice("dir://".length)) };
  if (raw.includes("://")) return { context: KANIKO_WORKDIR, remote: raw };
  return { context: posix.resolve(KANIKO_WORKDIR, raw) };
}

export function kanikoOptions(argv: string[]): KanikoOptions {
  const flags = parseFlags(argv);
  const last = (name: string) => flags.get(name)?.at(-1);
  const { context: base, remote } = resolveContext(last("context") ?? "/workspace/");
  const subPath = last("context-sub-path");
  const buildArgs: Record<string, string> = {};
  for (const pair of flags.get("build-arg") ?? []) {
    const eq = pair.indexOf("=");
    // `--build-arg NAME` takes the executor's environment, which is empty here.
    if (eq < 0) buildArgs[pair] = "";
    else buildArgs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return {
    context: subPath ? posix.join(base, subPath) : base,
    remoteContext: remote,
    dockerfile: last("dockerfile") ?? "Dockerfile",
    destinations: (flags.get("destination") ?? []).filter(Boolean),
    noPush: truthy(flags.get("no-push")),
    digestFile: last("digest-file") || undefined,
    buildArgs,
    target: last("target") || undefined,
    logFormat: last("log-format") || undefined,
    logTimestamp: truthy(flags.get("log-timestamp")),
  };
}
