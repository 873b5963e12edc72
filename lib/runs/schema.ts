import { z } from "zod";

import { RUN_STATUSES } from "@/db/schema";
import { ENV_VAR_NAME } from "@/lib/kube/names";
import { activityTypeSchema, objectIdSchema, projectRefSchema } from "@/lib/projects/schema";
import { isSparkActivity } from "@/lib/resolution/activities";
import { applicationFileProblem } from "@/lib/spark-configs/builders";

import { isRunId } from "./ids";

export { RUN_STATUSES, type RunStatus, type RunTransition } from "@/db/schema";

/** The simulator's pod-behaviour annotations: the only ones a request may set (a test hook). */
export const SIM_ANNOTATION_PREFIX = "sim.berth.dev/";

export const RUN_LIMITS = {
  commandArgs: 256,
  argLength: 10_000,
  script: 100_000,
  envVars: 100,
  envValue: 10_000,
  /** All env names and values together. */
  envTotal: 100_000,
  annotations: 20,
  annotationValue: 4_096,
  name: 100,
} as const;

/** A config or cluster chosen for this run by name; "" or null = what the project resolves. */
const choiceSchema = (what: string) =>
  z
    .string({ error: `${what} must be a name` })
    .trim()
    .max(63, `${what} must be at most 63 characters`)
    .nullish()
    .transform((value) => value || undefined);

const commandSchema = z
  .array(
    z
      .string({ error: "Each argument must be text" })
      .max(RUN_LIMITS.argLength, `Each argument must be at most ${RUN_LIMITS.argLength} characters`),
    {
      error: 'command must be a list of arguments, e.g. ["python", "train.py"]',
    },
  )
  .max(RUN_LIMITS.commandArgs, `At most ${RUN_LIMITS.commandArgs} arguments`)
  .refine((args) => args.length === 0 || args[0].trim() !== "", "The first argument (the program) must not be empty");

const scriptSchema = z
  .string({ error: "script must be text" })
  .max(RUN_LIMITS.script, `The script must be at most ${RUN_LIMITS.script} characters`)
  // Browsers send textarea lines with CRLF.
  .transform((text) => text.replace(/\r\n?/g, "\n"));

/** `{NAME: value}`; every problem is reported on `env` so a form can show it beside its one field. */
const envSchema = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], { error: "Environment values must be text" }).transform(String),
    {
      error: "env must be an object of NAME → value",
    },
  )
  .superRefine((env, ctx) => {
    const entries = Object.entries(env);
    if (entries.length > RUN_LIMITS.envVars)
      ctx.addIssue({ code: "custom", message: `At most ${RUN_LIMITS.envVars} environment variables` });
    for (const [name, value] of entries) {
      if (!ENV_VAR_NAME.test(name))
        ctx.addIssue({
          code: "custom",
          message: `"${name}" is not a valid variable name: use letters, digits, '_', '-' or '.', not starting with a digit`,
        });
      if (value.length > RUN_LIMITS.envValue)
        ctx.addIssue({ code: "custom", message: `${name} is longer than ${RUN_LIMITS.envValue} characters` });
    }
    const total = entries.reduce((sum, [name, value]) => sum + name.length + value.length, 0);
    if (total > RUN_LIMITS.envTotal)
      ctx.addIssue({
        code: "custom",
        message: `The variables take ${total} characters; at most ${RUN_LIMITS.envTotal}`,
      });
  });

const annotationsSchema = z
  .record(
    z.string(),
    z
      .string({ error: "Annotation values must be text" })
      .max(RUN_LIMITS.annotationValue, `Annotation values must be at most ${RUN_LIMITS.annotationValue} characters`),
    {
      error: "annotations must be an object of key → value",
    },
  )
  .superRefine((annotations, ctx) => {
    const keys = Object.keys(annotations);
    if (keys.length > RUN_LIMITS.annotations)
      ctx.addIssue({ code: "custom", message: `At most ${RUN_LIMITS.annotations} annotations` });
    for (const key of keys) {
      if (
        !key.startsWith(SIM_ANNOTATION_PREFIX) ||
        !/^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/i.test(key.slice(SIM_ANNOTATION_PREFIX.length))
      ) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `Only the simulator's ${SIM_ANNOTATION_PREFIX}<name> annotations may be set on a run`,
        });
      }
    }
  });

