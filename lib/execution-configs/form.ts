import YAML from "yaml";

import type { FieldErrors } from "@/lib/validation";

import { NO_GPU } from "./gpu";
import type { ExecutionConfigInput, Toleration } from "./schema";

/**
 * The create/edit form's fields. Structured values are edited as text (one `key=value` per line,
 * tolerations in a kubectl-like syntax, affinity as YAML) and named by their API path so that
 * errors land on the field that edits them.
 */
export const FORM_FIELDS = [
  "name",
  "description",
  "image",
  "registry",
  "imagePullPolicy",
  "imagePullSecret",
  "engine",
  "dockerHost",
  "workingDir",
  "cluster",
  "namespace",
  "createNamespace",
  "resources.requests.cpu",
  "resources.limits.cpu",
  "resources.requests.memory",
  "resources.limits.memory",
  "resources.requests",
  "resources.limits",
  "gpu.count",
  "gpu.type",
  "gpu.tolerationKey",
  "nodeSelector",
  "tolerations",
  "affinity",
  "shmSize",
  "env",
  "pinnedEnv",
  "allowedReservedEnv",
  "runAsUser",
  "serviceAccount",
  "workloadType",
  "usableBy",
  "usableBy.groups",
  "version",
] as const;

const TOLERATION_LINE = /^(\*|[^=:\s]+)(?:=([^:\s]*))?(?::([A-Za-z]*))?(?:\s+for\s+(\d+)s)?$/;
const NAMED_FIELDS = new Set<string>([
  "resources.requests.cpu",
  "resources.limits.cpu",
  "resources.requests.memory",
  "resources.limits.memory",
]);

const lines = (text: unknown) =>
  String(text ?? "")
    .split(/\r?\n/)
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== "" && !line.startsWith("#"));

/** Parses `key=value` lines; a line without "=" is an error naming its line number. */
function keyValues(field: string, text: unknown, errors: FieldErrors, allowBare = false): [string, string][] {
  const pairs: [string, string][] = [];
  for (const { line, number } of lines(text)) {
    const at = line.indexOf("=");
    if (at <= 0 && !allowBare) (errors[field] ??= []).push(`line ${number}: write key=value`);
    else if (at < 0) pairs.push([line, ""]);
    else pairs.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
  }
  return pairs;
}

/** A toleration line: `key=value:Effect`, `key:Effect` (any value), `key`, `*` (every taint), optional ` for 300s`. */
export function parseTolerationLine(line: string): Partial<Toleration> | undefined {
  const match = TOLERATION_LINE.exec(line);
  if (!match) return undefined;
  const [, key, value, effect, seconds] = match;
  return {
    ...(key === "*"
      ? { operator: "Exists" as const }
      : value === undefined
        ? { key, operator: "Exists" as const }
        : { key, operator: "Equal" as const, value }),
    ...(effect ? { effect: effect as Toleration["effect"] } : {}),
    ...(seconds ? { tolerationSeconds: Number(seconds) } : {}),
  };
}

export function formatToleration(toleration: Toleration): string {
  const head = toleration.key
    ? toleration.operator === "Equal"
      ? `${toleration.key}=${toleration.value}`
      : toleration.key
    : "*";
  return `${head}${toleration.effect ? `:${toleration.effect}` : ""}${toleration.tolerationSeconds !== undefined ? ` for ${toleration.tolerationSeconds}s` : ""}`;
}

/** The GPU fields; an empty count is none, and a form without the key field keeps the default key. */
function gpuInput(form: Record<string, unknown>): Record<string, unknown> {
  const count = String(form["gpu.count"] ?? "").trim();
  return {
    count: count === "" ? 0 : Number(count),
    type: String(form["gpu.type"] ?? ""),
    ...(form["gpu.tolerationKey"] === undefined ? {} : { tolerationKey: String(form["gpu.tolerationKey"]) }),
  };
}

