import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Versions saved before patterns became globs hold bare regular expressions in their audit rows. */
describe("restoring a policy version saved when patterns were regular expressions", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-policy-legacy-"));
  const { getDb } = await import("@/db");
  const { auditEvents, users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { createPolicy, restorePolicy, POLICY_OBJECT_TYPE } = await import("./mutations");
  const { matchesNamespace } = await import("./drift");

  it("keeps the old pattern's meaning by restoring it as a re: pattern", async () => {
    const admin = actorForUser(
      getDb().insert(users).values({ username: "admin", role: "admin" }).returning().get().id,
    )!;
    const created = await executeMutation(
      createPolicy,
      { name: "ml", pattern: "ml-*", resourceQuota: { hard: { pods: "10" } } },
      admin,
      "api",
    );
    if (!created.ok) throw new Error(created.error);
    const old = getDb()
      .insert(auditEvents)
      .values({
        actorName: "admin",
        action: "namespace-policy.update",
        objectType: POLICY_OBJECT_TYPE,
        objectId: String(created.data.id),
        objectName: "ml",
        source: "api",
        after: {
          name: "ml",
          description: "",
          pattern: "ml-(a|b)",
          priority: 100,
          podSecurity: "baseline",
          resourceQuota: { hard: { pods: "5" } },
          limitRange: null,
          version: 1,
        },
      })
      .returning()
      .get();
    const restored = await executeMutation(
      restorePolicy,
      { policy: created.data.id, auditEventId: old.id },
      admin,
      "api",
    );
    expect(restored).toMatchObject({ ok: true, data: { pattern: "re:ml-(a|b)" } });
    expect(matchesNamespace("re:ml-(a|b)", "ml-a")).toBe(true);
  });
});
