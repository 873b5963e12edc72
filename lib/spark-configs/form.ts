import type { FieldErrors } from "@/lib/validation";

import { parseConfLines } from "./conf";

/** The Spark config form's field names, for folding nested errors ("conf.spark.x") onto them. */
export const SPARK_FORM_FIELDS = [
  "name",
  "description",
  "image",
  "registry",
  "cluster",
  "conf",
  "managed.enabled",
  "managed.namespace",
  "managed.createNamespace",
  "managed.serviceAccountPerJob",
  "executorPodTemplate",
  "usableBy",
  "version",
] as const;

const checked = (value: unknown) => value === "on" || value === "true";

/**
 * The form's flat fields as the API's body: `key=value` conf lines → an object, checkboxes →
 * booleans, "usable by" radio + groups → "all" | {groups}, no cluster → null. Lines that cannot
 * be read are reported on the conf field.
 */
export function sparkConfigFormInput(form: Record<string, unknown>): {
  input: Record<string, unknown>;
  fieldErrors?: FieldErrors;
} {
  const { conf, problems } = parseConfLines(String(form.conf ?? ""));
  const input: Record<string, unknown> = {
    name: form.name,
    description: form.description ?? "",
    image: form.image,
    registry: form.registry ?? "",
    cluster: form.cluster || null,
    conf,
    managed: {
      enabled: checked(form["managed.enabled"]),
      namespace: form["managed.namespace"] ?? "",
      createNamespace: checked(form["managed.createNamespace"]),
      serviceAccountPerJob: checked(form["managed.serviceAccountPerJob"]),
    },
    executorPodTemplate: form.executorPodTemplate ?? "",
    usableBy:
      form.usableByMode === "groups"
        ? { groups: Array.isArray(form.usableByGroups) ? form.usableByGroups : [] }
        : "all",
  };
  if (form.config !== undefined) input.config = form.config;
  if (form.version !== undefined) input.version = form.version;
  return problems.length ? { input, fieldErrors: { conf: problems } } : { input };
}
