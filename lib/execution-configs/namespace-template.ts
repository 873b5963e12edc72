import { DNS1123_LABEL } from "./kube-names";

/** The variables a namespace template may use. */
export const NAMESPACE_VARIABLES = ["user", "project", "group"] as const;
export type NamespaceVariable = (typeof NAMESPACE_VARIABLES)[number];

const VARIABLE = /\$\{([^}]*)\}/g;

/** The variables a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(VARIABLE)].map((match) => match[1]))];
}

/**
 * Why a namespace template cannot yield valid namespace names, or undefined. Each variable is
 * replaced by a one-character DNS label: a template valid under that substitution stays valid
 * for any value, because values are turned into DNS labels before substitution.
 */
export function namespaceTemplateProblem(template: string): string | undefined {
  if (template.trim() === "") return "Namespace is required";
  const unknown = templateVariables(template).filter((name) => !(NAMESPACE_VARIABLES as readonly string[]).includes(name));
  if (unknown.length) return `Unknown variable ${unknown.map((name) => `\${${name}}`).join(", ")}: use \${user}, \${project} or \${group}`;
  const stray = template.replace(VARIABLE, "");
  if (/[${}]/.test(stray)) return "Write variables as ${user}, ${project} or ${group}";
  const sample = template.replace(VARIABLE, "a");
  if (sample.length > 63) return "Namespace must be at most 63 characters (not counting variables)";
  if (!DNS1123_LABEL.test(sample)) return "Namespace must use lowercase letters, digits and '-', starting and ending with a letter or digit (variables may stand anywhere)";
  return undefined;
}

/** A value made usable inside a namespace name: lowercase, other characters turned into '-'. */
export function namespaceSafe(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * The namespace a template names for a run. Throws with a plain message when a variable has no
 * value or the result is not a valid namespace name.
 */
export function resolveNamespace(template: string, values: Partial<Record<NamespaceVariable, string>>): string {
  const resolved = template.replace(VARIABLE, (_, name: string) => {
    const value = values[name as NamespaceVariable];
    if (!value || !namespaceSafe(value)) throw new Error(`The namespace template uses \${${name}} but the run has no ${name}`);
    return namespaceSafe(value);
  });
  const trimmed = resolved.slice(0, 63).replace(/-+$/, "");
  if (!DNS1123_LABEL.test(trimmed)) throw new Error(`"${resolved}" is not a valid namespace name`);
  return trimmed;
}
