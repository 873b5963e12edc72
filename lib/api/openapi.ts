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
  properties: {
    apiVersion: { type: "string" },
    kind: { type: "string" },
    metadata: { type: "object" },
    spec: { type: "object" },
  },
};

/**
 * A zod schema as an OpenAPI 3.1 Schema Object, which is JSON Schema 2020-12: zod's own dialect, so
 * nullable fields come out as `type: [..., "null"]` / `anyOf` and nothing needs translating. The
 * `$schema` key is left out: the document's `jsonSchemaDialect` already names it.
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  delete generated.$schema;
  return generated;
}

/** The tags operations are grouped by, in the order the reference page shows them. */
export const API_TAGS = [
  {
    name: "runs",
    description:
      "Submit runs of a project's activities, follow their logs, abort them; the run queue and run settings.",
  },
  {
    name: "projects",
    description:
      "Projects, their member groups, per-object overrides and the effective configuration an activity runs with.",
  },
  {
    name: "execution-configs",
    description:
      "Execution configs: the container image, resources, placement and Kubernetes settings a run's pod gets.",
  },
  {
    name: "spark-configs",
    description: "Spark configs: how Spark runs are submitted (spark-operator or spark-submit) and sized.",
  },
  {
    name: "code-envs",
    description: "Code environments: package sets built into images on top of the configs' base images.",
  },
  { name: "images", description: "Base images, image builds and the build settings." },
  {
    name: "clusters",
    description: "Kubernetes clusters Berth reaches through a kubeconfig: status, grants to groups, pods, clean-up.",
  },
  {
    name: "docker-hosts",
    description:
      "Docker hosts: container engines Berth reaches through a Docker API endpoint (unix socket, or tcp with a TLS client certificate): live status and grants to groups.",
  },
  {
    name: "namespace-policies",
    description: "Namespace policies: ResourceQuota and LimitRange templates applied to matching namespaces.",
  },
  {
    name: "dashboard",
    description: "Live cluster overview, GPU utilization from Prometheus and GPU-hours per project or group.",
  },
  { name: "settings", description: "Instance-wide defaults." },
  { name: "users", description: "Users and the caller's own identity." },
  { name: "groups", description: "Groups: what their members may do, and on which projects and clusters." },
  { name: "tokens", description: "The caller's API tokens for `Authorization: Bearer`." },
  { name: "audit", description: "The audit log of every change and refused change." },
  { name: "system", description: "Liveness, readiness and this document; no authentication." },
] as const;

/** The session cookie next-auth sets (prefixed `__Secure-` when Berth is served over https). */
const SESSION_COOKIE = "next-auth.session-token";

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
  return Object.fromEntries(
    codes.filter(([, , applies]) => applies).map(([code, name]) => [code, { $ref: `#/components/responses/${name}` }]),
  );
}

/** The success response: a JSON body from the operation's schema and/or its text form. */
function successResponse(op: ApiOperation) {
  const content: Record<string, unknown> = {};
  if (op.response) content["application/json"] = { schema: jsonSchema(op.response, "output") };
  if (op.text)
    content[op.text] = { schema: op.text === "application/yaml" ? YAML_DOCUMENT_SCHEMA : { type: "string" } };
  return {
    description: op.text && !op.response ? `Success: the answer as ${op.text}` : "Success",
    ...(Object.keys(content).length ? { content } : {}),
  };
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
    const body = op.body && {
      schema: jsonSchema(op.body, "input"),
      ...(op.requestExample
        ? {
            examples: {
              [op.requestExample.name]: { summary: op.requestExample.summary, value: op.requestExample.value },
            },
          }
        : {}),
    };
    paths[op.path][op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      tags: [op.tag],
      ...(op.auth === false ? { security: [] } : {}),
      ...(op.permission
        ? { description: `Needs the permission \`${op.permission}\`: ${PERMISSIONS[op.permission]}.` }
        : {}),
      parameters: [...pathParams, ...queryParams],
      ...(body ? { requestBody: { required: !op.bodyOptional, content: { "application/json": body } } } : {}),
      responses: {
        [success]: successResponse(op),
        ...(op.alsoStatus ? { [String(op.alsoStatus)]: successResponse(op) } : {}),
        ...(op.unavailable ? { "503": { ...successResponse(op), description: op.unavailable } } : {}),
        ...errorResponsesOf(op),
      },
    };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Berth API",
      version: "1",
      description:
        "Containerized execution admin console. Authenticate with `Authorization: Bearer <API token>` (create one under API tokens in the console), or with the console's session cookie from a signed-in browser. Every refusal is `{ error, fieldErrors? }`.",
    },
    servers: [{ url: serverUrl }],
    tags: API_TAGS.map((tag) => ({ ...tag })),
    // Either scheme is enough: a list of alternatives.
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "An API token, sent as `Authorization: Bearer <token>`",
        },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: SESSION_COOKIE,
          description: `The console's sign-in session (next-auth); named \`__Secure-${SESSION_COOKIE}\` when Berth is served over https. Changes need a same-origin request with a JSON body.`,
        },
      },
      schemas: { Error: jsonSchema(errorSchema, "output") },
      responses: ERROR_RESPONSES,
    },
  };
}
