import { describe, expect, it } from "vitest";

import { resolveApplyConflicts, type ManagedFieldsEntry } from "./apply-conflicts";
import { isStatusError } from "./errors";
import { fieldSet } from "./patch";

const entry = (manager: string, config: Record<string, unknown>): ManagedFieldsEntry => ({
  manager,
  operation: "Apply",
  apiVersion: "v1",
  time: "2026-01-01T00:00:00Z",
  fieldsType: "FieldsV1",
  fieldsV1: fieldSet(config),
});

const live = { metadata: { name: "p" }, data: { a: "1", b: "1" }, spec: { containers: [{ name: "c", image: "i1" }] } };

describe("apply conflicts", () => {
  it("lets managers share fields they set to the same value", () => {
    const others = [entry("alice", { metadata: { name: "p" }, data: { a: "1" } })];
    expect(resolveApplyConflicts(others, { data: { a: "1" } }, fieldSet({ data: { a: "1" } }), live, false)).toBe(
      others,
    );
  });

  it("refuses a different value for a field another manager applied, with upstream's message", () => {
    const others = [
      entry("alice", { metadata: { name: "p" }, data: { a: "1" }, spec: { containers: [{ name: "c", image: "i1" }] } }),
    ];
    const applied = { metadata: { name: "p" }, data: { a: "2" }, spec: { containers: [{ name: "c", image: "i2" }] } };
    try {
      resolveApplyConflicts(others, applied, fieldSet(applied), live, false);
      throw new Error("expected a conflict");
    } catch (error) {
      expect(isStatusError(error) && error.status).toMatchObject({
        code: 409,
        reason: "Conflict",
        message:
          'Apply failed with 2 conflicts: conflicts with "alice" using v1\n- .data.a\n- .spec.containers[name="c"].image',
        details: {
          causes: [
            { reason: "FieldManagerConflict", message: 'conflict with "alice" using v1', field: ".data.a" },
            expect.anything(),
          ],
        },
      });
    }
  });

  it("moves ownership with force, dropping managers left with nothing", () => {
    const others = [
      entry("alice", { metadata: { name: "p" }, data: { a: "1" } }),
      entry("bob", { metadata: { name: "p" }, data: { a: "1", b: "1" } }),
    ];
    const applied = { data: { a: "9" } };
    const result = resolveApplyConflicts(others, applied, fieldSet(applied), live, true);
    expect(result.map((e) => e.manager)).toEqual(["bob"]);
    expect(result[0].fieldsV1).toEqual({ "f:metadata": { "f:name": {} }, "f:data": { "f:b": {} } });
  });
});
