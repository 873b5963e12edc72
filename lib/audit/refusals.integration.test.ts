import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

// Refused changes, bad bearer tokens and failed sign-ins land in the audit log, rate-limited.
describe("audited refusals", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-refusals-"));
  const { eq } = await import("drizzle-orm");
  const { getDb } = await import("@/db");
  const { apiTokens, auditEvents, users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { createUser } = await import("@/lib/users/mutations");
  const { createGroup } = await import("@/lib/groups/mutations");
  const { hashToken } = await import("@/lib/tokens/token");
  const { flushSuppressedAudit, recordRefusal } = await import("./refusals");
  const usersRoute = await import("@/app/api/v1/users/route");
  const meRoute = await import("@/app/api/v1/me/route");

  const db = getDb();
  const admin = db.insert(users).values({ username: "root", role: "admin" }).returning().get();
  const bob = db.insert(users).values({ username: "bob", role: "user" }).returning().get();
  const tokens = { bob: "berth_refusals_bob_token", revoked: "berth_refusals_revoked_token" };
  db.insert(apiTokens)
    .values({ userId: bob.id, name: "cli", tokenHash: hashToken(tokens.bob), prefix: "berth_ref" })
    .run();
  const revoked = db
    .insert(apiTokens)
    .values({
      userId: bob.id,
      name: "old",
      tokenHash: hashToken(tokens.revoked),
      prefix: "berth_rev",
      revokedAt: new Date(),
    })
    .returning()
    .get();

  const rows = (action: string) => db.select().from(auditEvents).where(eq(auditEvents.action, action)).all();
  const request = (url: string, token: string, init: { method?: string; body?: string } = {}) =>
    new NextRequest(new URL(url, "http://berth.test"), {
      ...init,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
  const params = { params: Promise.resolve({}) };

  it("audits a change refused for lack of permission, with who and why", async () => {
    const result = await executeMutation(createGroup, { name: "sneaky" }, actorForUser(bob.id), "ui");
    expect(result).toMatchObject({ ok: false, status: 403 });
    const [row] = rows("group.create.refused");
    expect(row).toMatchObject({ actorName: "bob", source: "ui", objectType: "refusal", objectName: "group.create" });
    expect(row.after).toMatchObject({ status: 403, reason: expect.stringContaining("groups.manage") });
  });

  it("audits invalid input with the names of the fields in error, never their values", async () => {
    const secret = "Never-In-The-Log-123";
    const result = await executeMutation(
      createUser,
      { username: "Bad Name!", password: secret, extra: secret },
      actorForUser(admin.id),
      "api",
    );
    expect(result).toMatchObject({ ok: false, status: 400 });
    const [row] = rows("user.create.refused");
    expect(row.after).toMatchObject({ status: 400, fields: expect.arrayContaining(["username"]) });
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(row)).not.toContain("Bad Name");
  });

  it("audits a change attempted without a session", async () => {
    await executeMutation(createGroup, { name: "anon" }, null, "ui");
    expect(
      rows("group.create.refused").some(
        (row) => row.actorName === "system" && (row.after as { status: number }).status === 401,
      ),
    ).toBe(true);
  });

  it("audits unknown and revoked bearer tokens, without the token", async () => {
    expect((await meRoute.GET(request("/api/v1/me", "berth_not_a_real_token"), params)).status).toBe(401);
    expect((await meRoute.GET(request("/api/v1/me", tokens.revoked), params)).status).toBe(401);
    const refused = rows("token.refused");
    expect(refused.map((row) => (row.after as { reason: string }).reason)).toEqual(["unknown", "revoked"]);
    expect(refused[1]).toMatchObject({ objectId: String(revoked.id), objectName: "old" });
    expect(refused[1].after).toMatchObject({ owner: "bob", method: "GET", path: "/api/v1/me" });
    expect(JSON.stringify(refused)).not.toContain("berth_not_a_real_token");
    expect(JSON.stringify(refused)).not.toContain(tokens.revoked);
  });

  it("audits a request the API wrapper refuses for lack of permission", async () => {
    const response = await usersRoute.POST(
      request("/api/v1/users", tokens.bob, {
        method: "POST",
        body: JSON.stringify({ username: "x", password: "Pass-word-123" }),
      }),
      params,
    );
    expect(response.status).toBe(403);
    const [row] = rows("request.refused");
    expect(row).toMatchObject({ actorName: "bob", source: "api" });
    expect(row.after).toMatchObject({ status: 403, method: "POST", path: "/api/v1/users" });
  });

  it("writes at most 10 rows per caller and action a minute, then one row with the number suppressed", () => {
    const start = Date.UTC(2030, 0, 1);
    const entry = { action: "flood.refused", objectType: "flood" };
    for (let i = 0; i < 25; i++)
      recordRefusal({ actor: null, source: "api", address: "198.51.100.7", entry }, start + i * 100);
    // Another caller keeps its own budget.
    recordRefusal({ actor: null, source: "api", address: "198.51.100.8", entry }, start + 3000);
    expect(rows("flood.refused")).toHaveLength(11);
    expect(rows("audit.suppressed")).toHaveLength(0);
    flushSuppressedAudit(start + 61_000);
    const [summary] = rows("audit.suppressed");
    expect(summary).toMatchObject({ objectType: "flood", objectName: "flood.refused" });
    expect(summary.after).toMatchObject({ action: "flood.refused", suppressed: 15 });
    recordRefusal({ actor: null, source: "api", address: "198.51.100.7", entry }, start + 62_000);
    expect(rows("flood.refused")).toHaveLength(12);
  });
});
