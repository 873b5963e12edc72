import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import type { VersionedObject } from "./versioned-routes";

// The four routes every versioned object has, built by the factory over a made-up object kind
// "widget", called through HTTP requests as Next hands them to a route file.
describe("versioned-object routes (history, yaml, restore, import)", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-versioned-routes-"));
  const { getDb } = await import("@/db");
  const { apiTokens, users } = await import("@/db/schema");
  const { hashToken } = await import("@/lib/tokens/token");
  const { defineMutation } = await import("@/lib/actions/mutation");
  const { notFound } = await import("@/lib/actions/result");
  const { recordStandaloneAudit } = await import("@/lib/audit/record");
  const { historyRoute, importRoute, restoreRoute, yamlRoute } = await import("./versioned-routes");

  const db = getDb();
  const tokenFor = (username: string, role: "admin" | "user") => {
    const user = db.insert(users).values({ username, role }).returning().get();
    const token = `berth_versioned_routes_${username}_token`;
    db.insert(apiTokens)
      .values({ userId: user.id, name: "test", tokenHash: hashToken(token), prefix: token.slice(0, 8) })
      .run();
    return { token, actor: { id: user.id, username, role, groups: [] } };
  };
  const admin = tokenFor("admin", "admin");
  const reader = tokenFor("reader", "user");

  type Widget = { id: number; name: string };
  const widgets: Widget[] = [{ id: 7, name: "seven" }];
  const widgetInput = z.strictObject({
    widget: z.string().optional(),
    auditEventId: z.number().optional(),
    yaml: z.string().min(1).optional(),
  });
  const received: unknown[] = [];
  const writeWidget = (name: string) =>
    defineMutation({
      name,
      permission: "users.manage",
      schema: widgetInput,
      run(input, ctx) {
        received.push(input);
        return ctx.write(() => ({
          result: { name: "seven", done: name },
          audit: { objectType: "widget", objectId: 7, objectName: "seven" },
        }));
      },
    });
  const widget: VersionedObject<Widget, typeof widgetInput, typeof widgetInput> = {
    param: "widget",
    readPermission: "configs.read",
    managePermission: "users.manage",
    find(_actor, ref) {
      const row = widgets.find((candidate) => candidate.name === ref || String(candidate.id) === ref);
      if (!row) throw notFound(`Widget "${ref}"`);
      return row;
    },
    objectType: "widget",
    historyLimit: 2,
    yaml: { text: (row) => `kind: Widget\nname: ${row.name}\n`, filename: (row) => `widget-${row.name}.yaml` },
    restore: writeWidget("widget.restore"),
    import: writeWidget("widget.import"),
  };

  type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const call = (
    handler: Handler,
    method: string,
    url: string,
    token: string,
    params: Record<string, string>,
    body?: unknown,
  ) =>
    handler(
      new NextRequest(new URL(url, "http://berth.test"), {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      }),
      { params: Promise.resolve(params) },
    );

  it("history: the object's audit rows, newest first, at most historyLimit; 404 for an unknown name", async () => {
    for (const step of ["one", "two", "three"])
      recordStandaloneAudit(admin.actor, "api", {
        action: `widget.${step}`,
        objectType: "widget",
        objectId: 7,
        objectName: "seven",
      });
    recordStandaloneAudit(admin.actor, "api", {
      action: "widget.other",
      objectType: "widget",
      objectId: 8,
      objectName: "eight",
    });
    const GET = historyRoute(widget);
    const response = await call(GET, "GET", "/api/v1/widgets/seven/history", reader.token, { widget: "seven" });
    expect(response.status).toBe(200);
    expect((await response.json()).map((event: { action: string }) => event.action)).toEqual([
      "widget.three",
      "widget.two",
    ]);
    const missing = await call(GET, "GET", "/api/v1/widgets/nine/history", reader.token, { widget: "nine" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Widget "nine" not found' });
  });

  it("yaml: the document as an attachment named after the object", async () => {
    const response = await call(yamlRoute(widget), "GET", "/api/v1/widgets/7/yaml", reader.token, { widget: "7" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/yaml; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="widget-seven.yaml"');
    expect(await response.text()).toBe("kind: Widget\nname: seven\n");
  });

  it("restore: the body with the object from the path, through the mutation; the manage permission first", async () => {
    const POST = restoreRoute(widget);
    const refused = await call(
      POST,
      "POST",
      "/api/v1/widgets/seven/restore",
      reader.token,
      { widget: "seven" },
      { auditEventId: 1 },
    );
    expect(refused.status).toBe(403);
    received.length = 0;
    const response = await call(
      POST,
      "POST",
      "/api/v1/widgets/seven/restore",
      admin.token,
      { widget: "seven" },
      { auditEventId: 1, widget: "other" },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: "seven", done: "widget.restore" });
    // The path names the object, whatever the body says.
    expect(received).toEqual([{ auditEventId: 1, widget: "seven" }]);
  });

  it("import: the body to the import mutation, 200 with its answer; its field errors as a 400", async () => {
    const POST = importRoute(widget);
    const response = await call(POST, "POST", "/api/v1/widgets/import", admin.token, {}, { yaml: "kind: Widget" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ name: "seven", done: "widget.import" });
    const invalid = await call(POST, "POST", "/api/v1/widgets/import", admin.token, {}, { yaml: "" });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: "Some fields are not valid",
      fieldErrors: { yaml: [expect.any(String)] },
    });
    const refused = await call(POST, "POST", "/api/v1/widgets/import", reader.token, {}, { yaml: "kind: Widget" });
    expect(refused.status).toBe(403);
  });

  it("import: a permission of its own when the object kind has one", async () => {
    const POST = importRoute({ ...widget, importPermission: "configs.read" });
    // The route lets the reader through; the mutation still asks for its own permission.
    const response = await call(POST, "POST", "/api/v1/widgets/import", reader.token, {}, { yaml: "kind: Widget" });
    expect(await response.json()).toEqual({ error: 'You do not have the permission "users.manage"' });
  });
});
