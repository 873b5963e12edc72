import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

/** The history of a real object (a namespace policy saved, changed and restored), as the page renders it. */
describe("ObjectHistory", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-object-history-"));
  const { insertUser } = await import("@/test/support/users");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { listAuditEvents } = await import("@/lib/audit/queries");
  const { createPolicy, restorePolicy, updatePolicy, POLICY_OBJECT_TYPE } =
    await import("@/lib/namespace-policies/mutations");
  const { ObjectHistory } = await import("./object-history");

  const admin = insertUser("admin", "admin");
  const text = (policyId: number) =>
    renderToStaticMarkup(
      createElement(ObjectHistory, {
        objectType: POLICY_OBJECT_TYPE,
        objectId: policyId,
        restore: async () => ({ ok: true as const, data: null }),
      }),
    )
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ");

  it("says which version a restore restored, not the audit id, and restore dialogs name the version", async () => {
    const created = await executeMutation(
      createPolicy,
      { name: "ml", pattern: "ml-*", resourceQuota: { hard: { pods: "10" } } },
      admin,
      "api",
    );
    if (!created.ok) throw new Error(created.error);
    const policyId = created.data.id;
    expect(await executeMutation(updatePolicy, { policy: policyId, priority: 5 }, admin, "api")).toMatchObject({
      ok: true,
    });
    const createEvent = listAuditEvents({ objectType: POLICY_OBJECT_TYPE, objectId: String(policyId), limit: 10 }).find(
      (event) => event.action.endsWith(".create"),
    )!;
    expect(
      await executeMutation(restorePolicy, { policy: policyId, auditEventId: createEvent.id }, admin, "api"),
    ).toMatchObject({ ok: true, data: { version: 3 } });

    const shown = text(policyId);
    expect(shown).toContain("restored from version 1");
    expect(shown).not.toContain("restoredFrom");
    expect(shown).toContain("Restore version 1?");
    expect(shown).toContain("Restore version 2?");
  });
});
