import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/permissions";

// A fresh database for this file; server modules read the data dir when first used.
process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-import-"));

describe("YAML imports (the functions behind the import server actions and routes)", async () => {
  const { importExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { importSparkConfig } = await import("@/lib/spark-configs/mutations");
  const { importPolicy } = await import("@/lib/namespace-policies/mutations");
  const { importBaseImage } = await import("@/lib/images/mutations");
  const { importCodeEnv } = await import("@/lib/code-envs/mutations");
  const imports = { importExecutionConfig, importSparkConfig, importPolicy, importBaseImage, importCodeEnv };

  const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
  const plainUser: Actor = { id: 2, username: "bob", role: "user", groups: ["ml"] };
  // Not YAML at all: a parser that ran first would answer with its own complaint.
  const broken = "spec: [unclosed\n  - {";

  for (const [name, importDocument] of Object.entries(imports)) {
    it(`${name}: checks the caller's permission before it parses the document`, async () => {
      const refused = await importDocument(broken, plainUser, "ui");
      expect(refused).toMatchObject({ ok: false, status: 403, error: expect.stringContaining("permission") });
      expect(JSON.stringify(refused)).not.toMatch(/yaml/i);
      expect(await importDocument(broken, null, "ui")).toMatchObject({ ok: false, status: 401 });
      expect(await importDocument(broken, admin, "ui")).toMatchObject({ ok: false, status: 400, fieldErrors: { yaml: [expect.stringContaining("Not valid YAML")] } });
    });

    it(`${name}: refuses a document over 200 000 characters without parsing it`, async () => {
      const huge = `# ${"x".repeat(200_000)}\n`;
      expect(await importDocument(huge, admin, "ui")).toMatchObject({ ok: false, status: 400, fieldErrors: { yaml: [expect.stringContaining("too large")] } });
    });
  }
});
