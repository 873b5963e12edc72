import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";

// A fresh database for this file; server modules read the data dir when first used.
process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-import-"));

describe("YAML imports (the mutations behind the import server actions and routes)", async () => {
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { importExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { importSparkConfig } = await import("@/lib/spark-configs/mutations");
  const { importPolicy } = await import("@/lib/namespace-policies/mutations");
  const { importBaseImage } = await import("@/lib/images/mutations");
  const { importCodeEnv } = await import("@/lib/code-envs/mutations");
  const imports: Record<string, Parameters<typeof executeMutation>[0]> = {
    importExecutionConfig,
    importSparkConfig,
    importPolicy,
    importBaseImage,
    importCodeEnv,
  };

  const { getDb } = await import("@/db");
  const { users } = await import("@/db/schema");
  // Real users: refusals are audited under the actor who was refused.
  const [adminRow, bobRow] = getDb()
    .insert(users)
    .values([
      { username: "admin", role: "admin" },
      { username: "bob", role: "user" },
    ])
    .returning()
    .all();
  const admin: Actor = { id: adminRow.id, username: "admin", role: "admin", groups: [] };
  const plainUser: Actor = { id: bobRow.id, username: "bob", role: "user", groups: ["ml"] };
  // Not YAML at all: a parser that ran first would answer with its own complaint.
  const broken = "spec: [unclosed\n  - {";

  for (const [name, mutation] of Object.entries(imports)) {
    const importDocument = (yaml: string, actor: Actor | null, source: "ui") =>
      executeMutation(mutation, { yaml }, actor, source);
    it(`${name}: checks the caller's permission before it parses the document`, async () => {
      const refused = await importDocument(broken, plainUser, "ui");
      expect(refused).toMatchObject({ ok: false, status: 403, error: expect.stringContaining("permission") });
      expect(JSON.stringify(refused)).not.toMatch(/yaml/i);
      expect(await importDocument(broken, null, "ui")).toMatchObject({ ok: false, status: 401 });
      expect(await importDocument(broken, admin, "ui")).toMatchObject({
        ok: false,
        status: 400,
        fieldErrors: { yaml: [expect.stringContaining("Not valid YAML")] },
      });
    });

    it(`${name}: refuses a document over 200 000 characters without parsing it`, async () => {
      const huge = `# ${"x".repeat(200_000)}\n`;
      expect(await importDocument(huge, admin, "ui")).toMatchObject({
        ok: false,
        status: 400,
        fieldErrors: { yaml: [expect.stringContaining("too large")] },
      });
    });
  }

  it("creates, then updates, through the create and update mutations: their audit rows, not an import row", async () => {
    const { listAuditEvents } = await import("@/lib/audit/queries");
    const { toYamlDocument } = await import("@/lib/objects/yaml");
    const yaml = (priority: number) =>
      toYamlDocument(
        "NamespacePolicy",
        { name: "imported" },
        { pattern: "imported-*", priority, resourceQuota: { hard: { pods: "5" } } },
      );

    expect(await executeMutation(importPolicy, { yaml: yaml(10) }, admin, "api")).toMatchObject({
      ok: true,
      data: { name: "imported", version: 1, priority: 10 },
    });
    expect(await executeMutation(importPolicy, { yaml: yaml(20) }, admin, "api")).toMatchObject({
      ok: true,
      data: { name: "imported", version: 2, priority: 20 },
    });
    // A document the update mutation refuses: its field errors, and no row written.
    const refused = await executeMutation(
      importPolicy,
      { yaml: yaml(20).replace('pods: "5"', "pods: lots") },
      admin,
      "api",
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { "resourceQuota.hard.pods": [expect.any(String)] },
    });
    const actions = listAuditEvents({ objectType: "namespace-policy", limit: 10 }).map((event) => event.action);
    expect(actions).toEqual(["namespace-policy.update", "namespace-policy.create"]);
  });
});
