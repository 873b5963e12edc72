import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

import { BOOTSTRAP_TOKEN, DATA_DIR, SAME_ORIGIN } from "./support/env";

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const admin = auth(BOOTSTRAP_TOKEN);

// These calls carry their own credentials, never the browser session.
test.use({ storageState: { cookies: [], origins: [] } });

test("health needs no auth; the OpenAPI document lists the contract", async ({ request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });

  const doc = await (await request.get("/api/v1/openapi.json")).json();
  expect(doc.openapi).toMatch(/^3\./);
  for (const path of [
    "/api/v1/me",
    "/api/v1/users",
    "/api/v1/groups",
    "/api/v1/groups/{group}/members",
    "/api/v1/tokens",
    "/api/v1/tokens/{id}",
    "/api/v1/audit",
  ]) {
    expect(Object.keys(doc.paths)).toContain(path);
  }
  const createUser = doc.paths["/api/v1/users"].post.requestBody.content["application/json"].schema;
  expect(createUser.required).toEqual(expect.arrayContaining(["username", "password"]));
  expect(createUser.additionalProperties).toBe(false);
});

test("me: bootstrap token 200, none 401, revoked 401, non-admin on admin endpoint 403", async ({ request }) => {
  const me = await request.get("/api/v1/me", { headers: admin });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ username: "admin", role: "admin", groups: [] });

  const anonymous = await request.get("/api/v1/me");
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toHaveProperty("error");
  expect((await request.get("/api/v1/me", { headers: auth("berth_not-a-token") })).status()).toBe(401);

  const username = `api${Date.now() % 100000}`;
  expect((await request.post("/api/v1/groups", { headers: admin, data: { name: `team-${username}` } })).status()).toBe(
    201,
  );
  const created = await request.post("/api/v1/users", {
    headers: admin,
    data: { username, password: "Api-user-pass-1", groups: [`team-${username}`] },
  });
  expect(created.status()).toBe(201);

  // The user gets a token by signing in through next-auth's credentials callback, as scripts do.
  const csrf = (await (await request.get("/api/auth/csrf")).json()).csrfToken as string;
  const signIn = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken: csrf, username, password: "Api-user-pass-1", json: "true" },
  });
  expect(signIn.ok()).toBe(true);
  const tokenResponse = await request.post("/api/v1/tokens", { headers: SAME_ORIGIN, data: { name: "ci" } });
  expect(tokenResponse.status()).toBe(201);
  const { id, token } = await tokenResponse.json();
  expect(token).toMatch(/^berth_/);

  const asUser = await request.get("/api/v1/me", { headers: auth(token) });
  expect(await asUser.json()).toMatchObject({ username, role: "user", groups: [`team-${username}`] });
  expect((await request.get("/api/v1/users", { headers: auth(token) })).status()).toBe(403);
  expect((await request.post("/api/v1/groups", { headers: auth(token), data: { name: "nope" } })).status()).toBe(403);
  expect((await request.get("/api/v1/audit", { headers: auth(token) })).status()).toBe(403);

  const listed = await (await request.get("/api/v1/tokens", { headers: auth(token) })).json();
  expect(JSON.stringify(listed)).not.toContain(token);

  expect((await request.delete(`/api/v1/tokens/${id}`, { headers: auth(token) })).status()).toBe(200);
  expect((await request.get("/api/v1/me", { headers: auth(token) })).status()).toBe(401);
});

