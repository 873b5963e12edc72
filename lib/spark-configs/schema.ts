import YAML from "yaml";
import { z } from "zod";

import { imageReferenceProblem } from "@/lib/images/reference";
import { dnsLabelSchema, namespaceTemplateProblem } from "@/lib/kube/names";
import { usableBySchema, type UsableConfigView } from "@/lib/objects/usable-config";
import { versionSchema } from "@/lib/objects/versioned";
import { descriptionSchema } from "@/lib/validation";

import { MANAGED_SPARK_KEYS, sparkConfRelationProblems, sparkKeyProblem, sparkValueProblem } from "./conf";

/** A Spark config named by id or name, as in REST paths. */
export const sparkConfigRefSchema = z.union([z.number().int().positive(), z.string().trim().min(1).max(63)]);

const confValueSchema = z
  .union([z.string(), z.number(), z.boolean()], { error: "Conf values must be text, numbers or true/false" })
  .transform((value) => String(value).trim());

/** Spark conf: an object of key → value. Every key and value is checked; problems are reported under `conf.<key>`. */
export const sparkConfSchema = z
  .record(z.string(), confValueSchema, { error: "conf must be an object of key → value" })
  .superRefine((conf, ctx) => {
    if (Object.keys(conf).length > 300) ctx.addIssue({ code: "custom", message: "At most 300 conf entries" });
    for (const [key, value] of Object.entries(conf)) {
      const keyProblem = sparkKeyProblem(key);
      const valueProblem = keyProblem ? undefined : sparkValueProblem(key, value);
      if (keyProblem) ctx.addIssue({ code: "custom", path: [key], message: keyProblem });
      if (valueProblem) ctx.addIssue({ code: "custom", path: [key], message: `${key} ${valueProblem}` });
    }
    for (const { key, message } of sparkConfRelationProblems(conf))
      ctx.addIssue({ code: "custom", path: [key], message });
  });

export const managedModeSchema = z
  .strictObject({
    enabled: z.boolean({ error: "enabled must be true or false" }).default(false),
    /** Namespace template with ${user}, ${project}, ${group}. */
    namespace: z.string({ error: "namespace must be text" }).trim().default(""),
    createNamespace: z.boolean({ error: "createNamespace must be true or false" }).default(false),
    /** A ServiceAccount + Role + RoleBinding made for each job and removed after it. */
    serviceAccountPerJob: z.boolean({ error: "serviceAccountPerJob must be true or false" }).default(false),
  })
  .superRefine((managed, ctx) => {
    if (!managed.enabled && managed.namespace === "") return;
    const problem = namespaceTemplateProblem(managed.namespace);
    if (problem)
      ctx.addIssue({
        code: "custom",
        path: ["namespace"],
        message: managed.enabled || managed.namespace ? problem : "Namespace is required in managed mode",
      });
  });
export type ManagedMode = z.output<typeof managedModeSchema>;
const MANAGED_OFF: ManagedMode = { enabled: false, namespace: "", createNamespace: false, serviceAccountPerJob: false };

/** A container image reference; "" = the upstream Spark image (DEFAULT_SPARK_IMAGE). */
const imageSchema = z
  .string({ error: "Image must be text" })
  .trim()
  .max(512, "Image must be at most 512 characters")
  .superRefine((value, ctx) => {
    const problem = value === "" ? undefined : imageReferenceProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `Image ${problem}` });
  })
  .default("");

const registrySchema = z
  .string()
  .trim()
  .max(253, "Registry must be at most 253 characters")
  .transform((value) => value.replace(/^https?:\/\//, "").replace(/\/+$/, ""))
  .refine(
    (value) => value === "" || /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9._-]+)*$/i.test(value),
    "Registry must be a host with an optional port and path, such as registry.example.com:5000/team",
  )
  .default("");

const POD_TOP_KEYS = new Set(["apiVersion", "kind", "metadata", "spec"]);
const isMapping = (value: unknown): value is Record<string, unknown> =>
  Boolean(value) && typeof value === "object" && !Array.isArray(value);

/** Why an executor pod YAML fragment is not a Pod-shaped object, or undefined. */
export function podFragmentProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = YAML.parse(text);
  } catch (error) {
    return `Not valid YAML: ${(error as Error).message.split("\n")[0]}`;
  }
  if (parsed === null || parsed === undefined) return undefined;
  if (!isMapping(parsed)) return "Must be a Pod-shaped mapping (metadata, spec), not a list or a single value";
  const unknown = Object.keys(parsed).filter((key) => !POD_TOP_KEYS.has(key));
  if (unknown.length)
    return `Unknown top-level field ${unknown.join(", ")}: a Pod has apiVersion, kind, metadata and spec`;
  if (parsed.kind !== undefined && parsed.kind !== "Pod") return `kind must be Pod, not ${String(parsed.kind)}`;
  if (parsed.apiVersion !== undefined && parsed.apiVersion !== "v1") return "apiVersion must be v1";
  if (parsed.metadata !== undefined && !isMapping(parsed.metadata)) return "metadata must be a mapping";
  if (isMapping(parsed.metadata)) {
    for (const field of ["labels", "annotations"]) {
      const map = parsed.metadata[field];
      if (map !== undefined && (!isMapping(map) || Object.values(map).some((value) => typeof value !== "string")))
        return `metadata.${field} must map names to text values`;
    }
  }
  if (parsed.spec !== undefined && !isMapping(parsed.spec)) return "spec must be a mapping";
  if (isMapping(parsed.spec)) {
    const spec = parsed.spec;
    if (spec.containers !== undefined && (!Array.isArray(spec.containers) || !spec.containers.every(isMapping)))
      return "spec.containers must be a list of containers";
    if (
      spec.nodeSelector !== undefined &&
      (!isMapping(spec.nodeSelector) || Object.values(spec.nodeSelector).some((value) => typeof value !== "string"))
    )
      return "spec.nodeSelector must map label keys to text values";
    if (spec.tolerations !== undefined && (!Array.isArray(spec.tolerations) || !spec.tolerations.every(isMapping)))
      return "spec.tolerations must be a list";
  }
  return undefined;
}

