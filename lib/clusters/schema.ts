import { z } from "zod";

import { SETTINGS_DECIDE_POLICY, vetKubeconfigText } from "@/lib/kube/kubeconfig-policy";
import { versionSchema } from "@/lib/objects/versioned";
import { CLUSTER_LEVELS } from "@/lib/permissions";
import {
  descriptionSchema,
  dnsLabelNameSchema,
  grantListSchema,
  objectRefSchema,
  refuseRepeatedGroups,
} from "@/lib/validation";

import { chooseContext, summarizeKubeconfig } from "./kubeconfig";
import { sparkJobNamespacesSchema } from "./spark-operator-namespaces";

/** A cluster named by id or name, as in REST paths. */
export const clusterRefSchema = objectRefSchema;

/** A cluster name: DNS-1123 label (lowercase letters, digits, "-"), so it can appear in URLs and labels. */
export const clusterNameSchema = dnsLabelNameSchema;

const kubeconfigTextSchema = z
  .string({ error: "Paste or upload a kubeconfig" })
  .min(1, { error: "Paste or upload a kubeconfig", abort: true })
  .max(512 * 1024, { error: "A kubeconfig must be at most 512 KiB", abort: true });

/** Empty form fields mean "not given". */
const optionalText = (schema: z.ZodString) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const contextSchema = z.string().trim().max(253, "Context must be at most 253 characters");

/** An http(s) URL or nothing (empty clears it). */
export const prometheusUrlSchema = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? null : value),
  z
    .url({ protocol: /^https?$/, error: "Enter an http:// or https:// URL" })
    .max(2000)
    .nullable(),
);

/** A Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*; names starting "__" are Prometheus's own). */
const prometheusLabelNameSchema = z
  .string()
  .trim()
  .min(1, { error: "Required", abort: true })
  .max(100, { error: "A label name must be at most 100 characters", abort: true })
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "Use a Prometheus label name: letters, digits and _, not starting with a digit")
  .refine((name) => !name.startsWith("__"), "Names starting with __ are reserved by Prometheus");

/**
 * Which labels of dcgm-exporter's series name the pod holding a GPU. "auto" (or empty fields)
 * reads `exported_pod`/`exported_namespace` (a ServiceMonitor's layout) and else `pod`/`namespace`.
 */
export const gpuMetricLabelsSchema = z
  .preprocess(
    (value) => {
      // null stands for "auto" inside: a union with "auto" would hide the fields' own errors.
      if (value === null || value === "" || value === "auto") return null;
      if (value && typeof value === "object" && !Array.isArray(value)) {
        const fields = value as Record<string, unknown>;
        const blank = (key: string) =>
          fields[key] === undefined ||
          fields[key] === null ||
          (typeof fields[key] === "string" && (fields[key] as string).trim() === "");
        if (blank("pod") && blank("namespace") && blank("container")) return null;
        // A missing name is reported on its field ("Required"), not as a mismatch of the whole setting.
        const rest = Object.fromEntries(Object.entries(fields).filter(([key]) => key !== "container"));
        return {
          ...rest,
          pod: fields.pod ?? "",
          namespace: fields.namespace ?? "",
          ...(blank("container") ? {} : { container: fields.container }),
        };
      }
      return value;
    },
    z
      .strictObject(
        {
          pod: prometheusLabelNameSchema,
          namespace: prometheusLabelNameSchema,
          container: prometheusLabelNameSchema.optional(),
        },
        { error: 'Use "auto" or { pod, namespace, container } label names' },
      )
      .nullable(),
  )
  .transform((value) => value ?? ("auto" as const))
  .describe(
    'The labels of dcgm-exporter series naming the pod that holds a GPU: "auto" (or null, or all fields empty) reads exported_pod/exported_namespace when present, else pod/namespace; or { pod, namespace, container } Prometheus label names',
  );
export type GpuMetricLabelsInput = z.output<typeof gpuMetricLabelsSchema>;

/**
 * Field errors for a kubeconfig and the chosen context: unparsable YAML, a field outside the
 * allow-list (each named), unknown context, no server. What the instance settings decide (exec
 * plugins, skipping TLS verification) is checked again on the server, which knows them.
 */
