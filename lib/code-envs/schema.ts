import { z } from "zod";
import { codeEnvSchema, type CodeEnvSpec } from "@/lib/images/schema";

/** A code env named by id or name, as in REST paths. */
export const codeEnvRefSchema = z.union([z.number().int().positive(), z.string().trim().min(1).max(63)]);

/**
 * A change: any fields, merged over the saved body and validated whole by codeEnvSchema.
 * `version` guards against overwriting someone else's save.
 */
export const updateCodeEnvSchema = z.looseObject({
  codeEnv: codeEnvRefSchema,
  version: z.coerce.number({ error: "Version must be a number" }).int().positive().optional(),
});
export const deleteCodeEnvSchema = z.strictObject({ codeEnv: codeEnvRefSchema });
export const restoreCodeEnvSchema = z.strictObject({ codeEnv: codeEnvRefSchema, auditEventId: z.coerce.number({ error: "auditEventId must be a number" }).int().positive() });
export const importCodeEnvSchema = z.strictObject({ yaml: z.string({ error: "yaml is required" }).min(1, "Paste or upload a YAML document").max(200_000, "The document is too large") });
export const buildCodeEnvSchema = z.strictObject({ codeEnv: codeEnvRefSchema });

export { codeEnvSchema as createCodeEnvSchema };

/** What the `spec` column holds: every field but name and description. */
export type StoredCodeEnvSpec = Omit<CodeEnvSpec, "name" | "description">;

export const CODE_ENV_IMAGE_STATUSES = ["missing", "stale", "current"] as const;

const buildRefSchema = z.object({ id: z.number(), status: z.string(), image: z.string() }).nullable();

/** One image a code env needs, as the API shows it. */
export const codeEnvImageViewSchema = z.object({
  baseRef: z.string(),
  image: z.string().describe("The reference the current inputs are pushed to"),
  status: z.enum(CODE_ENV_IMAGE_STATUSES),
  reason: z.string().nullable(),
  problem: z.string().nullable(),
  configs: z.array(z.object({ kind: z.enum(["execution", "spark"]), name: z.string() })),
  current: buildRefSchema.describe("The latest pushed build: the image pods use"),
  building: buildRefSchema,
  latest: buildRefSchema,
});
export type CodeEnvImageView = z.output<typeof codeEnvImageViewSchema>;

export const codeEnvViewSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  language: z.enum(["python", "r"]),
  packages: z.array(z.string()),
  pythonVersion: z.string().nullable(),
  buildFor: z.object({ executionConfigs: z.union([z.enum(["all", "none"]), z.array(z.string())]), sparkConfigs: z.union([z.enum(["all", "none"]), z.array(z.string())]) }),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  images: z.array(codeEnvImageViewSchema),
  counts: z.object({ missing: z.number(), stale: z.number(), current: z.number() }),
  unknownConfigs: z.array(z.object({ kind: z.enum(["execution", "spark"]), name: z.string() })),
});

export type CodeEnvView = CodeEnvSpec & {
  id: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  images: CodeEnvImageView[];
  counts: Record<(typeof CODE_ENV_IMAGE_STATUSES)[number], number>;
  unknownConfigs: { kind: "execution" | "spark"; name: string }[];
};

/** What POST /code-envs/{name}/builds answers per queued build. */
export const queuedBuildSchema = z.object({ id: z.number(), status: z.string(), baseRef: z.string(), image: z.string() });
export type QueuedBuild = z.output<typeof queuedBuildSchema>;
