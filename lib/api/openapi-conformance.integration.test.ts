import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020";
import { NextRequest } from "next/server";
import { describe, expect, inject, it } from "vitest";

type RouteModule = Partial<
  Record<
    "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response
  >
>;
type Responses = Record<string, { $ref?: string; content?: Record<string, { schema: Record<string, unknown> }> }>;

// Clients are generated from the document, so the answers real calls get must be what it says:
// each call below goes through the route handler as Next calls it, and its JSON answer (success
// or refusal) is checked against the schema the document gives for that status.
describe("answers of the API routes match the OpenAPI document", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-openapi-conformance-"));
  const { getDb } = await import("@/db");
  const { apiTokens, clusters, users } = await import("@/db/schema");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { hashToken } = await import("@/lib/tokens/token");
  const { openApiDocument } = await import("./openapi");
  const { API_OPERATIONS } = await import("./operations");

  const routes: Record<string, Promise<RouteModule>> = {
    "/api/v1/openapi.json": import("@/app/api/v1/openapi.json/route"),
    "/api/v1/me": import("@/app/api/v1/me/route"),
    "/api/v1/users": import("@/app/api/v1/users/route"),
    "/api/v1/users/{user}/password": import("@/app/api/v1/users/[user]/password/route"),
    "/api/v1/groups": import("@/app/api/v1/groups/route"),
    "/api/v1/groups/{group}": import("@/app/api/v1/groups/[group]/route"),
    "/api/v1/tokens": import("@/app/api/v1/tokens/route"),
    "/api/v1/tokens/{id}": import("@/app/api/v1/tokens/[id]/route"),
    "/api/v1/clusters": import("@/app/api/v1/clusters/route"),
    "/api/v1/clusters/{cluster}": import("@/app/api/v1/clusters/[cluster]/route"),
    "/api/v1/clusters/{cluster}/grants": import("@/app/api/v1/clusters/[cluster]/grants/route"),
    "/api/v1/clusters/{cluster}/pods": import("@/app/api/v1/clusters/[cluster]/pods/route"),
    "/api/v1/execution-configs": import("@/app/api/v1/execution-configs/route"),
    "/api/v1/execution-configs/{config}": import("@/app/api/v1/execution-configs/[config]/route"),
    "/api/v1/execution-configs/{config}/preview": import("@/app/api/v1/execution-configs/[config]/preview/route"),
    "/api/v1/execution-configs/{config}/fits": import("@/app/api/v1/execution-configs/[config]/fits/route"),
    "/api/v1/projects": import("@/app/api/v1/projects/route"),
    "/api/v1/projects/{project}/effective-config": import("@/app/api/v1/projects/[project]/effective-config/route"),
    "/api/v1/projects/{project}/history": import("@/app/api/v1/projects/[project]/history/route"),
    "/api/v1/runs": import("@/app/api/v1/runs/route"),
    "/api/v1/runs/{id}": import("@/app/api/v1/runs/[id]/route"),
    "/api/v1/runs/{id}/abort": import("@/app/api/v1/runs/[id]/abort/route"),
    "/api/v1/runs/queue": import("@/app/api/v1/runs/queue/route"),
    "/api/v1/runs/settings": import("@/app/api/v1/runs/settings/route"),
    "/api/v1/settings": import("@/app/api/v1/settings/route"),
    "/api/v1/base-images": import("@/app/api/v1/base-images/route"),
    "/api/v1/image-builds": import("@/app/api/v1/image-builds/route"),
    "/api/v1/image-builds/settings": import("@/app/api/v1/image-builds/settings/route"),
    "/api/v1/dashboard/gpu-utilization": import("@/app/api/v1/dashboard/gpu-utilization/route"),
  };

  const db = getDb();
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const config = loadKubeconfig(kubeconfig);
  db.insert(clusters)
    .values({
      name: "sim",
      kubeconfigEncrypted: encryptSecret(kubeconfig),
      context: config.getCurrentContext(),
      server: config.getCurrentCluster()!.server,
    })
    .run();
  const admin = db.insert(users).values({ username: "admin", role: "admin" }).returning().get();
  const token = "berth_openapi_conformance_admin_token";
  db.insert(apiTokens)
    .values({ userId: admin.id, name: "test", tokenHash: hashToken(token), prefix: token.slice(0, 8) })
    .run();

  const document = openApiDocument("http://berth.test");
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  const checked: string[] = [];

  /** The documented schema of one answer: the operation's own response, or a shared refusal. */
  function documentedSchema(template: string, method: string, status: number): ValidateFunction {
    const key = `${method} ${template} ${status}`;
    const cached = validators.get(key);
    if (cached) return cached;
    const responses = (document.paths[template]?.[method.toLowerCase()] as { responses: Responses } | undefined)
      ?.responses;
    expect(responses, `${method} ${template} is in the document`).toBeDefined();
    let response = responses![String(status)];
    expect(response, `${method} ${template} documents status ${status}`).toBeDefined();
    if (response.$ref) response = (document.components.responses as Responses)[response.$ref.split("/").pop()!];
    let schema = response.content?.["application/json"]?.schema;
    expect(schema, `${method} ${template} ${status} documents a JSON body`).toBeDefined();
    if (typeof schema!.$ref === "string")
      schema = (document.components.schemas as Record<string, Record<string, unknown>>)[schema!.$ref.split("/").pop()!];
    const validate = ajv.compile(schema!);
    validators.set(key, validate);
    return validate;
  }

  /** Calls the route of `template` and checks its answer against the document. */
  async function call(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    template: string,
    values: Record<string, string> = {},
    body?: unknown,
    query = "",
  ) {
    const url = new URL(
      template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name])) + query,
      "http://berth.test",
    );
    const handler = (await routes[template])[method];
    expect(handler, `${method} ${template} has a handler`).toBeDefined();
    const response = await handler!(
      new NextRequest(url, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      }),
      { params: Promise.resolve(values) },
    );
    const answer: unknown = await response.json();
    const validate = documentedSchema(template, method, response.status);
    expect(
      validate(answer) ? [] : validate.errors,
      `${method} ${template} → ${response.status}: ${JSON.stringify(answer).slice(0, 400)}`,
    ).toEqual([]);
    checked.push(`${method} ${template} ${response.status}`);
    return { status: response.status, body: answer as Record<string, unknown> & { id?: number | string } };
  }

  const example = (operationId: string) =>
    API_OPERATIONS.find((op) => op.operationId === operationId)!.requestExample!.value;

  it("users, groups and tokens", async () => {
    expect((await call("GET", "/api/v1/me")).status).toBe(200);
    const group = await call("POST", "/api/v1/groups", {}, { name: "analysts", description: "Reads dashboards" });
    expect(group.status).toBe(201);
    expect((await call("GET", "/api/v1/groups/{group}", { group: "analysts" })).status).toBe(200);
    const user = await call(
      "POST",
      "/api/v1/users",
      {},
      { username: "carol", password: "Notebook-pass-123", groups: ["analysts"] },
    );
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    expect(
      (await call("PUT", "/api/v1/users/{user}/password", { user: "carol" }, { password: "Notebook-pass-456" })).status,
    ).toBe(200);
    expect((await call("GET", "/api/v1/users")).status).toBe(200);
    const created = await call("POST", "/api/v1/tokens", {}, { name: "notebook" });
    expect(created.status).toBe(201);
    expect((await call("GET", "/api/v1/tokens")).status).toBe(200);
    expect((await call("DELETE", "/api/v1/tokens/{id}", { id: String(created.body.id) })).status).toBe(200);
    expect((await call("DELETE", "/api/v1/groups/{group}", { group: "analysts" })).status).toBe(200);
  });

  it("refusals: a missing object and invalid input with field errors", async () => {
    expect((await call("GET", "/api/v1/groups/{group}", { group: "nobody" })).status).toBe(404);
    const invalid = await call("POST", "/api/v1/users", {}, { username: "", password: "x" });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.fieldErrors as object)).toEqual(expect.arrayContaining(["username", "password"]));
  });

  it("clusters: the list, live status, grants and pods", async () => {
    expect((await call("GET", "/api/v1/clusters")).status).toBe(200);
    expect((await call("GET", "/api/v1/clusters/{cluster}", { cluster: "sim" })).status).toBe(200);
    expect((await call("GET", "/api/v1/clusters/{cluster}/grants", { cluster: "sim" })).status).toBe(200);
    expect(
      (await call("GET", "/api/v1/clusters/{cluster}/pods", { cluster: "sim" }, undefined, "?namespace=kube-system"))
        .status,
    ).toBe(200);
  });

  it("execution configs from the documented example, their preview and fits", async () => {
    expect(
      (await call("POST", "/api/v1/execution-configs", {}, { ...example("createExecutionConfig"), cluster: "sim" }))
        .status,
    ).toBe(201);
    expect(
      (
        await call(
          "POST",
          "/api/v1/execution-configs",
          {},
          {
            name: "cpu-small",
            image: "python:3.12-slim",
            namespace: "runs",
            createNamespace: true,
            cluster: "sim",
            resources: { requests: { cpu: "100m", memory: "128Mi" } },
          },
        )
      ).status,
    ).toBe(201);
    expect((await call("GET", "/api/v1/execution-configs/{config}", { config: "gpu-training" })).status).toBe(200);
    expect((await call("GET", "/api/v1/execution-configs/{config}/preview", { config: "cpu-small" })).status).toBe(200);
    expect((await call("POST", "/api/v1/execution-configs/{config}/preview", { config: "cpu-small" }, {})).status).toBe(
      200,
    );
    expect((await call("GET", "/api/v1/execution-configs/{config}/fits", { config: "cpu-small" })).status).toBe(200);
    expect((await call("DELETE", "/api/v1/execution-configs/{config}", { config: "gpu-training" })).status).toBe(200);
  });

  it("a run submitted from the documented example, read, listed and aborted", async () => {
    expect(
      (
        await call(
          "POST",
          "/api/v1/projects",
          {},
          { key: "churn", name: "Churn", executionConfig: "cpu-small", cluster: "sim" },
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await call(
          "GET",
          "/api/v1/projects/{project}/effective-config",
          { project: "churn" },
          undefined,
          "?activity=python-recipe",
        )
      ).status,
    ).toBe(200);
    const run = await call(
      "POST",
      "/api/v1/runs",
      {},
      { ...example("submitRun"), annotations: { "sim.berth.dev/duration": "10m" } },
    );
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const id = String(run.body.id);
    const read = await call("GET", "/api/v1/runs/{id}", { id });
    expect(read.body.status, JSON.stringify(read.body)).not.toBe("failed");
    expect((await call("GET", "/api/v1/runs")).status).toBe(200);
    expect((await call("GET", "/api/v1/runs/queue")).status).toBe(200);
    const aborted = await call("POST", "/api/v1/runs/{id}/abort", { id });
    expect(aborted.status, JSON.stringify(aborted.body)).toBe(200);
    expect((await call("GET", "/api/v1/projects/{project}/history", { project: "churn" })).status).toBe(200);
  });

  it("settings, images, builds and GPU utilization", async () => {
    for (const template of [
      "/api/v1/settings",
      "/api/v1/runs/settings",
      "/api/v1/base-images",
      "/api/v1/image-builds",
      "/api/v1/image-builds/settings",
    ]) {
      expect((await call("GET", template)).status, template).toBe(200);
    }
    expect((await call("PUT", "/api/v1/image-builds/settings", {}, { maxConcurrentBuilds: 3 })).status).toBe(200);
    const utilization = await call("GET", "/api/v1/dashboard/gpu-utilization", {}, undefined, "?cluster=sim");
    expect(utilization.body.status).toBe("unconfigured");
  });

  it("the document describes itself", async () => {
    const { body } = await call("GET", "/api/v1/openapi.json");
    expect(body.openapi).toBe("3.1.0");
    // Every answer above was checked against a documented schema: about thirty operations in all.
    expect(new Set(checked.map((label) => label.split(" ").slice(0, 2).join(" "))).size).toBeGreaterThanOrEqual(30);
  });
});
