import { describe, expect, it } from "vitest";
import { z } from "zod";

import { fromYamlDocument, toYamlDocument } from "./yaml";

const schema = z.strictObject({ name: z.string().min(1), description: z.string(), image: z.string().min(1) });

describe("YAML export and import", () => {
  it("round-trips", () => {
    const text = toYamlDocument("ExecutionConfig", { name: "gpu", description: "d" }, { image: "python:3.12" });
    expect(text).toContain("kind: ExecutionConfig");
    expect(fromYamlDocument(text, "ExecutionConfig", schema)).toEqual({
      ok: true,
      value: { name: "gpu", description: "d", image: "python:3.12" },
    });
  });

  it("reports broken YAML, the wrong kind and bad fields", () => {
    expect(fromYamlDocument("a: [", "ExecutionConfig", schema)).toMatchObject({
      ok: false,
      fieldErrors: { yaml: [expect.stringContaining("Not valid YAML")] },
    });
    expect(fromYamlDocument("apiVersion: berth.dev/v1\nkind: SparkConfig\n", "ExecutionConfig", schema)).toMatchObject({
      ok: false,
    });
    const bad = fromYamlDocument(
      "apiVersion: berth.dev/v1\nkind: ExecutionConfig\nmetadata: {name: x}\nspec: {image: '', extra: 1}\n",
      "ExecutionConfig",
      schema,
    );
    expect(bad).toMatchObject({ ok: false, fieldErrors: { image: expect.any(Array), extra: ["Unknown field"] } });
  });
});
