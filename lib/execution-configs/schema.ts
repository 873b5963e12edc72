import { z } from "zod";

import { canonicalQuantity, compareQuantities, isQuantity, parseQuantity, quantityInRange } from "@berth/quantity";
import { baseImageNameOf } from "@/lib/images/base-image-ref";
import { imageReferenceProblem } from "@/lib/images/reference";
import {
  dnsLabelSchema,
  ENV_VAR_NAME,
  labelValueProblem,
  namespaceTemplateProblem,
  optionalSubdomainSchema,
  qualifiedNameProblem,
} from "@/lib/kube/names";
import { usableBySchema, type UsableConfigView } from "@/lib/objects/usable-config";
import { descriptionSchema } from "@/lib/validation";

import { affinitySchema, type Affinity } from "./affinity";
import { GPU_RESOURCE, GPU_TYPE_LABEL, NO_GPU } from "./gpu";
import { allowedEnvPatternProblem } from "./reserved-env";

export const PULL_POLICIES = ["IfNotPresent", "Always", "Never"] as const;
export const WORKLOAD_TYPES = ["any", "visual-recipes", "user-code"] as const;
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** Resource names Kubernetes knows without a domain prefix. */
const NATIVE_RESOURCE = /^(cpu|memory|ephemeral-storage|hugepages-.+)$/;

/** True for extended resources (`nvidia.com/gpu`): whole numbers, request must equal limit. */
export const isExtendedResource = (name: string) =>
  name.includes("/") && !name.startsWith("kubernetes.io/") && !name.startsWith("requests.");

function resourceNameProblem(name: string): string | undefined {
  if (!name.includes("/"))
    return NATIVE_RESOURCE.test(name)
      ? undefined
      : "unknown resource: use cpu, memory, ephemeral-storage, hugepages-<size> or a prefixed name such as nvidia.com/gpu";
  return qualifiedNameProblem(name);
}

/** A Kubernetes quantity as text ("500m", "4Gi", "1"); numbers are accepted and turned into text. */
const quantitySchema = z
  .union([z.string(), z.number()], { error: "must be a quantity such as 500m, 2, 4Gi" })
  .transform((value) => String(value).trim())
  .refine(quantityInRange, {
    error: "is out of range (at most 40 characters and an exponent of at most ±30)",
    abort: true,
  })
  .refine((value) => isQuantity(value), "must be a Kubernetes quantity such as 500m, 2, 4Gi");

const resourceListSchema = z
  .record(z.string(), quantitySchema)
  .default({})
  .superRefine((list, ctx) => {
    for (const [name, value] of Object.entries(list)) {
      const problem = resourceNameProblem(name);
      if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
      else if (!isQuantity(value)) continue;
      else if (parseQuantity(value).nano < 0n)
        ctx.addIssue({ code: "custom", path: [name], message: "must not be negative" });
      else if (isExtendedResource(name) && parseQuantity(value).nano % 1_000_000_000n !== 0n)
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "must be a whole number (extended resources cannot be split)",
        });
    }
  });

export const resourcesSchema = z
  .strictObject({ requests: resourceListSchema, limits: resourceListSchema })
  .default({ requests: {}, limits: {} })
  .superRefine(({ requests, limits }, ctx) => {
    for (const [name, request] of Object.entries(requests)) {
      const limit = limits[name];
      if (resourceNameProblem(name) || !isQuantity(request) || (limit !== undefined && !isQuantity(limit))) continue;
      if (isExtendedResource(name)) {
        if (limit === undefined)
          ctx.addIssue({
            code: "custom",
            path: ["limits", name],
            message: "is required for an extended resource (Kubernetes needs a limit equal to the request)",
          });
        else if (compareQuantities(parseQuantity(request), parseQuantity(limit)) !== 0)
          ctx.addIssue({
            code: "custom",
            path: ["limits", name],
            message: "must equal the request (Kubernetes does not overcommit extended resources)",
          });
      } else if (limit !== undefined && compareQuantities(parseQuantity(request), parseQuantity(limit)) > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["requests", name],
          message: `must be at most the limit (${canonicalQuantity(limit)})`,
        });
      }
    }
  })
  .transform(({ requests, limits }) => ({ requests: canonicalList(requests), limits: canonicalList(limits) }));
