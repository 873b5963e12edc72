import YAML from "yaml";

import type { FieldErrors } from "@/lib/validation";

/** The policy form's field names, for folding nested errors ("resourceQuota.hard.pods") onto them. */
export const POLICY_FORM_FIELDS = [
  "name",
  "description",
  "pattern",
  "priority",
  "podSecurity",
  "resourceQuota",
  "limitRange",
  "version",
] as const;

/** `resource=quantity` lines as a map, with the lines that are not. */
export function parseQuantityLines(text: string): { map: Record<string, string>; problems: string[] } {
  const map: Record<string, string> = {};
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const separator = line.search(/[=:]/);
    if (separator < 0)
      return void problems.push(`Line ${index + 1}: write resource=quantity, e.g. requests.nvidia.com/gpu=8`);
    const key = line.slice(0, separator).trim();
    if (key in map) problems.push(`Line ${index + 1}: ${key} is set twice`);
    map[key] = line.slice(separator + 1).trim();
  });
  return { map, problems };
}

export const quantityLines = (map: Record<string, string>) =>
  Object.entries(map)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n");

/**
 * The form's text fields as the API body: quota lines → `{hard}`, LimitRange YAML (a list of
 * limits) → `{limits}`, empty → null. Text that cannot be read is reported by field.
 */
export function policyFormInput(form: Record<string, unknown>): {
  input: Record<string, unknown>;
  fieldErrors?: FieldErrors;
} {
  const fieldErrors: FieldErrors = {};
  const quotaText = String(form.resourceQuota ?? "");
  const quota = parseQuantityLines(quotaText);
  if (quota.problems.length) fieldErrors.resourceQuota = quota.problems;
  let limitRange: unknown = null;
  const limitsText = String(form.limitRange ?? "").trim();
  if (limitsText) {
    try {
      const parsed: unknown = YAML.parse(limitsText);
      limitRange = Array.isArray(parsed) ? { limits: parsed } : parsed;
    } catch (error) {
      fieldErrors.limitRange = [`Not valid YAML: ${(error as Error).message.split("\n")[0]}`];
    }
  }
  const input: Record<string, unknown> = {
    description: form.description ?? "",
    pattern: form.pattern,
    priority: form.priority === "" || form.priority === undefined ? 100 : form.priority,
    ...(form.podSecurity ? { podSecurity: form.podSecurity } : {}),
    resourceQuota: Object.keys(quota.map).length ? { hard: quota.map } : null,
    limitRange,
  };
  if (form.name !== undefined) input.name = form.name;
  if (form.policy !== undefined) input.policy = form.policy;
  if (form.version !== undefined) input.version = form.version;
  return Object.keys(fieldErrors).length ? { input, fieldErrors } : { input };
}
