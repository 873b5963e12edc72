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
  if (!QUALIFIED_NAME_PART.test(name)) return "the name must consist of letters, digits, '-', '_' or '.', and start and end with a letter or digit";
  return undefined;
}

/** Why a label value is invalid, or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return "must be at most 63 characters";
  if (!LABEL_VALUE.test(value)) return "must be empty or consist of letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
  return undefined;
}

/** A DNS-1123 label: the names of configs, namespaces and most Kubernetes objects. */
export const dnsLabelSchema = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, { error: `${what} is required`, abort: true })
    .max(63, { error: `${what} must be at most 63 characters`, abort: true })
    .regex(DNS1123_LABEL, `${what} must use lowercase letters, digits and '-', starting and ending with a letter or digit`);

/** Optional DNS-1123 subdomain ("" = none): secret and service account names. */
export const optionalSubdomainSchema = (what: string) =>
  z
    .string()
    .trim()
    .max(253, `${what} must be at most 253 characters`)
    .refine((value) => value === "" || DNS1123_SUBDOMAIN.test(value), `${what} must use lowercase letters, digits, '-' and '.'`)
    .default("");

/** A value made usable inside a namespace name: lowercase, other characters turned into '-'. */
export function namespaceSafe(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
