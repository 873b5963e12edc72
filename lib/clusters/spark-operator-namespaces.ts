/**
 * The namespaces a cluster's spark-operator acts in (its Helm value `spark.jobNamespaces`, the
 * controller's `--namespaces`; the chart's default is just "default"). Outside them a
 * SparkApplication is never picked up and its webhook mutates no pod. Berth cannot read the
 * operator's Deployment without reading every Deployment of the cluster (whose env may hold
 * secrets), so an admin records the list per cluster; null means all namespaces, or not known.
 */
import { z } from "zod";

/** Whether a namespace template (variables `${…}`) could yield `name`: each variable stands for one or more name characters. */
function templateCouldYield(template: string, name: string): boolean {
  const pattern = template
    .split(/\$\{[^}]*\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[a-z0-9-]+");
  return new RegExp(`^${pattern}$`).test(name);
}

const NAMESPACE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** The per-cluster setting: names (an array, or text separated by commas, spaces or lines); empty: all namespaces (null). */
export const sparkJobNamespacesSchema = z
  .preprocess(
    (value) => {
      if (value === null || value === undefined) return null;
      const list = typeof value === "string" ? value.split(/[\s,]+/) : value;
      if (!Array.isArray(list)) return value;
      const names = list.map((name) => (typeof name === "string" ? name.trim() : name)).filter((name) => name !== "");
      return names.length ? [...new Set(names)] : null;
    },
    z
      .array(z.string({ error: "Give namespace names" }), {
        error: "Give namespace names, or nothing for all namespaces",
      })
      .max(500, "At most 500 namespaces")
      // One message on the field (not one per list position), naming every name that is not one.
      .superRefine((names, ctx) => {
        const wrong = names.filter((name) => !NAMESPACE_NAME.test(name));
        if (wrong.length)
          ctx.addIssue({
            code: "custom",
            message: `Not namespace names: ${wrong.join(", ")}. Use namespace names: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63`,
          });
      })
      .nullable(),
  )
  .describe(
    "The namespaces the cluster's spark-operator acts in (its Helm value spark.jobNamespaces); null or empty: all namespaces, or not known",
  );

/**
 * Why Spark jobs in `namespace` (a name, or a template such as `spark-${project}`) would not be
 * handled by the operator, or null when they would (or nothing is known).
 */
export function operatorNamespaceProblem(
  namespace: string,
  jobNamespaces: readonly string[] | null | undefined,
): string | null {
  if (!jobNamespaces?.length) return null;
  const listed = jobNamespaces.join(", ");
  if (namespace.includes("${")) {
    if (jobNamespaces.some((name) => templateCouldYield(namespace, name))) {
      return `Namespaces made from ${namespace} are handled by the cluster's Spark operator only when listed in its job namespaces (${listed}); Spark runs in any other end with "the Spark operator is not handling namespace …"`;
    }
    return `No namespace made from ${namespace} is among the cluster's Spark operator job namespaces (${listed}): Spark runs with this config are refused`;
  }
  if (jobNamespaces.includes(namespace)) return null;
  return `The namespace ${namespace} is not among the cluster's Spark operator job namespaces (${listed}): Spark runs with this config are refused`;
}

/** Why a Spark run in `namespace` is refused at submit on cluster `cluster`, or null when the operator handles it (or nothing is known). */
export function unhandledNamespaceRefusal(
  cluster: { name: string; sparkJobNamespaces: readonly string[] | null },
  namespace: string,
): string | null {
  const listed = cluster.sparkJobNamespaces;
  if (!listed?.length || listed.includes(namespace)) return null;
  return `The Spark operator of cluster ${cluster.name} does not handle namespace ${namespace} (it acts only in ${listed.join(", ")}): use a Spark config whose namespace it handles, or ask a cluster admin to add ${namespace} to its job namespaces`;
}
