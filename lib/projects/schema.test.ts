import { describe, expect, it } from "vitest";

import { openApiDocument } from "@/lib/api/openapi";
import { fromYamlDocument } from "@/lib/objects/yaml";
import { updateSettingsSchema } from "@/lib/settings/schema";
import { fieldErrorsFrom } from "@/lib/validation";

import {
  createProjectSchema,
  effectiveConfigQuerySchema,
  projectDocumentSchema,
  putOverrideSchema,
  setProjectMembersSchema,
  updateProjectSchema,
} from "./schema";
import { projectYaml } from "./yaml";

function errorsOf(schema: { safeParse(input: unknown): { success: boolean; error?: unknown } }, input: unknown) {
  const parsed = schema.safeParse(input);
  expect(parsed.success, JSON.stringify(input)).toBe(false);
  return fieldErrorsFrom(parsed.error as never);
}

describe("createProjectSchema", () => {
  it("accepts the contract's body and trims", () => {
    expect(createProjectSchema.parse({ key: " churn ", name: "Churn", ownerGroup: "ml" })).toEqual({
      key: "churn",
      name: "Churn",
      description: "",
      ownerGroup: "ml",
    });
    expect(createProjectSchema.parse({ key: "CHURN_2", name: "x", ownerGroup: "" }).ownerGroup).toBeNull();
  });

  it.each([
    [{}, ["key", "name"]],
    [{ key: "", name: "x" }, ["key"]],
    [{ key: "1churn", name: "x" }, ["key"]],
    [{ key: "churn-x", name: "x" }, ["key"]],
    [{ key: "chürn", name: "x" }, ["key"]],
    [{ key: "a".repeat(65), name: "x" }, ["key"]],
    [{ key: 12, name: "x" }, ["key"]],
    [{ key: "Import", name: "x" }, ["key"]],
    [{ key: "churn", name: "" }, ["name"]],
    [{ key: "churn", name: "n".repeat(201) }, ["name"]],
    [{ key: "churn", name: "x", description: "d".repeat(1001) }, ["description"]],
    [{ key: "churn", name: "x", ownerGroup: "bad group!" }, ["ownerGroup"]],
    [{ key: "churn", name: "x", members: [{ group: "ml", role: "owner" }] }, ["members.0.role"]],
    [{ key: "churn", name: "x", members: [{ group: "", role: "admin" }] }, ["members.0.group"]],
    [{ key: "churn", name: "x", members: "ml" }, ["members"]],
    [{ key: "churn", name: "x", executionConfig: 3.5 }, ["executionConfig"]],
    [{ key: "churn", name: "x", cluster: "c".repeat(254) }, ["cluster"]],
    [{ key: "churn", name: "x", sparkConfig: { name: "s" } }, ["sparkConfig"]],
    [{ key: "churn", name: "x", extra: true }, ["extra"]],
  ])("refuses %j with errors on %j", (input, fields) => {
    expect(Object.keys(errorsOf(createProjectSchema, input)).sort()).toEqual([...fields].sort());
  });
});

describe("updateProjectSchema", () => {
  it("treats null and an empty form value as inherit", () => {
    const parsed = updateProjectSchema.parse({
      project: "churn",
      executionConfig: null,
      cluster: "",
      sparkConfig: "spark-small",
      version: "3",
    });
    expect(parsed).toEqual({
      project: "churn",
      executionConfig: null,
      cluster: null,
      sparkConfig: "spark-small",
      version: 3,
    });
  });

  it.each([
    [{ project: "churn", version: "x" }, ["version"]],
    [{ project: "churn", version: 0 }, ["version"]],
    [{ project: "", name: "x" }, ["project"]],
    [{ project: "churn", name: "" }, ["name"]],
    [{ project: "churn", executionConfig: true }, ["executionConfig"]],
    [{ project: "churn", key: "other" }, ["key"]],
  ])("refuses %j", (input, fields) => {
    expect(Object.keys(errorsOf(updateProjectSchema, input))).toEqual(fields);
  });

  it("refuses members lists that are not lists of group and role", () => {
    expect(
      Object.keys(
        errorsOf(setProjectMembersSchema, { project: "churn", members: [{ group: "ml" }, { role: "admin" }, 3] }),
      ).sort(),
    ).toEqual(["members.0.role", "members.1.group", "members.2"]);
  });
});

