import YAML from "yaml";
import { z } from "zod";

/**
 * The shape of a Kubernetes V1Affinity, strict so a misspelt key ("nodeAfinity") is reported
 * instead of silently ignored by the API server.
 */
const labelSelectorRequirement = z.strictObject({
  key: z.string().min(1, "key is required"),
  operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"], {
    error: "operator must be In, NotIn, Exists or DoesNotExist",
  }),
  values: z.array(z.string()).optional(),
});
const labelSelector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(labelSelectorRequirement).optional(),
});
const nodeSelectorRequirement = z
  .strictObject({
    key: z.string().min(1, "key is required"),
    operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"], {
      error: "operator must be In, NotIn, Exists, DoesNotExist, Gt or Lt",
    }),
    values: z.array(z.string()).optional(),
  })
  .superRefine((requirement, ctx) => {
    const count = requirement.values?.length ?? 0;
    if ((requirement.operator === "In" || requirement.operator === "NotIn") && count === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["values"],
        message: `values must be non-empty with operator ${requirement.operator}`,
      });
    }
    if ((requirement.operator === "Exists" || requirement.operator === "DoesNotExist") && count > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["values"],
        message: `values must be empty with operator ${requirement.operator}`,
      });
    }
    if (
      (requirement.operator === "Gt" || requirement.operator === "Lt") &&
      (count !== 1 || !/^-?\d+$/.test(requirement.values![0]))
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["values"],
        message: `operator ${requirement.operator} needs exactly one integer value`,
      });
    }
  });
const nodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(nodeSelectorRequirement).optional(),
  matchFields: z.array(nodeSelectorRequirement).optional(),
});
const weight = z
  .number({ error: "weight must be a number" })
  .int()
  .min(1, "weight must be 1 to 100")
  .max(100, "weight must be 1 to 100");
const podAffinityTerm = z.strictObject({
  labelSelector: labelSelector.optional(),
  namespaceSelector: labelSelector.optional(),
  namespaces: z.array(z.string()).optional(),
  topologyKey: z.string({ error: "topologyKey is required" }).min(1, "topologyKey is required"),
  matchLabelKeys: z.array(z.string()).optional(),
  mismatchLabelKeys: z.array(z.string()).optional(),
});
const podAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
  preferredDuringSchedulingIgnoredDuringExecution: z.array(z.strictObject({ weight, podAffinityTerm })).optional(),
});

export const affinityObjectSchema = z.strictObject(
  {
    nodeAffinity: z
      .strictObject({
        requiredDuringSchedulingIgnoredDuringExecution: z
          .strictObject({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1, "nodeSelectorTerms must not be empty") })
          .optional(),
        preferredDuringSchedulingIgnoredDuringExecution: z
          .array(z.strictObject({ weight, preference: nodeSelectorTerm }))
          .optional(),
      })
      .optional(),
    podAffinity: podAffinity.optional(),
    podAntiAffinity: podAffinity.optional(),
  },
  {
    error: (issue) =>
      issue.code === "invalid_type"
        ? "Affinity must be a mapping of nodeAffinity, podAffinity and/or podAntiAffinity"
        : undefined,
  },
);
export type Affinity = z.output<typeof affinityObjectSchema>;

/**
 * Affinity as an object or as YAML text (what the form sends). Empty text or `{}` means none.
 * A YAML syntax error is reported on the field itself.
 */
export const affinitySchema = z.preprocess((value, ctx) => {
  if (typeof value !== "string") return value ?? {};
  if (value.trim() === "") return {};
  try {
    return YAML.parse(value) ?? {};
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `Not valid YAML: ${(error as Error).message.split("\n")[0]}` });
    return z.NEVER;
  }
}, affinityObjectSchema);