/** A run's name as people write it; "" or null = defaulted from the object or the script. */
const runNameSchema = z
  .string({ error: "name must be text" })
  .trim()
  .max(RUN_LIMITS.name, `The name must be at most ${RUN_LIMITS.name} characters`)
  .nullish()
  .transform((value) => value || undefined);

const submitRunShape = {
  project: projectRefSchema,
  activity: activityTypeSchema,
  /** The recipe, notebook or ML task this run is of: its per-object overrides apply. */
  object: objectIdSchema.optional(),
  /** Shown in lists; defaults to the object, else the script's file or first word. */
  name: runNameSchema,
  /** The argv of the main container (Spark: the application file, then its arguments). */
  command: commandSchema.optional(),
  /** Code run by the activity's interpreter (python -c / Rscript -e; Spark: the application). */
  script: scriptSchema.optional(),
  codeEnv: choiceSchema("codeEnv"),
  env: envSchema.optional(),
  executionConfig: choiceSchema("executionConfig"),
  sparkConfig: choiceSchema("sparkConfig"),
  cluster: choiceSchema("cluster"),
  /** Test hook: the simulator's `sim.berth.dev/*` pod annotations (duration, exit-code, log-lines…). */
  annotations: annotationsSchema.optional(),
};

/** `POST /api/v1/runs`: shared by the API, the run form (through submitRunFormSchema) and submitRun. */
export const submitRunSchema = z.strictObject(submitRunShape).superRefine((input, ctx) => {
  const hasCommand = Boolean(input.command?.length);
  const hasScript = Boolean(input.script?.trim());
  if (hasCommand && hasScript)
    ctx.addIssue({ code: "custom", path: ["script"], message: "Give a command or a script, not both" });
  const spark = isSparkActivity(input.activity);
  if (spark && !hasCommand && !hasScript) {
    const message = "A Spark run needs its application: a command [file, arguments…] or a script";
    ctx.addIssue({ code: "custom", path: ["command"], message });
  }
  const file = input.command?.[0];
  if (spark && file !== undefined) {
    const problem = applicationFileProblem(file);
    if (problem) ctx.addIssue({ code: "custom", path: ["command"], message: problem });
  }
  // Say so rather than silently ignore a choice the run would not use.
  if (spark && input.executionConfig)
    ctx.addIssue({
      code: "custom",
      path: ["executionConfig"],
      message: `A ${input.activity} run uses a Spark config, not an execution config`,
    });
  if (!spark && input.sparkConfig)
    ctx.addIssue({
      code: "custom",
      path: ["sparkConfig"],
      message: `A ${input.activity} run uses an execution config, not a Spark config`,
    });
});
export type SubmitRunInput = z.output<typeof submitRunSchema>;

/** "NAME=value" lines (blank lines and # comments skipped) as an env object; a line without "=" is kept whole as a name so the schema reports it. */
export function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const equals = line.indexOf("=");
    if (equals < 0) env[line.trim()] = "";
    else env[line.slice(0, equals).trim()] = line.slice(equals + 1);
  }
  return env;
}