describe("putOverrideSchema", () => {
  it("accepts every activity type", () => {
    expect(
      putOverrideSchema.parse({
        project: 1,
        objectId: "compute_scores",
        activityType: "ml-train",
        executionConfig: "gpu",
      }).activityType,
    ).toBe("ml-train");
  });

  it.each([
    [{ project: 1, activityType: "python-recipe" }, ["objectId"]],
    [{ project: 1, objectId: "../etc", activityType: "python-recipe" }, ["objectId"]],
    [{ project: 1, objectId: "x".repeat(129), activityType: "python-recipe" }, ["objectId"]],
    [{ project: 1, objectId: "a b", activityType: "python-recipe" }, ["objectId"]],
    [{ project: 1, objectId: "ok", activityType: "sql-recipe" }, ["activityType"]],
    [{ project: 1, objectId: "ok" }, ["activityType"]],
    [{ project: 1, objectId: "ok", activityType: "python-recipe", cluster: [] }, ["cluster"]],
  ])("refuses %j", (input, fields) => {
    expect(Object.keys(errorsOf(putOverrideSchema, input))).toEqual(fields);
  });
});

describe("effectiveConfigQuerySchema", () => {
  it("refuses unknown activities, bad object ids and unknown parameters", () => {
    expect(
      Object.keys(errorsOf(effectiveConfigQuerySchema, { activity: "shell", object: "a/b", x: "1" })).sort(),
    ).toEqual(["activity", "object", "x"]);
  });
});

describe("updateSettingsSchema", () => {
  it("accepts names, ids and null", () => {
    expect(
      updateSettingsSchema.parse({ defaultExecutionConfig: "cpu", defaultCluster: null, defaultSparkConfig: "" }),
    ).toEqual({
      defaultExecutionConfig: "cpu",
      defaultCluster: null,
      defaultSparkConfig: null,
    });
  });

  it.each([
    [{ defaultExecutionConfig: true }, ["defaultExecutionConfig"]],
    [{ defaultCluster: -1 }, ["defaultCluster"]],
    [{ defaultSparkConfig: "x".repeat(300) }, ["defaultSparkConfig"]],
    [{ defaultVisualRecipeExecutionConfig: ["a"] }, ["defaultVisualRecipeExecutionConfig"]],
    [{ defaultQueue: "x" }, ["defaultQueue"]],
  ])("refuses %j", (input, fields) => {
    expect(Object.keys(errorsOf(updateSettingsSchema, input))).toEqual(fields);
  });
});

describe("project YAML", () => {
  it("round-trips through the import schema", () => {
    const view = {
      id: 1,
      key: "churn",
      name: "Churn",
      description: "Who leaves",
      ownerGroup: "ml",
      executionConfig: "gpu",
      visualRecipeExecutionConfig: null,
      sparkConfig: null,
      cluster: "embedded",
      members: [{ group: "ml", role: "admin" as const }],
      version: 2,
      createdAt: "",
      updatedAt: "",
    };
    const parsed = fromYamlDocument(projectYaml(view), "Project", projectDocumentSchema);
    expect(parsed).toEqual({
      ok: true,
      value: {
        name: "churn",
        description: "Who leaves",
        displayName: "Churn",
        ownerGroup: "ml",
        executionConfig: "gpu",
        visualRecipeExecutionConfig: null,
        sparkConfig: null,
        cluster: "embedded",
        members: view.members,
      },
    });
  });

  it("gives field errors for a bad document", () => {
    const parsed = fromYamlDocument(
      "apiVersion: berth.dev/v1\nkind: Project\nmetadata: {name: 9x}\nspec: {members: [{group: ml, role: boss}]}\n",
      "Project",
      projectDocumentSchema,
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.fieldErrors).sort()).toEqual(["displayName", "members.0.role", "name"]);
  });
});

describe("OpenAPI", () => {
  it("describes the settings and project operations", () => {
    const paths = Object.keys(openApiDocument("http://localhost").paths);
    for (const path of [
      "/api/v1/settings",
      "/api/v1/projects",
      "/api/v1/projects/{project}",
      "/api/v1/projects/{project}/effective-config",
      "/api/v1/projects/{project}/overrides/{objectId}",
    ]) {
      expect(paths).toContain(path);
    }
  });
});