/** The executor pod fragment as YAML text ("" = none); kept as written, comments included. */
export const podFragmentSchema = z
  .string({ error: "Executor pod YAML must be text" })
  .max(50_000, "Executor pod YAML must be at most 50000 characters")
  // Browsers submit textarea lines with CRLF; store plain newlines so exports read as YAML blocks.
  .transform((text) => text.replace(/\r\n?/g, "\n"))
  .superRefine((text, ctx) => {
    const problem = text.trim() ? podFragmentProblem(text) : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .default("");

/** Every field of a Spark config: shared by the form, the API and YAML import. */
export const sparkConfigShape = {
  name: dnsLabelSchema("Name"),
  description: descriptionSchema.default(""),
  conf: sparkConfSchema.default({}),
  managed: managedModeSchema.default(MANAGED_OFF),
  image: imageSchema,
  registry: registrySchema,
  executorPodTemplate: podFragmentSchema,
  /** A cluster name; null or "" = the instance's default cluster. */
  cluster: z
    .string({ error: "cluster must be a name or null" })
    .trim()
    .max(63)
    .nullable()
    .transform((value) => value || null)
    .default(null),
  usableBy: usableBySchema,
};

export const createSparkConfigSchema = z.strictObject(sparkConfigShape).superRefine((config, ctx) => {
  if (!config.managed.enabled) return;
  for (const [key, message] of Object.entries(MANAGED_SPARK_KEYS)) {
    if (key in config.conf) ctx.addIssue({ code: "custom", path: ["conf", key], message });
  }
});
export type SparkConfigInput = z.output<typeof createSparkConfigSchema>;

/** A change: any fields, merged over the saved body and validated whole by createSparkConfigSchema. */
export const updateSparkConfigSchema = z.looseObject({
  config: sparkConfigRefSchema,
  version: versionSchema.optional(),
});

/** The PATCH body as documented: every field optional. */
export const patchSparkConfigBodySchema = z
  .strictObject(sparkConfigShape)
  .partial()
  .extend({ version: z.number().int().positive().optional() });

export const deleteSparkConfigSchema = z.strictObject({ config: sparkConfigRefSchema });
export const restoreSparkConfigSchema = z.strictObject({
  config: sparkConfigRefSchema,
  auditEventId: z.coerce.number({ error: "auditEventId must be a number" }).int().positive(),
});
export const importSparkConfigSchema = z.strictObject({
  yaml: z
    .string({ error: "yaml is required" })
    .min(1, "Paste or upload a YAML document")
    .max(200_000, "The document is too large"),
});

/** What the `spec` column holds: every field but name, description, cluster and usableBy. */
export type SparkConfigSpec = Pick<SparkConfigInput, "conf" | "managed" | "image" | "registry" | "executorPodTemplate">;

export type SparkConfigView = SparkConfigSpec & UsableConfigView;

export const sparkConfigViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  conf: z.record(z.string(), z.string()),
  managed: z.object({
    enabled: z.boolean(),
    namespace: z.string(),
    createNamespace: z.boolean(),
    serviceAccountPerJob: z.boolean(),
  }),
  image: z.string(),
  registry: z.string(),
  executorPodTemplate: z.string(),
  cluster: z.string().nullable(),
  usableBy: z.union([z.literal("all"), z.object({ groups: z.array(z.string()) })]),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  mayUse: z.boolean(),
});

/** The sample run a preview is made for; every field optional. */
export const previewRunSchema = z.strictObject({
  user: z.string().trim().max(64).default("alice"),
  project: z.string().trim().max(64).default("churn"),
  group: z.string().trim().max(63).default("ml"),
  jobName: dnsLabelSchema("Job name").default("churn-prep-1"),
  mainApplicationFile: z.string().trim().min(1).max(1000).default("local:///opt/berth/recipe.py"),
});
export type PreviewRun = z.output<typeof previewRunSchema>;

export const sparkPreviewSchema = z.object({
  sparkSubmit: z.array(z.string()),
  sparkApplication: z.record(z.string(), z.unknown()),
});
