import YAML from "yaml";
import type { z } from "zod";

import { fieldErrorsFrom, type FieldErrors } from "@/lib/validation";

export const BERTH_API_VERSION = "berth.dev/v1";

/** An object as a YAML document in the Kubernetes style: apiVersion, kind, metadata, spec. */
export function toYamlDocument(kind: string, metadata: { name: string; description?: string }, spec: unknown): string {
  return YAML.stringify({ apiVersion: BERTH_API_VERSION, kind, metadata, spec }, { aliasDuplicateObjects: false });
}

/**
 * Parses an imported YAML document of the given kind into the flat input of that kind's create
 * schema (`{ name, description, ...spec }`) and validates it with that schema.
 */
export function fromYamlDocument<S extends z.ZodType>(
  text: string,
  kind: string,
  schema: S,
): { ok: true; value: z.output<S> } | { ok: false; error: string; fieldErrors: FieldErrors } {
  let document: unknown;
  try {
    document = YAML.parse(text);
  } catch (error) {
    const message = `Not valid YAML: ${(error as Error).message.split("\n")[0]}`;
    return { ok: false, error: message, fieldErrors: { yaml: [message] } };
  }
  const doc = document as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; description?: unknown };
    spec?: unknown;
  } | null;
  if (!doc || typeof doc !== "object" || doc.kind !== kind || doc.apiVersion !== BERTH_API_VERSION) {
    const message = `Expected a document with apiVersion: ${BERTH_API_VERSION} and kind: ${kind}`;
    return { ok: false, error: message, fieldErrors: { yaml: [message] } };
  }
  const spec = doc.spec && typeof doc.spec === "object" ? doc.spec : {};
  const parsed = schema.safeParse({ ...spec, name: doc.metadata?.name, description: doc.metadata?.description ?? "" });
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: "Some fields are not valid", fieldErrors: fieldErrorsFrom(parsed.error) };
}
