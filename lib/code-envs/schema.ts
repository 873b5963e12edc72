import { z } from "zod";

import { fragmentSchema, pythonVersionField } from "@/lib/images/schema";
import { DNS1123_LABEL, dnsLabelSchema } from "@/lib/kube/names";
import { descriptionSchema } from "@/lib/validation";

import {
  normalizePythonName,
  parseRPackage,
  pythonRequirementName,
  pythonRequirementProblem,
  rPackageProblem,
} from "./packages";

export const CODE_ENV_LANGUAGES = ["python", "r"] as const;
export type CodeEnvLanguage = (typeof CODE_ENV_LANGUAGES)[number];

const CODE_ENV_FROM_HINT = "a code env image is always built FROM its base image";

const buildForTargetSchema = (label: string) =>
  z
    .union([z.enum(["all", "none"]), z.array(z.string().trim())], {
      error: `${label} must be "all", "none" or a list of config names`,
    })
    .superRefine((value, ctx) => {
      if (!Array.isArray(value)) return;
      if (value.length === 0)
        ctx.addIssue({ code: "custom", message: `${label}: choose at least one config, or "none"` });
      const seen = new Set<string>();
      value.forEach((name, index) => {
        if (!DNS1123_LABEL.test(name) || name.length > 63)
          ctx.addIssue({ code: "custom", path: [index], message: `"${name}" is not a config name` });
        else if (seen.has(name)) ctx.addIssue({ code: "custom", path: [index], message: `${name} is listed twice` });
        seen.add(name);
      });
    })
    .default("none");

export const buildForSchema = z
  .strictObject(
    { executionConfigs: buildForTargetSchema("executionConfigs"), sparkConfigs: buildForTargetSchema("sparkConfigs") },
    { error: 'buildFor must be {executionConfigs: "all" | "none" | [names], sparkConfigs: …}' },
  )
  .default({ executionConfigs: "none", sparkConfigs: "none" });
export type BuildFor = z.output<typeof buildForSchema>;

const codeEnvShape = {
  name: dnsLabelSchema("Name"),
  description: descriptionSchema.default(""),
  language: z.enum(CODE_ENV_LANGUAGES, { error: 'language must be "python" or "r"' }),
  /** Pip requirements (python) or R packages (r), in install order. */
  packages: z
    .array(z.string({ error: "Each package must be text" }).trim(), { error: "packages must be a list" })
    .max(500, "At most 500 packages")
    .default([]),
  /** Python code envs: the base image's python3.X to build the env with; null = its python3. */
  pythonVersion: pythonVersionField.nullable().default(null),
  buildFor: buildForSchema,
  dockerfileStart: fragmentSchema("dockerfileStart", CODE_ENV_FROM_HINT),
  dockerfileBeforePackages: fragmentSchema("dockerfileBeforePackages", CODE_ENV_FROM_HINT),
  dockerfileAfterPackages: fragmentSchema("dockerfileAfterPackages", CODE_ENV_FROM_HINT),
  dockerfileEnd: fragmentSchema("dockerfileEnd", CODE_ENV_FROM_HINT),
};

function codeEnvProblems(
  env: { language: CodeEnvLanguage; packages: string[]; pythonVersion: string | null },
  ctx: z.RefinementCtx,
) {
  const python = env.language === "python";
  const seen = new Set<string>();
  env.packages.forEach((entry, index) => {
    const problem =
      entry === ""
        ? `Package ${index + 1} must not be empty`
        : python
          ? pythonRequirementProblem(entry)
          : rPackageProblem(entry);
    if (problem) return ctx.addIssue({ code: "custom", path: ["packages", index], message: problem });
    const name = python ? pythonRequirementName(entry) : (parseRPackage(entry)?.name ?? entry);
    const key = python ? normalizePythonName(name) : name;
    if (seen.has(key)) ctx.addIssue({ code: "custom", path: ["packages", index], message: `${name} is listed twice` });
    seen.add(key);
  });
  if (!python && env.pythonVersion)
    ctx.addIssue({
      code: "custom",
      path: ["pythonVersion"],
      message: "pythonVersion applies only to Python code envs",
    });
}

/** A code env as the form, the action and POST /api/v1/code-envs accept it. */
export const codeEnvSchema = z.strictObject(codeEnvShape).superRefine(codeEnvProblems);
export type CodeEnvSpec = z.output<typeof codeEnvSchema>;
export type CodeEnvInput = z.input<typeof codeEnvSchema>;

/** The PATCH body: any fields, merged over the saved spec and validated whole by codeEnvSchema. */
export const patchCodeEnvBodySchema = z.strictObject(codeEnvShape).partial();

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
export const restoreCodeEnvSchema = z.strictObject({
  codeEnv: codeEnvRefSchema,
  auditEventId: z.coerce.number({ error: "auditEventId must be a number" }).int().positive(),
});
export const importCodeEnvSchema = z.strictObject({
  yaml: z
    .string({ error: "yaml is required" })
    .min(1, "Paste or upload a YAML document")
    .max(200_000, "The document is too large"),
});
/** `dockerHost`: build on that Docker host's engine instead of each base image's cluster. */
export const buildCodeEnvSchema = z.strictObject({
  codeEnv: codeEnvRefSchema,
  dockerHost: z.string({ error: "dockerHost must be a Docker host's name" }).trim().min(1).max(63).optional(),
});

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
  buildFor: z.object({
    executionConfigs: z.union([z.enum(["all", "none"]), z.array(z.string())]),
    sparkConfigs: z.union([z.enum(["all", "none"]), z.array(z.string())]),
  }),
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
export const queuedBuildSchema = z.object({
  id: z.number(),
  status: z.string(),
  baseRef: z.string(),
  image: z.string(),
});
export type QueuedBuild = z.output<typeof queuedBuildSchema>;
