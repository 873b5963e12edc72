import type { FieldErrors } from "@/lib/validation";

import { parsePackageLines } from "./packages";
import type { BuildFor, CodeEnvSpec } from "./schema";

/** The code env form's fields, for putting nested errors ("packages.3") on the field that edits them. */
export const CODE_ENV_FORM_FIELDS = [
  "name",
  "description",
  "language",
  "pythonVersion",
  "packages",
  "buildFor.executionConfigs",
  "buildFor.sparkConfigs",
  "dockerfileStart",
  "dockerfileBeforePackages",
  "dockerfileAfterPackages",
  "dockerfileEnd",
  "version",
] as const;

export type BuildForMode = "none" | "all" | "selected";
export const BUILD_FOR_TARGETS = ["executionConfigs", "sparkConfigs"] as const;

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : typeof value === "string" && value ? [value] : [];

function target(mode: unknown, names: unknown): BuildFor["executionConfigs"] {
  if (mode === "all") return "all";
  if (mode === "selected") return list(names);
  return "none";
}

/**
 * The form's flat fields as the API's body: package lines (requirements.txt style, # comments
 * and blank lines dropped) → a list, "build for" radio + checkboxes → "all" | "none" | names,
 * an empty Python version → null.
 */
export function codeEnvFormInput(form: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {
    name: form.name,
    description: form.description ?? "",
    language: form.language,
    pythonVersion: typeof form.pythonVersion === "string" && form.pythonVersion.trim() ? form.pythonVersion : null,
    packages: parsePackageLines(String(form.packages ?? "")),
    buildFor: {
      executionConfigs: target(form["buildFor.executionConfigsMode"], form["buildFor.executionConfigs"]),
      sparkConfigs: target(form["buildFor.sparkConfigsMode"], form["buildFor.sparkConfigs"]),
    },
    dockerfileStart: form.dockerfileStart ?? "",
    dockerfileBeforePackages: form.dockerfileBeforePackages ?? "",
    dockerfileAfterPackages: form.dockerfileAfterPackages ?? "",
    dockerfileEnd: form.dockerfileEnd ?? "",
  };
  if (form.codeEnv !== undefined) input.codeEnv = form.codeEnv;
  if (form.version !== undefined) input.version = form.version;
  return input;
}

/**
 * Errors placed on the form's fields. Package and config-name messages already quote the entry
 * at fault, so they join their field as they are; other nested paths keep their path.
 */
export function codeEnvFormErrors(fieldErrors: FieldErrors | undefined): FieldErrors | undefined {
  if (!fieldErrors) return undefined;
  const folded: FieldErrors = {};
  const add = (field: string, message: string) => {
    const messages = (folded[field] ??= []);
    if (!messages.includes(message)) messages.push(message);
  };
  const fields = [...CODE_ENV_FORM_FIELDS].sort((a, b) => b.length - a.length);
  for (const [path, messages] of Object.entries(fieldErrors)) {
    const owner = fields.find((field) => path === field || path.startsWith(`${field}.`));
    const quotesEntry = owner === "packages" || owner?.startsWith("buildFor.");
    for (const message of messages)
      add(owner ?? "_form", owner === path || quotesEntry ? message : `${path}: ${message}`);
  }
  return folded;
}

/** How a saved "build for" shows in the form: a mode and the checked names. */
export function buildForMode(value: BuildFor["executionConfigs"]): { mode: BuildForMode; names: string[] } {
  return Array.isArray(value) ? { mode: "selected", names: value } : { mode: value, names: [] };
}

/** Packages as the textarea shows them: one per line. */
export const packagesToLines = (spec: Pick<CodeEnvSpec, "packages">) => spec.packages.join("\n");