export type Resources = z.output<typeof resourcesSchema>;

function canonicalList(list: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(list).map(([name, value]) => [name, canonicalQuantity(value)]));
}

const labelMapSchema = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String))
  .default({})
  .superRefine((labels, ctx) => {
    for (const [key, value] of Object.entries(labels)) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) ctx.addIssue({ code: "custom", path: [key], message: `label key ${keyProblem}` });
      const valueProblem = labelValueProblem(value);
      if (valueProblem) ctx.addIssue({ code: "custom", path: [key], message: `label value ${valueProblem}` });
    }
  });

export const tolerationSchema = z
  .strictObject({
    key: z.string().trim().default(""),
    operator: z.enum(["Equal", "Exists"], { error: "operator must be Equal or Exists" }).default("Equal"),
    value: z.string().trim().default(""),
    effect: z
      .enum([...TAINT_EFFECTS, ""], {
        error: "effect must be NoSchedule, PreferNoSchedule, NoExecute or empty (all effects)",
      })
      .default(""),
    tolerationSeconds: z
      .number({ error: "tolerationSeconds must be a number of seconds" })
      .int("tolerationSeconds must be a whole number")
      .min(0, "tolerationSeconds must not be negative")
      .optional(),
  })
  .superRefine((toleration, ctx) => {
    if (toleration.key) {
      const problem = qualifiedNameProblem(toleration.key);
      if (problem) ctx.addIssue({ code: "custom", path: ["key"], message: `key ${problem}` });
    } else if (toleration.operator !== "Exists") {
      ctx.addIssue({
        code: "custom",
        path: ["operator"],
        message: "operator must be Exists when the key is empty (tolerate every taint)",
      });
    }
    if (toleration.operator === "Exists" && toleration.value)
      ctx.addIssue({ code: "custom", path: ["value"], message: "value must be empty with operator Exists" });
    if (toleration.value) {
      const problem = labelValueProblem(toleration.value);
      if (problem) ctx.addIssue({ code: "custom", path: ["value"], message: `value ${problem}` });
    }
    if (toleration.tolerationSeconds !== undefined && toleration.effect !== "NoExecute") {
      ctx.addIssue({
        code: "custom",
        path: ["tolerationSeconds"],
        message: "tolerationSeconds applies only to effect NoExecute",
      });
    }
  });
export type Toleration = z.output<typeof tolerationSchema>;

export const envVarSchema = z.strictObject({
  name: z
    .string({ error: "name is required" })
    .trim()
    .min(1, { error: "name is required", abort: true })
    .regex(ENV_VAR_NAME, "name must consist of letters, digits, '_', '-' or '.', and not start with a digit"),
  value: z.union([z.string(), z.number(), z.boolean()]).transform(String).default(""),
  /** A pinned variable cannot be set by a run (its value is the config's). */
  pinned: z.boolean({ error: "pinned must be true or false" }).optional(),
});
export type EnvVar = z.output<typeof envVarSchema>;

// Empty is checked with the engine (configRules): a docker config has no namespace.
const namespaceSchema = z
  .string({ error: "Namespace is required" })
  .trim()
  .default("")
  .superRefine((value, ctx) => {
    const problem = value === "" ? undefined : namespaceTemplateProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Where a config's runs go: pods on a cluster, or one container on a Docker host. */
export const CONTAINER_ENGINES = ["kubernetes", "docker"] as const;
export type ContainerEngine = (typeof CONTAINER_ENGINES)[number];

/** A container image reference: no spaces, a name with an optional tag and/or digest. */
const imageSchema = z
  .string({ error: "Image is required" })
  .trim()
  .min(1, { error: "Image is required", abort: true })
  .max(512, { error: "Image must be at most 512 characters", abort: true })
  .superRefine((value, ctx) => {
    // A Berth base image is checked against the stored base images when the config is saved.
    const problem = baseImageNameOf(value) === null ? imageReferenceProblem(value) : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: `Image ${problem}` });
  });

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

const optionalQuantitySchema = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .refine(
    (value) => value === "" || (quantityInRange(value) && isQuantity(value) && parseQuantity(value).nano > 0n),
    "must be a positive quantity such as 1Gi",
  )
  .transform((value) => (value === "" ? "" : canonicalQuantity(value)))
  .default("");

