import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

// A name made only of digits is a valid name, but paths read it as an id: creating the same such
// name twice must be the usual 409, not a unique-constraint failure answered as a 500.
describe("creating an object whose name is only digits, twice", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-digit-names-"));
  const { getDb } = await import("@/db");
  const { apiTokens, users } = await import("@/db/schema");
  const { hashToken } = await import("@/lib/tokens/token");

  const db = getDb();
  const admin = db.insert(users).values({ username: "admin", role: "admin" }).returning().get();
  const token = "berth_digit_names_admin_token";
  db.insert(apiTokens)
    .values({ userId: admin.id, name: "test", tokenHash: hashToken(token), prefix: token.slice(0, 8) })
    .run();

  type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const cases: [string, Promise<{ POST: Handler }>, Record<string, unknown>][] = [
    ["/api/v1/groups", import("@/app/api/v1/groups/route"), { name: "0" }],
    ["/api/v1/users", import("@/app/api/v1/users/route"), { username: "0", password: "Digits-only-name-1" }],
    [
      "/api/v1/namespace-policies",
      import("@/app/api/v1/namespace-policies/route"),
      { name: "0", pattern: "digits-*", resourceQuota: { hard: { pods: "10" } } },
    ],
  ];

  it.each(cases)("POST %s: 201, then 409 on the name", async (route, loaded, body) => {
    const { POST } = await loaded;
    const post = () =>
      POST(
        new NextRequest(new URL(route, "http://berth.test"), {
          method: "POST",
          body: JSON.stringify(body),
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        }),
        {
          params: Promise.resolve({}),
        },
      );
    const first = await post();
    expect(first.status, await first.clone().text()).toBe(201);
    const second = await post();
    expect(second.status, await second.clone().text()).toBe(409);
    expect(Object.keys((await second.json()).fieldErrors)).toEqual([Object.keys(body)[0]]);
  });
});
