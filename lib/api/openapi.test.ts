import { describe, expect, it } from "vitest";
import YAML from "yaml";

import { STRICT_KUBECONFIG_POLICY, vetKubeconfigText } from "@/lib/kube/kubeconfig-policy";
import { assertFreshVersion } from "@/lib/objects/versioned";
import { toYamlDocument } from "@/lib/objects/yaml";

import { API_TAGS, openApiDocument } from "./openapi";
import { API_OPERATIONS } from "./operations";

type Operation = {
  operationId?: string;
  tags?: string[];
  responses: Record<
    string,
    { $ref?: string; description?: string; content?: Record<string, { schema?: Record<string, unknown> }> }
  >;
  security?: unknown[];
};
const document = openApiDocument("http://localhost");
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods as Record<string, Operation>).map(([method, operation]) => ({
    label: `${method.toUpperCase()} ${path}`,
    method,
    operation,
  })),
);

// A fuzzer (scripts/fuzz-api.ts) checks every answer against this document: each refusal a
// handler can give has to be in it, or a correct answer reads as an undocumented one.
describe("the OpenAPI document's responses", () => {
  it("documents every refusal an authenticated operation can give", () => {
    for (const { label, method, operation } of operations) {
      if (operation.security?.length === 0) continue;
      const expected = ["400", "401", "403", "404", "422", ...(method === "get" ? [] : ["409", "413", "415"])];
      for (const code of expected)
        expect(operation.responses[code]?.$ref, `${label} ${code}`).toMatch(/^#\/components\/responses\//);
    }
    for (const ref of operations.flatMap(({ operation }) =>
      Object.values(operation.responses).flatMap((response) => response.$ref ?? []),
    )) {
      expect(document.components.responses).toHaveProperty(ref.split("/").pop()!);
    }
  });

  it("documents the media types of text answers", () => {
    const media = (label: string, code = "200") =>
      Object.keys(operations.find((op) => op.label === label)!.operation.responses[code].content ?? {});
    expect(media("GET /api/v1/dashboard/gpu-hours")).toEqual(["application/json", "text/csv"]);
    expect(media("GET /api/v1/execution-configs/{config}/yaml")).toEqual(["application/yaml"]);
    expect(media("GET /api/v1/runs/{id}/logs")).toEqual(["text/plain"]);
    expect(media("GET /api/v1/base-images/{baseImage}/dockerfile")).toEqual(["text/plain"]);
  });

  it("documents both answers of a build request: 201 with builds, 200 when nothing needed building", () => {
    for (const label of ["POST /api/v1/code-envs/rebuild-stale", "POST /api/v1/code-envs/{codeEnv}/builds"]) {
      const { responses } = operations.find((op) => op.label === label)!.operation;
      expect(responses["201"].content).toBeDefined();
      expect(responses["200"]).toEqual(responses["201"]);
    }
  });

  it("documents a stale save's 409: the error schema admits the saved object it carries", () => {
    let body: Record<string, unknown> = {};
    try {
      assertFreshVersion("The project", { version: 3 }, 2, { key: "churn", version: 3 });
    } catch (error) {
      const refusal = error as {
        message: string;
        fieldErrors: Record<string, string[]>;
        details: Record<string, unknown>;
      };
      body = { ...refusal.details, error: refusal.message, fieldErrors: refusal.fieldErrors };
    }
    const schema = document.components.schemas.Error as {
      properties: Record<string, unknown>;
      additionalProperties?: boolean;
    };
    expect(Object.keys(body).sort()).toEqual(["current", "error", "fieldErrors"]);
    for (const key of Object.keys(body)) expect(schema.properties, key).toHaveProperty(key);
  });

  it("describes a YAML answer as the document it parses to, not as a string", () => {
    const yaml = operations.find((op) => op.label === "GET /api/v1/projects/{project}/yaml")!.operation.responses["200"]
      .content!["application/yaml"] as {
      schema: { type: string; required: string[]; properties: Record<string, { type: string }> };
    };
    const parsed = YAML.parse(
      toYamlDocument("Project", { name: "churn", description: "" }, { displayName: "0" }),
    ) as Record<string, unknown>;
    expect(yaml.schema.type).toBe("object");
    for (const key of yaml.schema.required) expect(parsed, key).toHaveProperty(key);
    for (const [key, value] of Object.entries(parsed))
      expect(typeof value === "object" ? "object" : typeof value, key).toBe(yaml.schema.properties[key].type);
  });
});

// Clients are generated from the document (the Python client names its methods after operationIds),
// so every operation needs a stable, unique name and a described answer.
describe("the OpenAPI document's operations", () => {
  it("names every operation with a unique camelCase verbNoun operationId", () => {
    const ids = operations.map(({ label, operation }) => {
      expect(operation.operationId, label).toMatch(
        /^(get|list|create|update|delete|set|reset|revoke|import|restore|cleanup|preview|apply|test|build|rebuild|cancel|submit|abort)[A-Z][A-Za-z]*$/,
      );
      return operation.operationId;
    });
    const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
    expect(repeated).toEqual([]);
  });

  it("documents a body schema for every success answer", () => {
    const missing = operations.flatMap(({ label, operation }) =>
      Object.entries(operation.responses)
        .filter(([code]) => /^2\d\d$/.test(code) && code !== "204")
        .filter(([, response]) => !response.content || Object.values(response.content).some((media) => !media.schema))
        .map(([code]) => `${label} ${code}`),
    );
    expect(missing).toEqual([]);
  });

  it("groups operations under declared, described tags", () => {
    const declared = new Set(document.tags.map((tag) => tag.name));
    for (const tag of document.tags) expect(tag.description, tag.name).not.toBe("");
    for (const { label, operation } of operations) {
      expect(operation.tags, label).toHaveLength(1);
      expect(declared, label).toContain(operation.tags![0]);
    }
    expect(API_TAGS.map((tag) => tag.name).sort()).toEqual([...new Set(API_OPERATIONS.map((op) => op.tag))].sort());
  });

  it("asks for a Bearer token or the session cookie, except on the public operations", () => {
    expect(document.security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(["bearerAuth", "sessionCookie"]);
    const open = operations.filter(({ operation }) => operation.security?.length === 0).map(({ label }) => label);
    expect(open).toEqual(expect.arrayContaining(["GET /api/health", "GET /api/v1/openapi.json"]));
    for (const label of open)
      expect(label, "only health, readiness and this document are public").toMatch(
        /^GET \/api\/(health|ready|v1\/openapi\.json)$/,
      );
  });

  it("gives examples for the main requests, each one a valid body", () => {
    const withExamples = API_OPERATIONS.filter((op) => op.requestExample).map((op) => op.operationId);
    expect(withExamples).toEqual(expect.arrayContaining(["submitRun", "createExecutionConfig", "createCluster"]));
    for (const op of API_OPERATIONS.filter((each) => each.requestExample)) {
      const parsed = op.body!.safeParse(op.requestExample!.value);
      expect(parsed.error?.issues, op.operationId).toBeUndefined();
    }
    const cluster = API_OPERATIONS.find((op) => op.operationId === "createCluster")!.requestExample!.value;
    const vetted = vetKubeconfigText(cluster.kubeconfig as string, STRICT_KUBECONFIG_POLICY);
    expect(vetted.ok ? [] : vetted.problems).toEqual([]);
  });
});
