/**
 * Per-pod behaviour scripted through `sim.berth.dev/*` annotations (documented in sim/README.md).
 * Parsing is lenient: a malformed value falls back to the default rather than breaking the pod.
 */
import type { Container, Pod } from "./model";
import { parseQuantity, toNumber } from "./quantity";

export const ANNOTATION_PREFIX = "sim.berth.dev/";

export interface Range {
  min: number;
  max: number;
}

export interface PodBehaviour {
  /** How long each container runs before exiting; undefined = until deleted (a server). */
  durationMs?: number;
  exitCode: number;
  oom: boolean;
  imagePullFails: boolean;
  /** Time from binding to containers running (pull + create). */
  startDelayMs: number;
  /** How long containers take to stop once deleted (capped by the grace period). */
  shutdownMs: number;
  logLines?: string[];
  /** Lines per second; undefined = all lines at start. */
  logRate?: number;
  /** Usage profiles for metrics: cpu in cores, memory in bytes, GPU utilisation in percent. */
  cpu?: Range;
  memory?: Range;
  gpuUtil?: Range;
  gpuMemory?: Range;
  /** Kaniko builds: time per build step (`step-ms`); otherwise derived from duration or log-rate. */
  stepMs?: number;
  /** Kaniko builds: the first RUN whose command contains this fails (`fail-run`). */
  failRun?: string;
  /** Exit codes of init containers by name (`init-exit-code`); the others complete with 0. */
  initExitCodes: Map<string, number>;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** `30s`, `1m30s`, `500ms`, `2h`, or a bare number of seconds. */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(DURATION_PART)) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
    total += Number(match[1]) * unit;
    consumed += match[0].length;
  }
  return consumed === trimmed.length && consumed > 0 ? total : undefined;
}

/** `500m`, `2Gi`, `80` or a range `60-95` / `1Gi-2Gi` (values wander between the bounds). */
export function parseRange(text: string | undefined, asQuantity: boolean): Range | undefined {
  if (!text) return undefined;
  const parse = (part: string): number | undefined => {
    const t = part.trim();
    if (!asQuantity) {
      const n = Number(t.replace(/%$/, ""));
      return Number.isFinite(n) ? n : undefined;
    }
    try {
      return toNumber(parseQuantity(t));
    } catch {
      return undefined;
    }
  };
  // Split on the first "-" that is not a leading sign.
  const split = /^(-?[^-]+)-(.+)$/.exec(text.trim());
  const low = parse(split ? split[1] : text);
  const high = split ? parse(split[2]) : low;
  if (low === undefined || high === undefined) return undefined;
  return { min: Math.min(low, high), max: Math.max(low, high) };
}

/** Images that cannot be pulled: a `nonexistent` or `does-not-exist` tag, as documented. */
export function imageCannotBePulled(image: string | undefined): boolean {
  if (!image) return false;
  const lastSegment = image.slice(image.lastIndexOf("/") + 1);
  const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : "";
  return tag === "nonexistent" || tag === "does-not-exist";
}

/** `istio-init=1,setup=2`, or a bare code for the first init container that is not a native sidecar. */
export function parseInitExitCodes(text: string | undefined, pod: Pod): Map<string, number> {
  const codes = new Map<string, number>();
  if (!text?.trim()) return codes;
  if (/^\s*-?\d+\s*$/.test(text)) {
    const first = (pod.spec.initContainers ?? []).find((c) => c.restartPolicy !== "Always");
    if (first) codes.set(first.name, Number.parseInt(text, 10));
    return codes;
  }
  for (const pair of text.split(",")) {
    const match = /^\s*([^=\s]+)\s*=\s*(-?\d+)\s*$/.exec(pair);
    if (match) codes.set(match[1], Number.parseInt(match[2], 10));
  }
  return codes;
}

const truthy = (v: string | undefined) => v !== undefined && ["true", "1", "yes", ""].includes(v.trim().toLowerCase());

export function podBehaviour(pod: Pod): PodBehaviour {
  const a = pod.metadata.annotations ?? {};
  const get = (key: string): string | undefined => a[ANNOTATION_PREFIX + key];
  const containers: Container[] = pod.spec.containers ?? [];
  const exitCode = Number.parseInt(get("exit-code") ?? "0", 10);
  const rate = Number(get("log-rate"));
  const rawLines = get("log-lines");
  return {
    durationMs: parseDuration(get("duration")),
    exitCode: Number.isFinite(exitCode) ? exitCode : 0,
    oom: truthy(get("oom")),
    imagePullFails: get("image-pull") === "fail" || containers.some((c) => imageCannotBePulled(c.image)),
    startDelayMs: parseDuration(get("start-delay")) ?? 500,
    shutdownMs: parseDuration(get("shutdown")) ?? 1000,
    logLines: rawLines === undefined ? undefined : rawLines.split("\n"),
    logRate: Number.isFinite(rate) && rate > 0 ? rate : undefined,
    cpu: parseRange(get("cpu"), true),
    memory: parseRange(get("memory"), true),
    gpuUtil: parseRange(get("gpu-util"), false),
    gpuMemory: parseRange(get("gpu-memory"), true),
    // A bare number is milliseconds here, as the name says (durations elsewhere default to seconds).
    stepMs: /^\s*\d+(\.\d+)?\s*$/.test(get("step-ms") ?? "") ? Number(get("step-ms")) : parseDuration(get("step-ms")),
    failRun: get("fail-run") || undefined,
    initExitCodes: parseInitExitCodes(get("init-exit-code"), pod),
  };
}