function checkKubeconfig(value: { kubeconfig?: string; context?: string }, ctx: z.RefinementCtx) {
  if (value.kubeconfig === undefined) return;
  const summary = summarizeKubeconfig(value.kubeconfig);
  const vetted = summary.ok ? vetKubeconfigText(value.kubeconfig, SETTINGS_DECIDE_POLICY) : null;
  if (vetted && !vetted.ok) {
    for (const problem of vetted.problems)
      ctx.addIssue({ code: "custom", path: ["kubeconfig"], message: problem.message });
    return;
  }
  const choice = chooseContext(summary, value.context);
  if ("error" in choice) ctx.addIssue({ code: "custom", path: [choice.field], message: choice.error });
}

const createClusterFields = z.strictObject({
  name: clusterNameSchema,
  description: descriptionSchema.default(""),
  kubeconfig: kubeconfigTextSchema,
  context: optionalText(contextSchema),
  prometheusUrl: prometheusUrlSchema.optional(),
  gpuMetricLabels: gpuMetricLabelsSchema.optional(),
  sparkJobNamespaces: sparkJobNamespacesSchema.optional(),
});
export const createClusterSchema = createClusterFields.superRefine(checkKubeconfig);
export type CreateClusterInput = z.output<typeof createClusterSchema>;

/** Fields left out keep their value; `kubeconfig` replaces the stored one. */
const updateClusterFields = z.strictObject({
  cluster: clusterRefSchema,
  /** The revision the editor read (ClusterView.revision); a stale one gets a 409 conflict. */
  version: z.preprocess((value) => (value === "" ? undefined : value), versionSchema.optional()),
  name: clusterNameSchema.optional(),
  description: descriptionSchema.optional(),
  kubeconfig: optionalText(kubeconfigTextSchema),
  context: optionalText(contextSchema),
  prometheusUrl: prometheusUrlSchema.optional(),
  gpuMetricLabels: gpuMetricLabelsSchema.optional(),
  sparkJobNamespaces: sparkJobNamespacesSchema.optional(),
});
export const updateClusterSchema = updateClusterFields.superRefine(checkKubeconfig);
export type UpdateClusterInput = z.output<typeof updateClusterSchema>;

export const deleteClusterSchema = z.strictObject({ cluster: clusterRefSchema });

/** Saves an older version again: name, description, context and Prometheus URL (the kubeconfig stays). */
export const restoreClusterSchema = z.strictObject({
  cluster: clusterRefSchema,
  auditEventId: z.coerce.number({ error: "auditEventId must be a number" }).int().positive(),
});

export const clusterLevelSchema = z.enum(CLUSTER_LEVELS, { error: "Choose use, operate or manage" });

const setClusterGrantsFields = z.strictObject({
  cluster: clusterRefSchema,
  grants: grantListSchema(clusterLevelSchema),
  /** Every signed-in user may run work on it ("use"), whatever their groups; absent: unchanged. */
  everyone: z.boolean({ error: "everyone must be true or false" }).optional(),
});
export const setClusterGrantsSchema = setClusterGrantsFields.superRefine(refuseRepeatedGroups);

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Splits a selector on the commas that are not inside `in (…)` value lists. */
function selectorRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of selector) {
    if (char === "(") depth++;
    if (char === ")") depth--;
    if (char === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else current += char;
  }
  parts.push(current.trim());
  return parts;
}

/** Whether one requirement of a Kubernetes label selector is well formed (key, !key, =, ==, !=, in, notin). */
function validRequirement(requirement: string): boolean {
  const set = /^(\S+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(requirement);
  if (set) return LABEL_KEY.test(set[1]) && set[3].split(",").every((value) => LABEL_VALUE.test(value.trim()));
  const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(requirement);
  if (equality) return LABEL_KEY.test(equality[1]) && LABEL_VALUE.test(equality[3]);
  return LABEL_KEY.test(requirement.replace(/^!\s*/, ""));
}

/** A Kubernetes label selector such as `app=spark,tier in (a,b),!canary`; empty means everything. */
export const labelSelectorSchema = z
  .string()
  .trim()
  .max(1000, "A label selector must be at most 1000 characters")
  .refine(
    (selector) => selector === "" || selectorRequirements(selector).every(validRequirement),
    "Use Kubernetes label selector syntax, e.g. app=spark,tier!=web",
  );

/** Form checkboxes send "on"; the API sends booleans. */
const flag = z.preprocess(
  (value) => (value === "on" || value === "true" ? true : value === "false" || value === "" ? false : value),
  z.boolean({ error: "Must be true or false" }),
);

export const cleanupSchema = z.strictObject({
  cluster: clusterRefSchema,
  target: z.enum(["pods", "jobs"], { error: 'Choose "pods" or "jobs"' }),
  includeFailed: flag.default(false),
  labelSelector: labelSelectorSchema.default(""),
  namespace: optionalText(z.string().trim().max(63)),
  dryRun: flag,
});
export type CleanupInput = z.output<typeof cleanupSchema>;

const dnsName = z
  .string()
  .trim()
  .min(1, "Required")
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "Not a valid Kubernetes name");

