import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

// Next hands route handlers their path parameters already decoded: a name holding "%" must be
// looked up as it is (and not found), never decoded a second time into a 500.
describe("names in API paths are taken as Next decoded them", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-path-names-"));
  const { getDb } = await import("@/db");
  const { apiTokens, users } = await import("@/db/schema");
  const { hashToken } = await import("@/lib/tokens/token");

  const db = getDb();
  const admin = db.insert(users).values({ username: "admin", role: "admin" }).returning().get();
  const token = "berth_path_names_admin_token";
  db.insert(apiTokens)
    .values({ userId: admin.id, name: "test", tokenHash: hashToken(token), prefix: token.slice(0, 8) })
    .run();

  type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const routes: [string, string, Promise<Record<string, unknown>>, string][] = [
    ["/api/v1/execution-configs/{config}", "GET", import("@/app/api/v1/execution-configs/[config]/route"), "config"],
    ["/api/v1/execution-configs/{config}", "PATCH", import("@/app/api/v1/execution-configs/[config]/route"), "config"],
    ["/api/v1/execution-configs/{config}", "DELETE", import("@/app/api/v1/execution-configs/[config]/route"), "config"],
    [
      "/api/v1/execution-configs/{config}/restore",
      "POST",
      import("@/app/api/v1/execution-configs/[config]/restore/route"),
      "config",
    ],
    [
      "/api/v1/execution-configs/{config}/yaml",
      "GET",
      import("@/app/api/v1/execution-configs/[config]/yaml/route"),
      "config",
    ],
    ["/api/v1/base-images/{baseImage}", "GET", import("@/app/api/v1/base-images/[baseImage]/route"), "baseImage"],
    ["/api/v1/base-images/{baseImage}", "PATCH", import("@/app/api/v1/base-images/[baseImage]/route"), "baseImage"],
    ["/api/v1/base-images/{baseImage}", "DELETE", import("@/app/api/v1/base-images/[baseImage]/route"), "baseImage"],
    [
      "/api/v1/base-images/{baseImage}/builds",
      "POST",
      import("@/app/api/v1/base-images/[baseImage]/builds/route"),
      "baseImage",
    ],
    [
      "/api/v1/base-images/{baseImage}/current",
      "PUT",
      import("@/app/api/v1/base-images/[baseImage]/current/route"),
      "baseImage",
    ],
    [
      "/api/v1/base-images/{baseImage}/registry-credentials",
      "PUT",
      import("@/app/api/v1/base-images/[baseImage]/registry-credentials/route"),
      "baseImage",
    ],
    [
      "/api/v1/base-images/{baseImage}/registry-credentials",
      "DELETE",
      import("@/app/api/v1/base-images/[baseImage]/registry-credentials/route"),
      "baseImage",
    ],
    [
      "/api/v1/base-images/{baseImage}/restore",
      "POST",
      import("@/app/api/v1/base-images/[baseImage]/restore/route"),
      "baseImage",
    ],
    ["/api/v1/code-envs/{codeEnv}", "GET", import("@/app/api/v1/code-envs/[codeEnv]/route"), "codeEnv"],
    ["/api/v1/code-envs/{codeEnv}", "PATCH", import("@/app/api/v1/code-envs/[codeEnv]/route"), "codeEnv"],
    ["/api/v1/code-envs/{codeEnv}", "DELETE", import("@/app/api/v1/code-envs/[codeEnv]/route"), "codeEnv"],
    ["/api/v1/code-envs/{codeEnv}/builds", "POST", import("@/app/api/v1/code-envs/[codeEnv]/builds/route"), "codeEnv"],
    [
      "/api/v1/code-envs/{codeEnv}/restore",
      "POST",
      import("@/app/api/v1/code-envs/[codeEnv]/restore/route"),
      "codeEnv",
    ],
  ];

  // A well-formed body, so that only the name can be what is wrong.
  const validBody = (route: string) =>
    route.endsWith("/restore")
      ? { auditEventId: 1 }
      : route.endsWith("/current")
        ? { build: 1 }
        : route.endsWith("/registry-credentials")
          ? { username: "u", password: "p" }
          : {};

  it.each(routes)("%s %s with a name holding a percent sign answers 404", async (route, method, loaded, param) => {
    const handler = (await loaded)[method] as Handler;
    const name = "x%zz";
    const url = new URL(route.replace(`{${param}}`, encodeURIComponent(name)), "http://berth.test");
    const body = method === "GET" || method === "DELETE" ? undefined : JSON.stringify(validBody(route));
    const response = await handler(
      new NextRequest(url, {
        method,
        body,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      }),
      { params: Promise.resolve({ [param]: name }) },
    );
    expect(response.status, await response.clone().text()).toBe(404);
  });
});
