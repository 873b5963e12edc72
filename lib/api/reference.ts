/**
 * The API reference page's reading of the OpenAPI document: operations grouped by tag, refusals
 * and shared schemas resolved, and JSON Schemas described in words. Pure: it takes the document
 * as /api/v1/openapi.json serves it, so the page shows exactly what clients are generated from.
 */

export type JsonSchema = Record<string, unknown>;

export interface ReferenceParameter {
  name: string;
  in: string;
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

export interface ReferenceResponse {
  status: string;
  description: string;
  media: { type: string; schema: JsonSchema }[];
}

export interface ReferenceOperation {
  operationId: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  /** Public operations ask for no token or session. */
  public: boolean;
  parameters: ReferenceParameter[];
  requestBody?: { schema: JsonSchema; examples: { name: string; summary?: string; value: unknown }[] };
  responses: ReferenceResponse[];
}

export interface ReferenceTag {
  name: string;
  description: string;
  operations: ReferenceOperation[];
}

interface DocumentShape {
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, unknown>>;
  components?: { responses?: Record<string, unknown>; schemas?: Record<string, unknown> };
}

const METHOD_ORDER = ["get", "post", "put", "patch", "delete"];

function resolve<T extends Record<string, unknown>>(value: T, document: DocumentShape): T {
  const ref = value.$ref;
  if (typeof ref !== "string") return value;
  const [, , section, name] = ref.split("/");
  const target = (document.components as Record<string, Record<string, unknown>> | undefined)?.[section]?.[name];
  return (target ?? value) as T;
}

function responsesOf(operation: Record<string, unknown>, document: DocumentShape): ReferenceResponse[] {
  const responses = (operation.responses ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(responses).map(([status, raw]) => {
    const response = resolve(raw, document);
    const content = (response.content ?? {}) as Record<string, { schema?: JsonSchema }>;
    return {
      status,
      description: String(response.description ?? ""),
      media: Object.entries(content).map(([type, media]) => ({ type, schema: resolve(media.schema ?? {}, document) })),
    };
  });
}

/** The document's operations by tag, in the document's tag order; within a tag, by path then method. */
export function referenceOf(document: DocumentShape): ReferenceTag[] {
  const byTag = new Map<string, ReferenceOperation[]>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(methods)) {
      const operation = value as Record<string, unknown>;
      const body = operation.requestBody as
        | {
            content?: Record<
              string,
              { schema?: JsonSchema; examples?: Record<string, { summary?: string; value: unknown }> }
            >;
          }
        | undefined;
      const json = body?.content?.["application/json"];
      const entry: ReferenceOperation = {
        operationId: String(operation.operationId ?? `${method} ${path}`),
        method,
        path,
        summary: String(operation.summary ?? ""),
        ...(typeof operation.description === "string" ? { description: operation.description } : {}),
        public: Array.isArray(operation.security) && operation.security.length === 0,
        parameters: ((operation.parameters ?? []) as ReferenceParameter[]).map((parameter) => ({
          ...parameter,
          required: Boolean(parameter.required),
        })),
        ...(json
          ? {
              requestBody: {
                schema: json.schema ?? {},
                examples: Object.entries(json.examples ?? {}).map(([name, example]) => ({
                  name,
                  summary: example.summary,
                  value: example.value,
                })),
              },
            }
          : {}),
        responses: responsesOf(operation, document),
      };
      for (const tag of (operation.tags as string[] | undefined) ?? ["other"])
        byTag.set(tag, [...(byTag.get(tag) ?? []), entry]);
    }
  }
  const declared = document.tags ?? [];
  const names = [
    ...declared.map((tag) => tag.name),
    ...[...byTag.keys()].filter((name) => !declared.some((tag) => tag.name === name)),
  ];
  return names
    .filter((name) => byTag.has(name))
    .map((name) => ({
      name,
      description: declared.find((tag) => tag.name === name)?.description ?? "",
      operations: byTag
        .get(name)!
        .sort(
          (a, b) => a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method),
        ),
    }));
}

const isNullSchema = (schema: JsonSchema) => schema.type === "null";

/** The schema's alternatives, with `null` left out (it is shown as "or null"). */
function alternatives(schema: JsonSchema): JsonSchema[] | undefined {
  const list = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  return list?.filter((each) => !isNullSchema(each));
}

/** Whether a value of this schema may be null. */
export function isNullable(schema: JsonSchema): boolean {
  const list = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  return (Array.isArray(schema.type) && schema.type.includes("null")) || Boolean(list?.some(isNullSchema));
}

/** A schema's type in a few words: `string`, `"a" | "b"`, `integer[]`, `map of string`, `object`. */
export function typeLabel(schema: JsonSchema): string {
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  const options = alternatives(schema);
  if (options?.length) return [...new Set(options.map(typeLabel))].join(" | ");
  const types = (Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []).filter(
    (type) => type !== "null",
  ) as string[];
  if (types.length > 1) return types.join(" | ");
  const [type] = types;
  if (type === "array") return `${schema.items ? typeLabel(schema.items as JsonSchema) : "any"}[]`;
  if (type === "object" || (!type && schema.properties)) {
    if (!schema.properties && schema.additionalProperties && typeof schema.additionalProperties === "object") {
      return `map of ${typeLabel(schema.additionalProperties as JsonSchema)}`;
    }
    return "object";
  }
  return type ?? "any";
}

/** The limits a schema puts on its value, in words: "1–63 characters", "pattern …", "default …". */
export function constraintsOf(schema: JsonSchema): string[] {
  const out: string[] = [];
  const range = (min: unknown, max: unknown, unit: string) => {
    if (typeof min === "number" && typeof max === "number") out.push(`${min}–${max}${unit}`);
    else if (typeof min === "number" && min > 0) out.push(`at least ${min}${unit}`);
    else if (typeof max === "number") out.push(`at most ${max}${unit}`);
  };
  range(schema.minLength, schema.maxLength, " characters");
  range(schema.minItems, schema.maxItems, " items");
  const maximum =
    typeof schema.maximum === "number" && schema.maximum < Number.MAX_SAFE_INTEGER ? schema.maximum : undefined;
  if (typeof schema.exclusiveMinimum === "number") out.push(`more than ${schema.exclusiveMinimum}`);
  range(schema.minimum, maximum, "");
  if (typeof schema.pattern === "string") out.push(`pattern ${schema.pattern}`);
  if (typeof schema.format === "string") out.push(`format ${schema.format}`);
  if ("default" in schema) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

/** The object schema whose fields a reader would expand: the value itself, an array's items, or the one non-null alternative. */
export function fieldsOf(
  schema: JsonSchema,
): { properties: Record<string, JsonSchema>; required: string[] } | undefined {
  if (schema.properties && typeof schema.properties === "object") {
    return {
      properties: schema.properties as Record<string, JsonSchema>,
      required: (schema.required as string[] | undefined) ?? [],
    };
  }
  if (schema.items && typeof schema.items === "object") return fieldsOf(schema.items as JsonSchema);
  const options = alternatives(schema);
  if (options?.length === 1) return fieldsOf(options[0]);
  return undefined;
}

/** The anchor of an operation on the reference page. */
export const operationAnchor = (operation: Pick<ReferenceOperation, "operationId">) => `op-${operation.operationId}`;