/** One argument per line (blank lines skipped), so arguments may hold spaces without shell quoting. */
export function parseArgumentLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The run form's text fields in the API's shape: empty fields are "not given". */
function formToRequest(raw: unknown): unknown {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const form = raw as Record<string, unknown>;
  const text = (key: string) => (typeof form[key] === "string" ? (form[key] as string) : "");
  const command = parseArgumentLines(text("command"));
  const env = parseEnvLines(text("env"));
  return {
    project: text("project"),
    activity: text("activity"),
    ...(text("object").trim() ? { object: text("object") } : {}),
    name: text("name"),
    ...(command.length ? { command } : {}),
    ...(text("script").trim() ? { script: text("script") } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    codeEnv: text("codeEnv"),
    executionConfig: text("executionConfig"),
    sparkConfig: text("sparkConfig"),
    cluster: text("cluster"),
  };
}

/**
 * The run form's fields (all text, as a FormData gives them): `command` one argument per line,
 * `env` "NAME=value" lines; empty fields mean "not given", other fields are ignored. Parses into
 * the API's input, with the same field names for errors.
 */
export const submitRunFormSchema = z.preprocess(formToRequest, submitRunSchema);

/** `POST /api/v1/runs/{id}/abort` and the abort button. */
export const abortRunSchema = z.strictObject({
  id: z.string({ error: "Run id is required" }).trim().refine(isRunId, "Not a run id"),
});

const intFromQuery = z.coerce
  .number({ error: "limit must be a number" })
  .int("limit must be a whole number")
  .min(1, "limit must be at least 1")
  .max(500, "limit must be at most 500");

/** `GET /api/v1/runs` filters. */
export const listRunsQuerySchema = z.strictObject({
  status: z.enum(RUN_STATUSES, { error: `status must be one of: ${RUN_STATUSES.join(", ")}` }).optional(),
  project: z.string().trim().min(1).max(64).optional(),
  user: z.string().trim().min(1).max(64).optional(),
  activity: activityTypeSchema.optional(),
  cluster: z.string().trim().min(1).max(63).optional(),
  limit: intFromQuery.default(100),
});
export type ListRunsFilters = z.output<typeof listRunsQuerySchema>;

const effectiveChoiceSchema = z.object({
  value: z.string().nullable(),
  /** "run": chosen in the request; else the level the project's resolution took it from. */
  origin: z.enum(["run", "object", "project", "instance"]).nullable(),
  /** The origin in words, e.g. "from project setting". */
  from: z.string(),
});
export type EffectiveChoice = z.output<typeof effectiveChoiceSchema>;

export const runResolutionSchema = z.object({
  executionConfig: effectiveChoiceSchema,
  sparkConfig: effectiveChoiceSchema.optional(),
  cluster: effectiveChoiceSchema,
  /** The code env's image the run uses. */
  image: z.string(),
});
export type RunResolutionView = z.output<typeof runResolutionSchema>;

/** `GET /api/v1/runs/{id}` (and each item of the list). */
export const runViewSchema = z.object({
  id: z.string(),
  status: z.enum(RUN_STATUSES),
  /** Why it is pending, queued, failed or lost, in plain words. */
  reason: z.string().optional(),
  /** Given at submit, or defaulted from the object or the script. */
  name: z.string(),
  project: z.string(),
  activity: z.string(),
  /** The recipe, notebook or ML task the run is of, when it named one. */
  object: z.string().optional(),
  user: z.string(),
  executionConfig: z.string().nullable(),
  sparkConfig: z.string().optional(),
  cluster: z.string(),
  namespace: z.string(),
  workload: z.enum(["pod", "spark-application", "spark-driver", "docker-container"]),
  /** Always present (empty for a run on a Docker host), so clients that list pods keep working. */
  pods: z.array(z.string()),
  /** The Docker host a `docker-container` run runs on (its cluster and namespace are then empty). */
  dockerHost: z.string().optional(),
  /** Engine ids of a `docker-container` run's containers: what `pods` are for a pod run. */
  containers: z.array(z.string()).optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  exitCode: z.number().optional(),
  createdAt: z.string(),
  gpus: z.number(),
  warnings: z.array(z.string()),
  timeline: z.array(z.object({ status: z.enum(RUN_STATUSES), at: z.string(), reason: z.string().optional() })),
  resolution: runResolutionSchema,
  codeEnv: z.string().optional(),
  command: z.array(z.string()).optional(),
  script: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
});
export type RunView = z.output<typeof runViewSchema>;
