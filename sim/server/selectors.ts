/**
 * Label and field selectors with the syntax and error texts of apimachinery's
 * pkg/labels and pkg/fields parsers.
 */
import type { KubeObject, ResourceType } from "../contract";
import { badRequest } from "./errors";

type LabelOperator = "=" | "!=" | "in" | "notin" | "exists" | "!";
interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type LabelSelector = LabelRequirement[];

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Splits on commas that are not inside a parenthesised value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

function requireValid(key: string, values: string[], term: string): void {
  if (!KEY.test(key) || key.length > 316)
    throw badRequest(
      `unable to parse requirement: invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  for (const value of values) {
    if (!VALUE.test(value) || value.length > 63)
      throw badRequest(
        `unable to parse requirement: values[0][${key}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (term "${term}")`,
      );
  }
}

export function parseLabelSelector(selector: string | null): LabelSelector {
  if (!selector) return [];
  return splitTerms(selector).map((term): LabelRequirement => {
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (set) {
      const values = set[3]
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
      requireValid(set[1], values, term);
      return { key: set[1], operator: set[2] as "in" | "notin", values };
    }
    const cmp = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (cmp) {
      requireValid(cmp[1], [cmp[3]], term);
      return { key: cmp[1], operator: cmp[2] === "!=" ? "!=" : "=", values: [cmp[3]] };
    }
    const not = /^!\s*(\S+)$/.exec(term);
    if (not) {
      requireValid(not[1], [], term);
      return { key: not[1], operator: "!", values: [] };
    }
    if (/^\S+$/.test(term) && !/[=!()]/.test(term)) {
      requireValid(term, [], term);
      return { key: term, operator: "exists", values: [] };
    }
    throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
  });
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  for (const { key, operator, values } of selector) {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key);
    const value = has ? labels![key] : undefined;
    switch (operator) {
      case "=":
        if (value !== values[0]) return false;
        break;
      case "!=":
        if (has && value === values[0]) return false;
        break;
      case "in":
        if (!has || !values.includes(value!)) return false;
        break;
      case "notin":
        if (has && values.includes(value!)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "!":
        if (has) return false;
        break;
    }
  }
  return true;
}

interface FieldRequirement {
  field: string;
  negate: boolean;
  value: string;
}
export type FieldSelector = FieldRequirement[];

/** Fields each kind can be selected by, beyond metadata.name and metadata.namespace. */
const SELECTABLE_FIELDS: Record<string, string[]> = {
  pods: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],
  events: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  nodes: ["spec.unschedulable"],
  namespaces: ["status.phase"],
  secrets: ["type"],
  "jobs.batch": ["status.successful"],
  "customresourcedefinitions.apiextensions.k8s.io": [],
};

/** Splits on an unescaped separator and unescapes `\,` `\=` `\\`. */
function splitEscaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (ch === separator) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}
const unescape = (s: string) => s.replace(/\\(.)/g, "$1");

export function parseFieldSelector(selector: string | null, type: ResourceType): FieldSelector {
  if (!selector) return [];
  const extra = SELECTABLE_FIELDS[type.key];
  return splitEscaped(selector, ",")
    .filter((t) => t.trim() !== "")
    .map((term): FieldRequirement => {
      const match = /^(.*?)(!=|==|=)(.*)$/s.exec(
        term.replace(/\\[=,\\]/g, (m) => (m === "\\=" ? "\u0001" : m === "\\," ? "\u0002" : "\u0003")),
      );
      if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
      const restore = (s: string) =>
        s
          .replace(/\u0001/g, "=")
          .replace(/\u0002/g, ",")
          .replace(/\u0003/g, "\\");
      const field = unescape(restore(match[1]).trim());
      const value = unescape(restore(match[3]).trim());
      if (field !== "metadata.name" && field !== "metadata.namespace" && !extra?.includes(field)) {
        if (extra) throw badRequest(`field label not supported: ${field}`);
        throw badRequest(`"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
      }
      return { field, negate: match[2] === "!=", value };
    });
}

function fieldValue(object: KubeObject, field: string): string {
  if (field === "source" && object.kind === "Event")
    return String((object.source as { component?: string } | undefined)?.component ?? "");
  let current: unknown = object;
  for (const part of field.split(".")) {
    if (typeof current !== "object" || current === null) return "";
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return "";
  return String(current);
}

export function matchesFields(selector: FieldSelector, object: KubeObject): boolean {
  for (const { field, negate, value } of selector) {
    if ((fieldValue(object, field) === value) === negate) return false;
  }
  return true;
}

/** Both selectors of a request, checked together. */
export interface ObjectFilter {
  labels: LabelSelector;
  fields: FieldSelector;
}

export function matches(filter: ObjectFilter, object: KubeObject): boolean {
  return matchesLabels(filter.labels, object.metadata.labels) && matchesFields(filter.fields, object);
}