test("bad input gets field errors, never a 500, and writes nothing", async ({ request }) => {
  const countUsers = async () =>
    ((await (await request.get("/api/v1/users", { headers: admin })).json()) as unknown[]).length;
  const countGroups = async () =>
    ((await (await request.get("/api/v1/groups", { headers: admin })).json()) as unknown[]).length;
  const [users, groups] = [await countUsers(), await countGroups()];

  const cases: { path: string; data: unknown; status: number; field?: string }[] = [
    { path: "/api/v1/users", data: { username: "", password: "Valid-pass-123" }, status: 400, field: "username" },
    {
      path: "/api/v1/users",
      data: { username: "u".repeat(10_000), password: "Valid-pass-123" },
      status: 400,
      field: "username",
    },
    { path: "/api/v1/users", data: { username: "weakling", password: "password" }, status: 400, field: "password" },
    { path: "/api/v1/users", data: { username: "admin", password: "Valid-pass-123" }, status: 409, field: "username" },
    {
      path: "/api/v1/users",
      data: { username: "newbie", password: "Valid-pass-123", isAdmin: true },
      status: 400,
      field: "isAdmin",
    },
    {
      path: "/api/v1/users",
      data: { username: "newbie", password: "Valid-pass-123", groups: ["no-such-group"] },
      status: 422,
      field: "groups",
    },
    {
      path: "/api/v1/users",
      data: { username: "newbie", password: "Valid-pass-123", role: "root" },
      status: 400,
      field: "role",
    },
    { path: "/api/v1/users", data: "not json", status: 400 },
    { path: "/api/v1/groups", data: { name: "" }, status: 400, field: "name" },
    { path: "/api/v1/groups", data: { name: "g".repeat(10_000) }, status: 400, field: "name" },
    { path: "/api/v1/groups", data: { name: "ok-name", colour: "red" }, status: 400, field: "colour" },
    { path: "/api/v1/groups", data: [1, 2], status: 400 },
  ];
  for (const { path, data, status, field } of cases) {
    const response = await request.post(path, {
      headers: { ...admin, "Content-Type": "application/json" },
      data: typeof data === "string" ? data : JSON.stringify(data),
    });
    expect(response.status(), `${path} ${JSON.stringify(data).slice(0, 80)}`).toBe(status);
    const body = await response.json();
    expect(typeof body.error).toBe("string");
    if (field) expect(Object.keys(body.fieldErrors ?? {}), JSON.stringify(body)).toContain(field);
  }
  const members = await request.put("/api/v1/groups/no-such-group/members", {
    headers: admin,
    data: { usernames: [] },
  });
  expect(members.status()).toBe(404);
  const unknownMember = await request.post("/api/v1/groups", { headers: admin, data: { name: `m-${Date.now()}` } });
  const group = await unknownMember.json();
  const badMembers = await request.put(`/api/v1/groups/${group.name}/members`, {
    headers: admin,
    data: { usernames: ["ghost"] },
  });
  expect(badMembers.status()).toBe(422);
  expect((await request.get("/api/v1/users/nobody-here", { headers: admin })).status()).toBe(404);
  expect((await request.get("/api/v1/audit?from=yesterday", { headers: admin })).status()).toBe(400);

  expect(await countUsers()).toBe(users);
  expect(await countGroups()).toBe(groups + 1);
});

test("groups: members are set by name, and the audit log records who did it", async ({ request }) => {
  const name = `crew-${Date.now()}`;
  expect((await request.post("/api/v1/groups", { headers: admin, data: { name, description: "d" } })).status()).toBe(
    201,
  );
  const set = await request.put(`/api/v1/groups/${name}/members`, { headers: admin, data: { usernames: ["admin"] } });
  expect(set.status()).toBe(200);
  expect((await set.json()).members).toEqual(["admin"]);
  const audit = await (await request.get(`/api/v1/audit?objectType=group&limit=5`, { headers: admin })).json();
  expect(audit[0]).toMatchObject({
    actor: "admin",
    action: "group.set-members",
    source: "api",
    objectName: name,
    after: { members: ["admin"] },
  });
});

test("the database never holds a password or token in clear", async ({ request }) => {
  const password = `Plaintext-canary-${Date.now()}`;
  const username = `canary${Date.now() % 100000}`;
  expect((await request.post("/api/v1/users", { headers: admin, data: { username, password } })).status()).toBe(201);
  const token = (await (await request.post("/api/v1/tokens", { headers: admin, data: { name: "canary" } })).json())
    .token as string;
  expect(
    (
      await request.put(`/api/v1/users/${username}/password`, { headers: admin, data: { password: `${password}-2` } })
    ).status(),
  ).toBe(200);

  const files = fs.readdirSync(DATA_DIR).filter((name) => name.startsWith("berth.db"));
  expect(files).toContain("berth.db");
  const bytes = Buffer.concat(files.map((name) => fs.readFileSync(path.join(DATA_DIR, name))));
  for (const secret of [password, `${password}-2`, token, BOOTSTRAP_TOKEN, "Admin-e2e-Pass-1"]) {
    expect(bytes.includes(Buffer.from(secret)), `found ${secret.slice(0, 12)}… in the database`).toBe(false);
  }
});
