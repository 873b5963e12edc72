import { z } from "zod";
import { PERMISSIONS } from "@/lib/permissions";
import { API_OPERATIONS } from "./operations";

const errorSchema = z.object({ error: z.string(), fieldErrors: z.record(z.string(), z.array(z.string())).optional() });

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { target: "openapi-3.0", io, unrepresentable: "any" }) as Record<string, unknown>;

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

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
        [success]: { description: "Success", ...(op.response ? { content: { "application/json": { schema: jsonSchema(op.response, "output") } } } : {}) },
        ...(op.body || op.query ? { "400": errorResponse("Invalid input: every problem, by field") } : {}),
        ...(op.auth === false ? {} : { "401": errorResponse("No valid token or session"), "403": errorResponse("Missing permission") }),
        ...(op.path.includes("{") ? { "404": errorResponse("No such object") } : {}),
        ...(op.method === "post" || op.method === "put" ? { "409": errorResponse("Conflict or duplicate") } : {}),
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
    },
  };
}
