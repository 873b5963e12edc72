import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

describe("OIDC accounts are bound to the provider's subject", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-oidc-"));
  const { eq } = await import("drizzle-orm");
  const { getDb } = await import("@/db");
  const { auditEvents, users } = await import("@/db/schema");
  const { syncOidcUser } = await import("./oidc");
  const { groupNamesByUser } = await import("@/lib/auth/actor");

  const ISSUER = "https://sso.example";
  const profile = (sub: string, claims: Record<string, unknown> = {}) => ({
    iss: ISSUER,
    sub,
    email_verified: true,
    ...claims,
  });
  const groupsOf = (userId: number) => groupNamesByUser([userId]).get(userId) ?? [];
  const auditActions = (objectName: string) =>
    getDb()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.objectName, objectName))
      .all()
      .map((row) => row.action);

  it("binds the first sign-in to (issuer, sub) and finds the same user when the provider's name changes", () => {
    const first = syncOidcUser(profile("sub-eva", { preferred_username: "eva", groups: ["team-a"] }));
    expect(first.ok && first.user).toMatchObject({ username: "eva", oidcIssuer: ISSUER, oidcSubject: "sub-eva" });
    const renamed = syncOidcUser(profile("sub-eva", { preferred_username: "eva.renamed", groups: ["team-a"] }));
    expect(renamed.ok && renamed.user.id).toBe(first.ok && first.user.id);
    expect(renamed.ok && renamed.user.username).toBe("eva");
  });

  it("refuses another subject whose preferred_username is an SSO user's name, and leaves that user alone", () => {
    const owner = syncOidcUser(profile("sub-finn", { preferred_username: "finn", groups: ["finance"] }));
    if (!owner.ok) throw new Error("the first sign-in was refused");
    const impostor = syncOidcUser(profile("sub-impostor", { preferred_username: "finn", groups: ["other"] }));
    expect(impostor).toEqual({ ok: false, reason: "name-taken", username: "finn" });
    expect(groupsOf(owner.user.id)).toEqual(["finance"]);
    expect(getDb().select().from(users).where(eq(users.username, "finn")).get()?.oidcSubject).toBe("sub-finn");
    expect(auditActions("finn")).toContain("session.sign-in-failed");
  });

  it("refuses a subject whose preferred_username is a local user's name", () => {
    getDb().insert(users).values({ username: "ana", passwordHash: "scrypt$x" }).run();
    expect(syncOidcUser(profile("sub-not-ana", { preferred_username: "ana" }))).toMatchObject({
      ok: false,
      reason: "name-taken",
    });
  });

  it("treats the same subject at another issuer as another person", () => {
    syncOidcUser(profile("sub-gus", { preferred_username: "gus" }));
    expect(
      syncOidcUser({ ...profile("sub-gus", { preferred_username: "gus" }), iss: "https://other-idp.example" }),
    ).toMatchObject({ ok: false, reason: "name-taken" });
  });

  it("never derives a name from an unverified email", () => {
    const result = syncOidcUser(profile("sub-hal-123", { email: "ana@corp.example", email_verified: false }));
    expect(result.ok && result.user.username).toBe("sub-hal-123");
    expect(result.ok && result.user.email).toBeNull();
  });

  it("binds an SSO user created before subjects were stored only when the verified email matches", () => {
    getDb().insert(users).values({ username: "ivy", authSource: "oidc", email: "ivy@corp.example" }).run();
    expect(
      syncOidcUser(profile("sub-other", { preferred_username: "ivy", email: "mallory@corp.example" })),
    ).toMatchObject({ ok: false, reason: "name-taken" });
    expect(
      syncOidcUser(
        profile("sub-other", { preferred_username: "ivy", email: "ivy@corp.example", email_verified: false }),
      ),
    ).toMatchObject({ ok: false });
    const bound = syncOidcUser(profile("sub-ivy", { preferred_username: "ivy", email: "IVY@corp.example" }));
    expect(bound.ok && bound.user).toMatchObject({ username: "ivy", oidcSubject: "sub-ivy" });
  });

  it("refuses a profile without an issuer or subject", () => {
    expect(syncOidcUser({ sub: "sub-x", preferred_username: "x" })).toMatchObject({ ok: false, reason: "no-identity" });
    expect(syncOidcUser({ iss: ISSUER, preferred_username: "x" })).toMatchObject({ ok: false, reason: "no-identity" });
  });

  it("audits the groups a sign-in adds and removes", () => {
    const first = syncOidcUser(profile("sub-jo", { preferred_username: "jo", groups: ["alpha", "beta"] }));
    if (!first.ok) throw new Error("refused");
    syncOidcUser(profile("sub-jo", { preferred_username: "jo", groups: ["beta", "gamma"] }));
    const rows = getDb()
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "user.groups-sync"))
      .all()
      .filter((row) => row.objectName === "jo");
    expect(rows.map((row) => row.after)).toEqual([
      { added: ["alpha", "beta"], removed: [] },
      { added: ["gamma"], removed: ["alpha"] },
    ]);
    // No row when nothing changed.
    syncOidcUser(profile("sub-jo", { preferred_username: "jo", groups: ["beta", "gamma"] }));
    expect(
      getDb()
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, "user.groups-sync"))
        .all()
        .filter((row) => row.objectName === "jo"),
    ).toHaveLength(2);
  });
});