/** GPUs per pod, an optional GPU model (a node selector) and the GPU nodes' taint key to tolerate. */
export const gpuSchema = z
  .strictObject({
    count: z
      .number({ error: "count must be a whole number of GPUs" })
      .int("count must be a whole number of GPUs")
      .min(0, "count must not be negative")
      .max(64, "count must be at most 64")
      .default(0),
    type: z
      .string({ error: "type must be text" })
      .trim()
      .default("")
      .superRefine((value, ctx) => {
        const problem = value ? labelValueProblem(value) : undefined;
        if (problem) ctx.addIssue({ code: "custom", message: `type ${problem}` });
      }),
    tolerationKey: z
      .string({ error: "tolerationKey must be text" })
      .trim()
      .default(NO_GPU.tolerationKey)
      .superRefine((value, ctx) => {
        const problem = value ? qualifiedNameProblem(value) : undefined;
        if (problem) ctx.addIssue({ code: "custom", message: `key ${problem}` });
      }),
  })
  .default({ ...NO_GPU });
export type GpuInput = z.output<typeof gpuSchema>;

/** Every field of an execution config: shared by the form, the API and YAML import. */
const executionConfigShape = {
  name: dnsLabelSchema("Name"),
  description: descriptionSchema.default(""),
  image: imageSchema,
  registry: registrySchema,
  imagePullPolicy: z
    .enum(PULL_POLICIES, { error: "imagePullPolicy must be IfNotPresent, Always or Never" })
    .default("IfNotPresent"),
  imagePullSecret: optionalSubdomainSchema("Image pull secret"),
  /** A cluster name; null or "" = the instance's default cluster. */
  cluster: z
    .string()
    .trim()
    .max(63)
    .nullable()
    .transform((value) => value || null)
    .default(null),
  /** kubernetes (default): pods on a cluster; docker: one container on `dockerHost`. */
  engine: z.enum(CONTAINER_ENGINES, { error: "engine must be kubernetes or docker" }).default("kubernetes"),
  /** The Docker host (by name) a docker config runs on; null for kubernetes configs. */
  dockerHost: z
    .string({ error: "dockerHost must be a Docker host's name" })
    .trim()
    .max(63)
    .nullable()
    .transform((value) => value || null)
    .default(null),
  /** The container's working directory on a Docker host (absolute); empty: the image's. */
  workingDir: z
    .string({ error: "workingDir must be a path" })
    .trim()
    .max(1024, "workingDir must be at most 1024 characters")
    .refine((value) => value === "" || value.startsWith("/"), "workingDir must be an absolute path, such as /work")
    .default(""),
  namespace: namespaceSchema,
  createNamespace: z.boolean({ error: "createNamespace must be true or false" }).default(false),
  resources: resourcesSchema,
  gpu: gpuSchema,
  nodeSelector: labelMapSchema,
  tolerations: z.array(tolerationSchema).max(50, "at most 50 tolerations").default([]),
  affinity: affinitySchema.default({}),
  shmSize: optionalQuantitySchema,
  env: z
    .array(envVarSchema)
    .max(200, "at most 200 environment variables")
    .default([])
    .superRefine((env, ctx) => {
      const seen = new Set<string>();
      env.forEach((variable, index) => {
        if (seen.has(variable.name))
          ctx.addIssue({ code: "custom", path: [index, "name"], message: `${variable.name} is set twice` });
        seen.add(variable.name);
      });
    }),
  /** Reserved names (see reserved-env.ts) runs of this config may set, e.g. CUDA_VISIBLE_DEVICES or NVIDIA_*. */
  allowedReservedEnv: z
    .array(z.string({ error: "Each allowed name must be text" }).trim())
    .max(50, "at most 50 allowed names")
    .default([])
    .superRefine((patterns, ctx) => {
      // The message quotes the entry, so it is reported on the whole field the form edits.
      for (const pattern of patterns) {
        const problem = allowedEnvPatternProblem(pattern);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }
    }),
  /** Run as this non-root user id (sets runAsNonRoot): what a Pod Security "restricted" namespace requires. null: the image's user. */
  runAsUser: z
    .number({ error: "runAsUser must be a user id" })
    .int("runAsUser must be a whole number")
    .min(1, "runAsUser must be a non-root user id (1 or more)")
    .max(2_147_483_647, "runAsUser must be at most 2147483647")
    .nullable()
    .default(null),
  serviceAccount: optionalSubdomainSchema("Service account"),
  workloadType: z
    .enum(WORKLOAD_TYPES, { error: "workloadType must be any, visual-recipes or user-code" })
    .default("any"),
  usableBy: usableBySchema,
};