/** The form's fields as the API's input, plus the errors of lines that could not be read at all. */
export function formToExecutionConfigInput(form: Record<string, unknown>): {
  input: Record<string, unknown>;
  fieldErrors: FieldErrors;
} {
  const fieldErrors: FieldErrors = {};
  const resourceList = (kind: "requests" | "limits") => {
    const list: Record<string, string> = {};
    for (const resource of ["cpu", "memory"]) {
      const value = String(form[`resources.${kind}.${resource}`] ?? "").trim();
      if (value) list[resource] = value;
    }
    for (const [name, value] of keyValues(`resources.${kind}`, form[`resources.${kind}`], fieldErrors)) {
      if (NAMED_FIELDS.has(`resources.${kind}.${name}`))
        (fieldErrors[`resources.${kind}`] ??= []).push(`${name}: use the ${name} field above`);
      else list[name] = value;
    }
    return list;
  };
  const tolerations: Partial<Toleration>[] = [];
  for (const { line, number } of lines(form.tolerations)) {
    const toleration = parseTolerationLine(line);
    if (toleration) tolerations.push(toleration);
    else
      (fieldErrors.tolerations ??= []).push(
        `line ${number}: write key=value:Effect, key:Effect, key or * (optionally "for 300s")`,
      );
  }
  const groups = Array.isArray(form["usableBy.groups"]) ? (form["usableBy.groups"] as string[]) : [];
  const input: Record<string, unknown> = {
    name: form.name,
    description: form.description ?? "",
    image: form.image,
    registry: form.registry ?? "",
    imagePullPolicy: form.imagePullPolicy || undefined,
    imagePullSecret: form.imagePullSecret ?? "",
    engine: form.engine || undefined,
    dockerHost: form.dockerHost || null,
    workingDir: form.workingDir ?? "",
    cluster: form.cluster || null,
    namespace: form.namespace,
    createNamespace: form.createNamespace === "on" || form.createNamespace === "true",
    resources: { requests: resourceList("requests"), limits: resourceList("limits") },
    gpu: gpuInput(form),
    nodeSelector: Object.fromEntries(keyValues("nodeSelector", form.nodeSelector, fieldErrors)),
    tolerations,
    affinity: form.affinity ?? "",
    shmSize: form.shmSize ?? "",
    env: [
      ...keyValues("env", form.env, fieldErrors, true).map(([name, value]) => ({ name, value })),
      ...keyValues("pinnedEnv", form.pinnedEnv, fieldErrors, true).map(([name, value]) => ({
        name,
        value,
        pinned: true,
      })),
    ],
    allowedReservedEnv: lines(form.allowedReservedEnv).map(({ line }) => line),
    runAsUser: String(form.runAsUser ?? "").trim() === "" ? null : Number(String(form.runAsUser).trim()),
    serviceAccount: form.serviceAccount ?? "",
    workloadType: form.workloadType || undefined,
    usableBy: form.usableBy === "groups" ? { groups } : "all",
  };
  return { input, fieldErrors };
}

const envLines = (env: ExecutionConfigInput["env"]) =>
  env.map((variable) => `${variable.name}=${variable.value}`).join("\n");

/** A saved config as the form's initial values. */
export function executionConfigToForm(config: ExecutionConfigInput): Record<string, string | string[] | boolean> {
  const extra = (list: Record<string, string>) =>
    Object.entries(list)
      .filter(([name]) => name !== "cpu" && name !== "memory")
      .map(([name, value]) => `${name}=${value}`)
      .join("\n");
  const gpu = config.gpu ?? NO_GPU;
  return {
    name: config.name,
    description: config.description,
    image: config.image,
    registry: config.registry,
    imagePullPolicy: config.imagePullPolicy,
    imagePullSecret: config.imagePullSecret,
    engine: config.engine ?? "kubernetes",
    dockerHost: config.dockerHost ?? "",
    workingDir: config.workingDir ?? "",
    cluster: config.cluster ?? "",
    namespace: config.namespace,
    createNamespace: config.createNamespace,
    "resources.requests.cpu": config.resources.requests.cpu ?? "",
    "resources.limits.cpu": config.resources.limits.cpu ?? "",
    "resources.requests.memory": config.resources.requests.memory ?? "",
    "resources.limits.memory": config.resources.limits.memory ?? "",
    "resources.requests": extra(config.resources.requests),
    "resources.limits": extra(config.resources.limits),
    "gpu.count": gpu.count ? String(gpu.count) : "",
    "gpu.type": gpu.type,
    "gpu.tolerationKey": gpu.tolerationKey,
    nodeSelector: Object.entries(config.nodeSelector)
      .map(([key, value]) => `${key}=${value}`)
      .join("\n"),
    tolerations: config.tolerations.map(formatToleration).join("\n"),
    affinity: Object.keys(config.affinity).length ? YAML.stringify(config.affinity) : "",
    shmSize: config.shmSize,
    env: envLines(config.env.filter((variable) => !variable.pinned)),
    pinnedEnv: envLines(config.env.filter((variable) => variable.pinned)),
    allowedReservedEnv: (config.allowedReservedEnv ?? []).join("\n"),
    runAsUser: config.runAsUser ? String(config.runAsUser) : "",
    serviceAccount: config.serviceAccount,
    workloadType: config.workloadType,
    usableBy: config.usableBy === "all" ? "all" : "groups",
    "usableBy.groups": config.usableBy === "all" ? [] : config.usableBy.groups,
  };
}