export const deletePodSchema = z.strictObject({ cluster: clusterRefSchema, namespace: dnsName, pod: dnsName });

/** A cluster as pages and the API show it: never the kubeconfig or its token. */
export const clusterViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  context: z.string(),
  server: z.string(),
  embedded: z.boolean(),
  inCluster: z
    .boolean()
    .describe(
      "True for the cluster Berth runs in, registered at start and reached as the pod's own ServiceAccount (token re-read as it rotates); false for pasted kubeconfigs and the embedded simulator",
    ),
  /** Every signed-in user may run work on it ("use"), whatever their groups. */
  usableByAll: z.boolean(),
  prometheusUrl: z.string().nullable(),
  /** The labels naming a GPU's pod in dcgm-exporter's series: "auto" or the names set for this cluster. */
  gpuMetricLabels: z.union([
    z.literal("auto"),
    z.object({ pod: z.string(), namespace: z.string(), container: z.string().optional() }),
  ]),
  /** The namespaces its spark-operator acts in; null: all, or not known. */
  sparkJobNamespaces: z.array(z.string()).nullable(),
  /** The saved configuration's revision (the row version), sent back on edit to detect conflicts. */
  revision: z.number(),
  reachable: z.boolean().nullable(),
  /** The Kubernetes version string (e.g. v1.31.0), as in the API contract. Same as kubernetesVersion. */
  version: z.string().nullable(),
  kubernetesVersion: z.string().nullable(),
  lastCheckedAt: z.string().nullable(),
  unreachableSince: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ClusterView = z.infer<typeof clusterViewSchema>;

export const clusterNodeSchema = z.object({
  name: z.string(),
  ready: z.boolean(),
  allocatable: z.object({
    cpu: z.string().nullable(),
    memory: z.string().nullable(),
    "nvidia.com/gpu": z.string().nullable(),
  }),
  labels: z.record(z.string(), z.string()),
  taints: z.array(z.object({ key: z.string(), value: z.string().optional(), effect: z.string() })),
});
export type ClusterNode = z.infer<typeof clusterNodeSchema>;

/** Which of the permissions Berth needs its account on the cluster lacks (null: the cluster or its access reviews did not answer). */
export const clusterPermissionsSchema = z.object({
  ok: z.boolean(),
  missing: z.array(
    z.object({
      verb: z.string(),
      resource: z.string(),
      /** The API group, "" for the core group. */
      group: z.string(),
      /** Absent: needed across the cluster (Berth works in every namespace it creates). */
      namespace: z.string().optional(),
      /** The Berth feature that needs it. */
      feature: z.string(),
      /** "Berth's account may not …". */
      message: z.string(),
    }),
  ),
});

export const clusterDetailSchema = clusterViewSchema.extend({
  nodes: z.array(clusterNodeSchema),
  namespaces: z.array(z.string()),
  permissions: clusterPermissionsSchema.nullable(),
  grants: z.array(z.object({ group: z.string(), level: clusterLevelSchema })),
});
export type ClusterDetail = z.infer<typeof clusterDetailSchema>;

export const cleanupResultSchema = z.union([
  z.object({ dryRun: z.literal(true), wouldDelete: z.array(z.string()) }),
  z.object({
    dryRun: z.literal(false),
    deleted: z.array(z.string()),
    failed: z.array(z.object({ name: z.string(), error: z.string() })),
  }),
]);
export type CleanupResult = z.infer<typeof cleanupResultSchema>;

/** REST bodies without the refinements (zod cannot omit from refined objects), for the OpenAPI document. */
export const createClusterBodySchema = createClusterFields;
export const updateClusterBodySchema = updateClusterFields.omit({ cluster: true });
export const setClusterGrantsBodySchema = setClusterGrantsFields.omit({ cluster: true });
export const cleanupBodySchema = cleanupSchema.omit({ cluster: true });
export const restoreClusterBodySchema = restoreClusterSchema.omit({ cluster: true });