const executionConfigObject = z.strictObject(executionConfigShape);

/** The GPU field against the fields it overlaps: resources (configs written before it) and the node selector. */
function gpuConflicts(config: z.output<typeof executionConfigObject>, ctx: z.RefinementCtx) {
  const { gpu, resources, nodeSelector } = config;
  if (gpu.type && gpu.count === 0)
    ctx.addIssue({ code: "custom", path: ["gpu", "type"], message: "choose how many GPUs before their type" });
  if (
    gpu.count > 0 &&
    (resources.requests[GPU_RESOURCE] !== undefined || resources.limits[GPU_RESOURCE] !== undefined)
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["gpu", "count"],
      message: `GPUs are also asked in resources (${GPU_RESOURCE}): set them in one place`,
    });
  }
  const selected = nodeSelector[GPU_TYPE_LABEL];
  if (gpu.type && selected !== undefined && selected !== gpu.type)
    ctx.addIssue({
      code: "custom",
      path: ["gpu", "type"],
      message: `differs from the node selector ${GPU_TYPE_LABEL}=${selected}`,
    });
}

/** What a container on a Docker host can honour of the Kubernetes fields: each set one is refused, not silently dropped. */
const KUBERNETES_ONLY: [
  keyof z.output<typeof executionConfigObject>,
  (config: z.output<typeof executionConfigObject>) => boolean,
  string,
][] = [
  ["cluster", (config) => config.cluster !== null, "a docker config runs on its Docker host, not on a cluster"],
  ["namespace", (config) => config.namespace !== "", "a container on a Docker host has no namespace"],
  ["createNamespace", (config) => config.createNamespace, "a container on a Docker host has no namespace"],
  [
    "imagePullSecret",
    (config) => Boolean(config.imagePullSecret),
    "image pull secrets are Kubernetes Secrets: a Docker host pulls with its own credentials",
  ],
  ["nodeSelector", (config) => Object.keys(config.nodeSelector).length > 0, "a Docker host has no nodes to select"],
  ["tolerations", (config) => config.tolerations.length > 0, "a Docker host has no taints to tolerate"],
  ["affinity", (config) => Object.keys(config.affinity ?? {}).length > 0, "a Docker host has no nodes to prefer"],
  ["shmSize", (config) => config.shmSize !== "", "not supported for Docker hosts yet"],
  [
    "runAsUser",
    (config) => config.runAsUser !== null,
    "not supported for Docker hosts yet: the container runs as the image's user",
  ],
  [
    "serviceAccount",
    (config) => Boolean(config.serviceAccount),
    "a container on a Docker host has no Kubernetes service account",
  ],
];

/**
 * The engine against the fields that only one engine uses. A kubernetes config needs a namespace
 * and names no Docker host; a docker config needs a Docker host and sets no Kubernetes-only
 * field, and limits only CPU and memory (NanoCpus and Memory) besides GPUs (its `gpu` count).
 */
