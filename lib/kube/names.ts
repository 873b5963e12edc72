import { z } from "zod";

/** Kubernetes name and label syntax, as the API server validates it (apimachinery validation). */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
export const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Why a qualified name ("prefix/name" as in label keys and resource names) is invalid, or undefined. */
export function qualifiedNameProblem(value: string): string | undefined {
  const parts = value.split("/");
  if (parts.length > 2) return "must be a name with at most one '/' (prefix/name)";
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return "the prefix before '/' must be a DNS subdomain (lowercase letters, digits, '-' and '.')";
  }
  if (!name) return "the name must not be empty";
  if (name.length > 63) return "the name must be at most 63 characters";
  if (!QUALIFIED_NAME_PART.test(name))
    return "the name must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit";
  return undefined;
}

/** Why a label value is invalid, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return "must be at most 63 characters";
  if (!LABEL_VALUE.test(value))
    return "must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  return undefined;
}

/** A DNS-1123 label: the names of configs, namespaces and most Kubernetes objects. */
export const dnsLabelSchema = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} is required`, abort: true })
    .max(63, { error: `${what} must be at most 63 characters`, abort: true })
    .regex(
      DNS1123_LABEL,
      `${what} must use lowercase letters, digits and '-', starting and ending with a letter or digit`,
    );

/** Optional DNS-1123 subdomain ("" = none): secret and service account names. */
export const optionalSubdomainSchema = (what: string) =>
  z
    .string()
    .trim()
    .max(253, `${what} must be at most 253 characters`)
    .refine(
      (value) => value === "" || DNS1123_SUBDOMAIN.test(value),
      `${what} must use lowercase letters, digits, '-' and '.'`,
    )
    .default("");

/** A value made usable inside a namespace name: lowercase, other characters turned into '-'. */
export function namespaceSafe(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

// ── Namespace templates ("berth-${project}"): the namespace each run of a config lands in ──

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
  const unknown = templateVariables(template).filter(
    (name) => !(NAMESPACE_VARIABLES as readonly string[]).includes(name),
  );
  if (unknown.length)
    return `Unknown variable ${unknown.map((name) => `\${${name}}`).join(", ")}: use \${user}, \${project} or \${group}`;
  const stray = template.replace(VARIABLE, "");
  if (/[${}]/.test(stray)) return "Write variables as ${user}, ${project} or ${group}";
  const sample = template.replace(VARIABLE, "a");
  if (sample.length > 63) return "Namespace must be at most 63 characters (not counting variables)";
  if (!DNS1123_LABEL.test(sample))
    return "Namespace must use lowercase letters, digits and '-', starting and ending with a letter or digit (variables may stand anywhere)";
  return undefined;
}

// Project keys are unique ignoring case (lib/projects), so lowercasing one keeps it apart from others.
const CASE_INSENSITIVE: ReadonlySet<string> = new Set<NamespaceVariable>(["project"]);

/** The suffix a disambiguated namespace ends with: "--" and eight base-36 digits of a hash of the raw values. */
const HASH_SUFFIX = /--[a-z0-9]{8}$/;
const HASH_LENGTH = 10;

/** FNV-1a (64-bit) of the text as eight base-36 digits: short, stable, and the same in the browser and on the server. */
function shortHash(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(36).padStart(8, "0").slice(-8);
}

/** Why two different runs could otherwise get this name, or undefined when the plain substitution is unambiguous. */
function ambiguity(
  template: string,
  values: Partial<Record<NamespaceVariable, string>>,
  plain: string,
): string | undefined {
  const used = templateVariables(template) as NamespaceVariable[];
  for (const name of used) {
    const value = values[name]!;
    const expected = CASE_INSENSITIVE.has(name) ? value.toLowerCase() : value;
    if (namespaceSafe(value) !== expected) return `${name} "${value}" is not a namespace-safe value`;
  }
  if (plain.length > 63) return "the name is longer than 63 characters";
  if (used.length > 1) {
    // Values without '-' are told apart only when every text between two variables holds a '-'.
    const between = template
      .split(VARIABLE)
      .filter((_, index) => index % 2 === 0)
      .slice(1, -1);
    if (between.some((text) => !text.includes("-"))) return "two variables are not separated by '-'";
    const withDash = used.find((name) => namespaceSafe(values[name]!).includes("-"));
    if (withDash) return `${withDash} "${values[withDash]}" contains '-', the separator between variables`;
  }
  // A plain name must never look like a disambiguated one.
  if (HASH_SUFFIX.test(plain)) return "the name ends like a disambiguated one";
  return undefined;
}

/** A resolved namespace, and why it carries a hash suffix (undefined: the values were used as they are). */
export interface ResolvedNamespace {
  namespace: string;
  disambiguated?: string;
}

/**
 * The namespace a template names for a run, injective over the run's values: simple values
 * (already lowercase DNS characters, unambiguous between variables, within 63 characters) are
 * substituted as they are; otherwise the name gets "--" and a hash of the raw values, so
 * `alice.smith`, `alice_smith` and `alice-smith` never share a namespace. Throws with a plain
 * message when a variable has no value or the result is not a valid namespace name.
 */
export function resolveNamespaceDetail(
  template: string,
  values: Partial<Record<NamespaceVariable, string>>,
): ResolvedNamespace {
  const plain = template.replace(VARIABLE, (_, name: string) => {
    const value = values[name as NamespaceVariable];
    if (!value || !namespaceSafe(value))
      throw new Error(`The namespace template uses \${${name}} but the run has no ${name}`);
    return namespaceSafe(value);
  });
  const reason = ambiguity(template, values, plain);
  if (!reason) {
    if (!DNS1123_LABEL.test(plain)) throw new Error(`"${plain}" is not a valid namespace name`);
    return { namespace: plain };
  }
  const raw = JSON.stringify(templateVariables(template).map((name) => values[name as NamespaceVariable]));
  const namespace = `${plain.slice(0, 63 - HASH_LENGTH).replace(/-+$/, "")}--${shortHash(raw)}`;
  if (!DNS1123_LABEL.test(namespace)) throw new Error(`"${plain}" is not a valid namespace name`);
  return { namespace, disambiguated: reason };
}

/** The namespace a template names for a run (see resolveNamespaceDetail). */
export function resolveNamespace(template: string, values: Partial<Record<NamespaceVariable, string>>): string {
  return resolveNamespaceDetail(template, values).namespace;
}
