import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import type { Actor } from "@/lib/permissions";

// A fresh database for this file; server modules read the data dir when first used.
process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-form-action-"));

describe("submitForm: the rule every console form follows", async () => {
  const { getDb } = await import("@/db");
  const { users } = await import("@/db/schema");
  const { defineMutation, executeMutation } = await import("./mutation");
  const { submitForm } = await import("./form-action");
  const { listAuditEvents } = await import("@/lib/audit/queries");

  const row = getDb().insert(users).values({ username: "admin", role: "admin" }).returning().get();
  const admin: Actor = { id: row.id, username: "admin", role: "admin", groups: [] };

  const saved: unknown[] = [];
  const saveGadget = defineMutation({
    name: "gadget.save",
    permission: "settings.manage",
    schema: z.strictObject({
      name: z.string().min(3, "Name needs 3 characters"),
      env: z.record(z.string(), z.string().regex(/^\S*$/, "no spaces")).optional(),
      size: z.coerce.number().int("Size must be a whole number").optional(),
    }),
    run(input, ctx) {
      saved.push(input);
      return ctx.write(() => ({
        result: { name: input.name },
        audit: { objectType: "gadget", objectName: input.name },
      }));
    },
  });
  const execute = (input: Record<string, unknown>) => executeMutation(saveGadget, input, admin, "ui");
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [key, value] of Object.entries(fields)) data.append(key, value);
    return data;
  };
  /** Reads "NAME=value" lines into env; a line without "=" cannot be read. */
  const readEnvLines = (formData: FormData) => {
    const env: Record<string, string> = {};
    const problems: string[] = [];
    for (const line of String(formData.get("env") ?? "")
      .split("\n")
      .filter(Boolean)) {
      const at = line.indexOf("=");
      if (at < 1) problems.push(`"${line}" is not NAME=value`);
      else env[line.slice(0, at)] = line.slice(at + 1);
    }
    return {
      input: { name: formData.get("name"), size: formData.get("size") ?? undefined, env },
      fieldErrors: problems.length ? { env: problems } : undefined,
    };
  };
  // Nested errors (env.KEY) go onto the env field, naming the key.
  const onFormFields = (errors: Record<string, string[]>) =>
    Object.fromEntries(
      Object.entries(errors).reduce<[string, string[]][]>((fields, [field, messages]) => {
        const [owner, key] = field.split(".");
        const existing = fields.find(([name]) => name === owner);
        const worded = messages.map((message) => (key ? `${key}: ${message}` : message));
        if (existing) existing[1].push(...worded);
        else fields.push([owner, worded]);
        return fields;
      }, []),
    );

  it("saves through the mutation (with its audit row) and says where to go", async () => {
    const outcome = await submitForm(
      saveGadget,
      { redirectTo: (data) => `/gadgets/${data.name}` },
      form({ name: "lamp", size: "3" }),
      execute,
    );
    expect(outcome).toEqual({ result: { ok: true, data: { name: "lamp" } }, redirectTo: "/gadgets/lamp" });
    expect(saved.at(-1)).toEqual({ name: "lamp", size: 3 });
    expect(listAuditEvents({ objectType: "gadget", limit: 5 })[0]).toMatchObject({
      action: "gadget.save",
      objectName: "lamp",
    });
  });

  it("without redirectTo the form stays: no place to go", async () => {
    const outcome = await submitForm(saveGadget, {}, form({ name: "desk" }), execute);
    expect(outcome).toEqual({ result: { ok: true, data: { name: "desk" } }, redirectTo: undefined });
  });

  it("refuses unreadable lines together with every other field's error, and runs nothing", async () => {
    const before = saved.length;
    const outcome = await submitForm(
      saveGadget,
      { read: readEnvLines, fieldErrors: onFormFields, redirectTo: () => "/gadgets" },
      form({ name: "x", size: "1.5", env: "A=1\noops" }),
      execute,
    );
    expect(outcome.redirectTo).toBeUndefined();
    expect(outcome.result).toEqual({
      ok: false,
      status: 400,
      error: "Some fields are not valid",
      fieldErrors: {
        env: ['"oops" is not NAME=value'],
        name: ["Name needs 3 characters"],
        size: ["Size must be a whole number"],
      },
    });
    expect(saved.length).toBe(before);
  });

  it("folds the mutation's field errors onto the form's fields and goes nowhere", async () => {
    const outcome = await submitForm(
      saveGadget,
      { read: readEnvLines, fieldErrors: onFormFields, redirectTo: () => "/gadgets" },
      form({ name: "chair", env: "GREETING=hello there" }),
      execute,
    );
    expect(outcome).toEqual({
      result: {
        ok: false,
        status: 400,
        error: "Some fields are not valid",
        fieldErrors: { env: ["GREETING: no spaces"] },
      },
    });
  });

  it("passes a refusal without field errors on as it is", async () => {
    const reader: Actor = { id: row.id, username: "admin", role: "user", groups: [] };
    const outcome = await submitForm(
      saveGadget,
      { fieldErrors: onFormFields, redirectTo: () => "/gadgets" },
      form({ name: "stool" }),
      (input) => executeMutation(saveGadget, input, reader, "ui"),
    );
    expect(outcome).toEqual({
      result: { ok: false, status: 403, error: 'You do not have the permission "settings.manage"' },
    });
  });
});