function engineRules(config: z.output<typeof executionConfigObject>, ctx: z.RefinementCtx) {
  if (config.engine === "kubernetes") {
    // The field checks a template that is given; a pod needs one.
    if (config.namespace === "")
      ctx.addIssue({ code: "custom", path: ["namespace"], message: "Namespace is required" });
    if (config.dockerHost)
      ctx.addIssue({
        code: "custom",
        path: ["dockerHost"],
        message: "only a docker config runs on a Docker host: choose engine docker, or leave it empty",
      });
    if (config.workingDir)
      ctx.addIssue({
        code: "custom",
        path: ["workingDir"],
        message: "the working directory applies to docker configs; a pod runs in its image's",
      });
    return;
  }
  if (!config.dockerHost)
    ctx.addIssue({ code: "custom", path: ["dockerHost"], message: "choose the Docker host a docker config runs on" });
  for (const [field, isSet, why] of KUBERNETES_ONLY) {
    if (isSet(config)) ctx.addIssue({ code: "custom", path: [field], message: `not for engine docker: ${why}` });
  }
  for (const side of ["requests", "limits"] as const) {
    for (const name of Object.keys(config.resources[side])) {
      if (name !== "cpu" && name !== "memory") {
        ctx.addIssue({
          code: "custom",
          path: ["resources", side, name],
          message: `not for engine docker: a Docker host limits only cpu and memory${name === GPU_RESOURCE ? " (ask GPUs with the GPU count)" : ""}`,
        });
      }
    }
  }
  if (config.gpu.type)
    ctx.addIssue({
      code: "custom",
      path: ["gpu", "type"],
      message: "not for engine docker: a Docker host gives any of its GPUs (no model to select)",
    });
}

export const createExecutionConfigSchema = executionConfigObject.superRefine((config, ctx) => {
  gpuConflicts(config, ctx);
  engineRules(config, ctx);
});
export type ExecutionConfigInput = z.output<typeof createExecutionConfigSchema>;

/** A config named by id or name, as in REST paths. */
export const executionConfigRefSchema = z.union([z.number().int().positive(), z.string().trim().min(1).max(63)]);

/**
 * A change: any fields of the config, merged over the saved body and validated as a whole by
 * createExecutionConfigSchema (request ≤ limit needs both sides). `version` guards against
 * overwriting someone else's save.
 */
export const updateExecutionConfigSchema = z.looseObject({
  config: executionConfigRefSchema,
  version: z.coerce.number({ error: "Version must be a number" }).int().positive().optional(),
});

/** The PATCH body as documented: every field optional. */
export const patchExecutionConfigBodySchema = executionConfigObject
  .partial()
  .extend({ version: z.number().int().positive().optional() });

export const deleteExecutionConfigSchema = z.strictObject({ config: executionConfigRefSchema });
export const restoreExecutionConfigSchema = z.strictObject({
  config: executionConfigRefSchema,
  auditEventId: z.coerce.number({ error: "auditEventId must be a number" }).int().positive(),
});
export const importExecutionConfigSchema = z.strictObject({
  yaml: z
    .string({ error: "yaml is required" })
    .min(1, "Paste or upload a YAML document")
    .max(200_000, "The document is too large"),
});

/** What is stored in the `spec` column: every field but name, description, cluster, usableBy, engine and dockerHost (columns). */
export type ExecutionConfigSpec = Omit<
  ExecutionConfigInput,
  "name" | "description" | "cluster" | "usableBy" | "engine" | "dockerHost"
> & { affinity: Affinity };

export type ExecutionConfigView = ExecutionConfigSpec &
  UsableConfigView & { engine: ContainerEngine; dockerHost: string | null };

export const executionConfigViewSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  cluster: z.string().nullable(),
  engine: z
    .enum(CONTAINER_ENGINES)
    .describe("kubernetes: runs are pods on a cluster; docker: each run is one container on `dockerHost`"),
  dockerHost: z.string().nullable().describe("The Docker host a docker config runs on (null for kubernetes configs)"),
  image: z.string(),
  namespace: z.string(),
  usableBy: z.union([z.literal("all"), z.object({ groups: z.array(z.string()) })]),
  gpu: z
    .object({ count: z.number(), type: z.string(), tolerationKey: z.string() })
    .describe(
      "GPUs per pod, the GPU model (node selector nvidia.com/gpu.product) and the GPU nodes' taint key tolerated; a config asking nvidia.com/gpu in resources instead has count 0 here and gets the same toleration",
    ),
  version: z.number(),
  mayUse: z.boolean(),
});

/** A preview's sample run; the user is always the caller. */
export const executionPreviewRunSchema = z.strictObject({
  project: z.string().trim().min(1).max(100).default("sample"),
  group: z.string().trim().min(1).max(63).optional(),
  activity: z.string().trim().min(1).max(63).default("python-recipe"),
  runId: z.string().trim().min(1).max(63).default("preview"),
  command: z.array(z.string()).max(100).optional(),
  env: z.record(z.string(), z.string()).optional(),
  image: z.string().trim().min(1).max(512).optional(),
});
