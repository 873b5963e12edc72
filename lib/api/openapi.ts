import { z } from "zod";
import { PERMISSIONS } from "@/lib/permissions";
import { API_OPERATIONS, type ApiOperation } from "./operations";

const errorSchema = z.object({
  error: z.string(),
  fieldErrors: z.record(z.string(), z.array(z.string())).optional(),
  // A save made from a stale version: the object as saved now, with its last change, to show the person.
  current: z.record(z.string(), z.unknown()).optional(),
});

/**
 * A YAML answer as the document it parses to (clients and schemathesis parse application/yaml):
 * Berth's importable Kubernetes-style document.
 */
const YAML_DOCUMENT_SCHEMA = {
  type: "object",
  required: ["apiVersion", "kind", "metadata"],
  properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec: { type: "object" } },
};

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { target: "openapi-3.0", io, unrepresentable: "any" }) as Record<string, unknown>;

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/** The refusals every operation may answer with, shared through `components.responses`. */
const ERROR_RESPONSES = {
  BadRequest: errorResponse("Invalid input (body, query or path): every problem, by field"),
  Unauthorized: errorResponse("No valid token or session"),
  Forbidden: errorResponse("Missing permission, or a cross-site request with the session cookie"),
  NotFound: errorResponse("No such object, or one the caller may not see"),
  Conflict: errorResponse("Conflict with the saved state: a stale version, a duplicate, or an object still in use"),
  PayloadTooLarge: errorResponse("The request body is larger than Berth accepts"),
  UnsupportedMediaType: errorResponse("A session-cookie request whose body is not JSON"),
  Unprocessable: errorResponse("Well-formed input that names something missing or not allowed, by field"),
};
type ErrorResponseName = keyof typeof ERROR_RESPONSES;

/** Which refusals an operation documents: what its inputs and its method make possible. */
function errorResponsesOf(op: ApiOperation): Record<string, { $ref: string }> {
  if (op.auth === false) return {};
  const write = op.method !== "get";
  const codes: [string, ErrorResponseName, boolean][] = [
    ["400", "BadRequest", true],
    ["401", "Unauthorized", true],
    ["403", "Forbidden", true],
    // Path names, and query parameters naming a cluster or project, may name nothing.
    ["404", "NotFound", true],
    ["409", "Conflict", write],
    ["413", "PayloadTooLarge", write],
    ["415", "UnsupportedMediaType", write],
    ["422", "Unprocessable", true],
  ];
  return Object.fromEntries(codes.filter(([, , applies]) => applies).map(([code, name]) => [code, { $ref: `#/components/responses/${name}` }]));
}

/** The success response: a JSON body from the operation's schema, its text form, or no documented body. */
function successResponse(op: ApiOperation) {
  const content: Record<string, unknown> = {};
  if (op.response) content["application/json"] = { schema: jsonSchema(op.response, "output") };
  if (op.text) content[op.text] = { schema: op.text === "application/yaml" ? YAML_DOCUMENT_SCHEMA : { type: "string" } };
  return { description: "Success", ...(Object.keys(content).length ? { content } : {}) };
}

/** The OpenAPI 3 document, generated from the same zod schemas the route handlers parse with. */
export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) {
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: "path",
      required: true,
      schema: { type: "string" },
      description: "Id or name",
    }));
    const queryParams = op.query
      ? Object.entries(op.query.shape).map(([name, schema]) => ({
          name,
          in: "query",
          required: !(schema as z.ZodType).safeParse(undefined).success,
          schema: jsonSchema(schema as z.ZodType, "input"),
        }))
      : [];
    const success = String(op.status ?? 200);
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.auth === false ? { security: [] } : {}),
      ...(op.permission ? { description: `Needs the permission \`${op.permission}\`: ${PERMISSIONS[op.permission]}.` } : {}),
      parameters: [...pathParams, ...queryParams],
      ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(op.body, "input") } } } } : {}),
      responses: {
        [success]: successResponse(op),
        ...(op.alsoStatus ? { [String(op.alsoStatus)]: successResponse(op) } : {}),
        ...errorResponsesOf(op),
      },
    };
  }
  return {
    openapi: "3.0.3",
    info: { title: "Berth API", version: "1", description: "Containerized execution admin console. Authenticate with `Authorization: Bearer <API token>`." },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
      schemas: { Error: jsonSchema(errorSchema, "output") },
      responses: ERROR_RESPONSES,
    },
  };
}
