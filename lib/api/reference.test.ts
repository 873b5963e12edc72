import { describe, expect, it } from "vitest";

import { openApiDocument } from "./openapi";
import { constraintsOf, fieldsOf, isNullable, referenceOf, typeLabel } from "./reference";

describe("the API reference's reading of the document", () => {
  const document = openApiDocument("http://berth.test");
  const tags = referenceOf(document);

  it("lists every operation once, under its tag, in the document's tag order", () => {
    const listed = tags.flatMap((tag) => tag.operations.map((operation) => operation.operationId));
    const inDocument = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods as Record<string, { operationId: string }>).map((operation) => operation.operationId),
    );
    expect(listed.sort()).toEqual(inDocument.sort());
    expect(tags.map((tag) => tag.name)).toEqual(
      document.tags.map((tag) => tag.name).filter((name) => tags.some((tag) => tag.name === name)),
    );
  });

  it("shows the submit operation with its body fields, example and refusals resolved", () => {
    const submit = tags
      .find((tag) => tag.name === "runs")!
      .operations.find((operation) => operation.operationId === "submitRun")!;
    expect(submit.summary).toMatch(/^Submit a run/);
    const fields = fieldsOf(submit.requestBody!.schema)!;
    expect(fields.required.sort()).toEqual(["activity", "project"]);
    expect(Object.keys(fields.properties)).toEqual(
      expect.arrayContaining(["project", "activity", "object", "script", "command", "env"]),
    );
    expect(submit.requestBody!.examples[0].value).toMatchObject({ project: "churn", activity: "python-recipe" });
    const refusal = submit.responses.find((response) => response.status === "403")!;
    expect(refusal.media[0].schema.properties).toHaveProperty("fieldErrors");
  });

  it("marks the public operations", () => {
    const system = tags.find((tag) => tag.name === "system")!;
    expect(system.operations.filter((operation) => operation.public).map((operation) => operation.operationId)).toEqual(
      expect.arrayContaining(["getHealth", "getOpenApiDocument"]),
    );
    for (const tag of tags)
      for (const operation of tag.operations.filter((each) => each.public))
        expect(tag.name, operation.operationId).toBe("system");
  });

  it("describes schemas in words", () => {
    expect(typeLabel({ type: "string", enum: ["a", "b"] })).toBe('"a" | "b"');
    expect(typeLabel({ anyOf: [{ type: "string" }, { type: "null" }] })).toBe("string");
    expect(isNullable({ anyOf: [{ type: "string" }, { type: "null" }] })).toBe(true);
    expect(isNullable({ type: ["string", "null"] })).toBe(true);
    expect(typeLabel({ type: "array", items: { type: "integer" } })).toBe("integer[]");
    expect(typeLabel({ type: "object", additionalProperties: { type: "string" } })).toBe("map of string");
    expect(typeLabel({ anyOf: [{ type: "integer" }, { type: "string" }] })).toBe("integer | string");
    expect(constraintsOf({ type: "string", minLength: 1, maxLength: 63, pattern: "^[a-z]+$", default: "x" })).toEqual([
      "1–63 characters",
      "pattern ^[a-z]+$",
      'default "x"',
    ]);
    expect(constraintsOf({ type: "integer", exclusiveMinimum: 0, maximum: 9007199254740991 })).toEqual(["more than 0"]);
    expect(
      fieldsOf({ type: "array", items: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] } }),
    ).toEqual({ properties: { id: { type: "integer" } }, required: ["id"] });
  });
});
