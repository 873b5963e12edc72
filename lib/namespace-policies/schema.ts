import { z } from "zod";

import { compareQuantities, isQuantity, parseQuantity } from "@berth/quantity";
import { POD_SECURITY_LEVELS } from "@/db/schema";
import { versionSchema } from "@/lib/objects/versioned";
import { descriptionSchema } from "@/lib/validation";

import { patternProblem } from "./pattern";

/** A policy named by id or name, as in REST paths. */
export const policyRefSchema = z.union([z.number().int().positive(), z.string().trim().min(1).max(63)]);

/** A config or policy name: a DNS-1123 label, so it can appear in Kubernetes labels. */
export const policyNameSchema = z
  .string({ error: "Name is required" })
  .trim()
  .min(1, { error: "Name is required", abort: true })
  .max(63, { error: "Name must be at most 63 characters", abort: true })
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "Use lowercase letters, digits and '-', starting and ending with a letter or digit",
  );

/**
 * A namespace pattern: a glob (`berth-*`, `team-?`) or, with the prefix `re:`, a regular
 * expression; either must match the whole namespace name (see ./pattern).
 */
export const patternSchema = z
  .string({ error: "Pattern is required" })
  .trim()
  .min(1, { error: "Pattern is required", abort: true })
  .max(253, { error: "Pattern must be at most 253 characters", abort: true })
  .superRefine((pattern, ctx) => {
    const problem = patternProblem(pattern);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .describe(
    "Matched against whole namespace names: a glob (berth-*, team-?), or with the prefix re: a regular expression (re:^ml-(a|b)$)",
  );

// Quota resource names: "pods", "requests.cpu", "requests.nvidia.com/gpu", "count/jobs.batch".
const resourceNameSchema = z
  .string()
  .max(253, "Resource name must be at most 253 characters")
  .regex(
    /^[a-z0-9]([-a-z0-9./]*[a-z0-9])?$/,
    "Not a resource name (e.g. pods, requests.cpu, requests.nvidia.com/gpu, count/jobs.batch)",
  );

const quantitySchema = z
  .union([z.string(), z.number()], { error: "A quantity is required, e.g. 4, 500m, 16Gi" })
  .transform((value) => String(value).trim())
  .refine((value) => isQuantity(value), "Not a Kubernetes quantity (e.g. 4, 500m, 16Gi)")
  .refine((value) => !isQuantity(value) || parseQuantity(value).nano >= 0n, "Must not be negative");

/** resource name → quantity, as in ResourceQuota `hard` or LimitRange `max`. */
export const quantityMapSchema = z.record(z.string(), quantitySchema).superRefine((map, ctx) => {
  for (const key of Object.keys(map)) {
    const parsed = resourceNameSchema.safeParse(key);
    if (!parsed.success) ctx.addIssue({ code: "custom", path: [key], message: parsed.error.issues[0].message });
  }
});
export type QuantityMap = Record<string, string>;

export const resourceQuotaTemplateSchema = z.strictObject({
  hard: quantityMapSchema.refine(
    (hard) => Object.keys(hard).length > 0,
    "List at least one resource, e.g. requests.nvidia.com/gpu: 8",
  ),
});

export type LimitSection = "default" | "defaultRequest" | "min" | "max";

export const limitRangeItemSchema = z
  .strictObject({
    type: z.enum(["Container", "Pod"], { error: "Type must be Container or Pod" }),
    default: quantityMapSchema.optional(),
    defaultRequest: quantityMapSchema.optional(),
    min: quantityMapSchema.optional(),
    max: quantityMapSchema.optional(),
  })
  .superRefine((item, ctx) => {
    if (item.type === "Pod") {
      for (const section of ["default", "defaultRequest"] as const) {
        if (item[section] && Object.keys(item[section]).length)
          ctx.addIssue({ code: "custom", path: [section], message: "Pod limits have no defaults; use type Container" });
      }
    }
    // The apiserver refuses min > default/defaultRequest/max and default > max; say so before it does.
    const order: [LimitSection, LimitSection][] = [
      ["min", "max"],
      ["min", "default"],
      ["min", "defaultRequest"],
      ["defaultRequest", "default"],
      ["default", "max"],
      ["defaultRequest", "max"],
    ];
    for (const [low, high] of order) {
      for (const [resource, lowValue] of Object.entries(item[low] ?? {})) {
        const highValue = item[high]?.[resource];
        if (highValue === undefined || !isQuantity(lowValue) || !isQuantity(highValue)) continue;
        if (compareQuantities(parseQuantity(lowValue), parseQuantity(highValue)) > 0) {
          ctx.addIssue({
            code: "custom",
            path: [low, resource],
            message: `${low} ${resource} (${lowValue}) must not exceed ${high} (${highValue})`,
          });
        }
      }
    }
  });
export type LimitRangeItem = z.output<typeof limitRangeItemSchema>;

export const limitRangeTemplateSchema = z.strictObject({
  limits: z
    .array(limitRangeItemSchema)
    .min(1, "Add at least one limit")
    .max(2)
    .refine(
      (limits) => new Set(limits.map((item) => item.type)).size === limits.length,
      "One entry per type (Container, Pod)",
    ),
});

export { POD_SECURITY_LEVELS };
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/**
 * The Pod Security Admission level a policy enforces: "baseline" (Berth's default) refuses
 * privileged, hostPath, hostNetwork/PID/IPC and added capabilities beyond the default set;
 * "restricted" also requires non-root, no privilege escalation and a seccomp profile.
 */
export const podSecuritySchema = z.enum(POD_SECURITY_LEVELS, {
  error: "Pod security must be privileged, baseline or restricted",
});

/** What a policy puts into each matching namespace. */
export const policySpecSchema = z.strictObject({
  resourceQuota: resourceQuotaTemplateSchema.nullable().default(null),
  limitRange: limitRangeTemplateSchema.nullable().default(null),
});
export type PolicySpec = z.output<typeof policySpecSchema>;

const policyFields = {
  description: descriptionSchema.default(""),
  pattern: patternSchema,
  priority: z.coerce
    .number({ error: "Priority must be a number" })
    .int("Priority must be a whole number")
    .min(0, "Priority must be 0 or more")
    .max(100_000, "Priority must be at most 100000")
    .default(100),
  podSecurity: podSecuritySchema.default("baseline"),
  ...policySpecSchema.shape,
};

export const createPolicySchema = z
  .strictObject({ name: policyNameSchema, ...policyFields })
  .refine((policy) => policy.resourceQuota || policy.limitRange, {
    message: "A policy needs a ResourceQuota or a LimitRange template",
    path: ["resourceQuota"],
  });
export type CreatePolicyInput = z.output<typeof createPolicySchema>;

export const updatePolicySchema = z.strictObject({
  policy: policyRefSchema,
  version: versionSchema.optional(),
  description: policyFields.description.optional(),
  pattern: patternSchema.optional(),
  priority: policyFields.priority.optional(),
  podSecurity: podSecuritySchema.optional(),
  resourceQuota: resourceQuotaTemplateSchema.nullable().optional(),
  limitRange: limitRangeTemplateSchema.nullable().optional(),
});

export const deletePolicySchema = z.strictObject({ policy: policyRefSchema });

export const restorePolicySchema = z.strictObject({
  policy: policyRefSchema,
  auditEventId: z.coerce.number({ error: "auditEventId must be a number" }).int().positive(),
});

export const importPolicySchema = z.strictObject({
  yaml: z
    .string()
    .min(1, "Paste a YAML document")
    .max(200_000, "The document is too large: at most 200,000 characters"),
});

/** A namespace name (DNS-1123 label). */
export const namespaceNameSchema = z
  .string()
  .trim()
  .min(1, "Namespace is required")
  .max(63, "Namespace must be at most 63 characters")
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    "Use lowercase letters, digits and '-', starting and ending with a letter or digit",
  );

export const applyPolicySchema = z.strictObject({
  policy: policyRefSchema,
  cluster: z.union([z.number().int().positive(), z.string().trim().min(1, "Choose a cluster").max(63)], {
    error: "Choose a cluster",
  }),
  /** Only these namespaces; default: every namespace of the cluster the pattern matches. */
  namespaces: z.array(namespaceNameSchema).max(500).optional(),
  /** Create listed namespaces that do not exist yet. */
  create: z.boolean().default(false),
  dryRun: z.boolean().default(false),
});
export type ApplyPolicyInput = z.output<typeof applyPolicySchema>;

export const policyViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  pattern: z.string(),
  priority: z.number(),
  podSecurity: podSecuritySchema,
  resourceQuota: resourceQuotaTemplateSchema.nullable(),
  limitRange: limitRangeTemplateSchema.nullable(),
  version: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PolicyView = {
  id: number;
  name: string;
  description: string;
  pattern: string;
  priority: number;
  podSecurity: PodSecurityLevel;
  version: number;
  createdAt: string;
  updatedAt: string;
} & PolicySpec;

/** One difference between a policy's template and what a namespace holds. */
export const driftItemSchema = z.object({
  object: z.enum(["ResourceQuota", "LimitRange", "Namespace"]),
  kind: z.enum(["missing-object", "extra-object", "missing", "different", "extra"]),
  /** e.g. "requests.nvidia.com/gpu", "Container.max.cpu" or a Namespace label; absent for whole objects. */
  key: z.string().optional(),
  expected: z.string().optional(),
  actual: z.string().optional(),
});
export type DriftItem = z.infer<typeof driftItemSchema>;

export const namespaceResultSchema = z.object({
  namespace: z.string(),
  status: z.enum(["applied", "unchanged", "would-change", "failed", "skipped"]),
  created: z.boolean().optional(),
  changes: z.array(driftItemSchema),
  error: z.string().optional(),
});
export type NamespaceResult = z.infer<typeof namespaceResultSchema>;

export const namespaceDriftSchema = z.object({
  namespace: z.string(),
  inSync: z.boolean(),
  drift: z.array(driftItemSchema),
  error: z.string().optional(),
});
export type NamespaceDrift = z.infer<typeof namespaceDriftSchema>;

export const applyOutcomeSchema = z.object({
  policy: z.string(),
  cluster: z.string(),
  dryRun: z.boolean(),
  /** The namespaces the apply changed or created (a dry run: would change or create), sorted. */
  touched: z
    .array(z.string())
    .describe("The namespaces the apply changed or created (a dry run: would change or create), sorted"),
  results: z.array(namespaceResultSchema),
});
export type ApplyOutcome = z.infer<typeof applyOutcomeSchema>;

export const driftReportSchema = z.object({
  policy: z.string(),
  cluster: z.string(),
  namespaces: z.array(namespaceDriftSchema),
});
export type DriftReport = z.infer<typeof driftReportSchema>;
