import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";

import { ACTIVITY_TYPES, isSparkActivity, isVisualActivity } from "./activities";
import { blockingError, describeOrigin, resolveEffectiveConfig, type ResolutionInput } from "./resolve";

const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
const mlUser: Actor = {
  id: 2,
  username: "ada",
  role: "user",
  groups: ["ml"],
  clusterLevels: { 1: "use", 2: "use", 3: "use" },
};
const outsider: Actor = {
  id: 3,
  username: "bob",
  role: "user",
  groups: ["sales"],
  clusterLevels: { 1: "use", 2: "use" },
};

const EXECUTION = [
  { id: 10, name: "cpu-small", usableBy: "all" as const, clusterId: null },
  { id: 11, name: "gpu-a100", usableBy: { groups: ["ml"] }, clusterId: null },
  { id: 12, name: "visual-default", usableBy: "all" as const, clusterId: null },
  { id: 13, name: "pinned", usableBy: "all" as const, clusterId: 3 },
];
const SPARK = [
  { id: 20, name: "spark-small", usableBy: "all" as const, clusterId: null },
  { id: 21, name: "spark-ml", usableBy: { groups: ["ml"] }, clusterId: 2 },
];
const CLUSTERS = [
  { id: 1, name: "embedded" },
  { id: 2, name: "gpu-prod" },
  { id: 3, name: "pinned-cluster" },
];
const NOTHING = { executionConfigId: null, visualRecipeExecutionConfigId: null, sparkConfigId: null, clusterId: null };

function input(overrides: Partial<ResolutionInput>): ResolutionInput {
  return {
    instance: { executionConfigId: 10, visualRecipeExecutionConfigId: 12, sparkConfigId: 20, clusterId: 1 },
    project: NOTHING,
    override: null,
    activity: "python-recipe",
    executionConfigs: EXECUTION,
    sparkConfigs: SPARK,
    clusters: CLUSTERS,
    actor: mlUser,
    ...overrides,
  };
}

describe("activities", () => {
  it("marks visual and Spark activities", () => {
    expect(ACTIVITY_TYPES.filter(isVisualActivity)).toEqual(["spark-visual-recipe"]);
    expect(ACTIVITY_TYPES.filter(isSparkActivity)).toEqual(["spark-recipe", "spark-visual-recipe"]);
  });
});

describe("resolveEffectiveConfig: origins", () => {
  it("takes every value from the instance when nothing else is set", () => {
    expect(resolveEffectiveConfig(input({}))).toEqual({
      executionConfig: { value: "cpu-small", origin: "instance" },
      sparkConfig: { value: "spark-small", origin: "instance", unused: true },
      cluster: { value: "embedded", origin: "instance" },
    });
  });

  it("prefers the project's settings over the instance", () => {
    const resolution = resolveEffectiveConfig(
      input({ project: { ...NOTHING, executionConfigId: 11, sparkConfigId: 21, clusterId: 2 } }),
    );
    expect(resolution.executionConfig).toEqual({ value: "gpu-a100", origin: "project" });
    expect(resolution.sparkConfig).toEqual({ value: "spark-ml", origin: "project", unused: true });
    expect(resolution.cluster).toEqual({ value: "gpu-prod", origin: "project" });
  });

  it("prefers the object's override over the project, value by value", () => {
    const resolution = resolveEffectiveConfig(
      input({
        project: { ...NOTHING, executionConfigId: 11, clusterId: 2 },
        override: { executionConfigId: 10, sparkConfigId: null, clusterId: null },
      }),
    );
    expect(resolution.executionConfig).toEqual({ value: "cpu-small", origin: "object" });
    expect(resolution.sparkConfig).toEqual({ value: "spark-small", origin: "instance", unused: true });
    expect(resolution.cluster).toEqual({ value: "gpu-prod", origin: "project" });
  });

  it("puts a run's own choices above the object's override, and the override above the project", () => {
    const override = { executionConfigId: 11, sparkConfigId: null, clusterId: 2 };
    const withObject = resolveEffectiveConfig(input({ project: { ...NOTHING, executionConfigId: 12 }, override }));
    expect(withObject.executionConfig).toEqual({ value: "gpu-a100", origin: "object" });
    expect(withObject.cluster).toEqual({ value: "gpu-prod", origin: "object" });
    const chosen = resolveEffectiveConfig(
      input({ override, run: { executionConfigId: 10, sparkConfigId: null, clusterId: null } }),
    );
    expect(chosen.executionConfig).toEqual({ value: "cpu-small", origin: "run" });
    expect(chosen.cluster).toEqual({ value: "gpu-prod", origin: "object" });
    expect(describeOrigin(chosen.executionConfig)).toBe("chosen for this run");
    expect(describeOrigin(chosen.cluster)).toBe("from object override");
  });

  it("takes the cluster from the object override", () => {
    const resolution = resolveEffectiveConfig(
      input({
        project: { ...NOTHING, clusterId: 2 },
        override: { executionConfigId: null, sparkConfigId: null, clusterId: 1 },
      }),
    );
    expect(resolution.cluster).toEqual({ value: "embedded", origin: "object" });
  });

  it("runs on the execution config's own cluster when it has one, with the config's origin", () => {
    const resolution = resolveEffectiveConfig(input({ project: { ...NOTHING, executionConfigId: 13, clusterId: 2 } }));
    expect(resolution.cluster).toEqual({ value: "pinned-cluster", origin: "project", via: "executionConfig" });
    expect(describeOrigin(resolution.cluster)).toBe("from the execution config (project setting)");
  });

  it("says where a value came from in words", () => {
    expect(describeOrigin({ value: "gpu-prod", origin: "project" })).toBe("from project setting");
    expect(describeOrigin({ value: "x", origin: "object" })).toBe("from object override");
    expect(describeOrigin({ value: "x", origin: "instance" })).toBe("from instance default");
    expect(describeOrigin({ value: null, origin: null })).toBe("not set");
  });
});

describe("resolveEffectiveConfig: visual recipes and Spark", () => {
  it("uses the visual-recipe default at instance level for visual activities", () => {
    const resolution = resolveEffectiveConfig(input({ activity: "spark-visual-recipe" }));
    expect(resolution.executionConfig).toEqual({ value: "visual-default", origin: "instance" });
  });

  it("uses the project's visual-recipe setting, not its user-code one, for visual activities", () => {
    const project = { ...NOTHING, executionConfigId: 11, visualRecipeExecutionConfigId: 10 };
    expect(resolveEffectiveConfig(input({ activity: "spark-visual-recipe", project })).executionConfig).toEqual({
      value: "cpu-small",
      origin: "project",
    });
    expect(resolveEffectiveConfig(input({ activity: "python-recipe", project })).executionConfig).toEqual({
      value: "gpu-a100",
      origin: "project",
    });
  });

  it("lets an object override win for visual activities too", () => {
    const override = { executionConfigId: 11, sparkConfigId: null, clusterId: null };
    expect(resolveEffectiveConfig(input({ activity: "spark-visual-recipe", override })).executionConfig).toEqual({
      value: "gpu-a100",
      origin: "object",
    });
  });

  it("never uses the visual default for user code", () => {
    const resolution = resolveEffectiveConfig(
      input({ instance: { ...NOTHING, visualRecipeExecutionConfigId: 12, clusterId: 1 } }),
    );
    expect(resolution.executionConfig).toEqual({ value: null, origin: null, error: "no execution config selected" });
  });

  it("requires a Spark config for Spark activities only", () => {
    const instance = { ...NOTHING, executionConfigId: 10, clusterId: 1 };
    expect(resolveEffectiveConfig(input({ instance, activity: "spark-recipe" })).sparkConfig).toEqual({
      value: null,
      origin: null,
      error: "no Spark config selected",
    });
    expect(resolveEffectiveConfig(input({ instance, activity: "python-recipe" })).sparkConfig).toEqual({
      value: null,
      origin: null,
      unused: true,
    });
  });

  it("does not require an execution config for Spark activities", () => {
    const instance = { ...NOTHING, sparkConfigId: 20, clusterId: 1 };
    const resolution = resolveEffectiveConfig(input({ instance, activity: "spark-recipe" }));
    expect(resolution.executionConfig).toEqual({ value: null, origin: null });
    expect(blockingError(resolution, "spark-recipe")).toBeUndefined();
  });

  it("runs Spark activities on the Spark config's own cluster when it has one", () => {
    const resolution = resolveEffectiveConfig(
      input({ activity: "spark-recipe", project: { ...NOTHING, sparkConfigId: 21 } }),
    );
    expect(resolution.cluster).toEqual({ value: "gpu-prod", origin: "project", via: "sparkConfig" });
  });
});

describe("resolveEffectiveConfig: errors where they belong", () => {
  it("reports a deleted config as not found at the level that references it, without falling back", () => {
    const resolution = resolveEffectiveConfig(input({ project: { ...NOTHING, executionConfigId: 99 } }));
    expect(resolution.executionConfig.value).toBeNull();
    expect(resolution.executionConfig.origin).toBe("project");
    expect(resolution.executionConfig.error).toMatch(
      /^config not found: the execution config #99 set as project setting was deleted/,
    );
    expect(resolution.cluster).toEqual({ value: "embedded", origin: "instance" });
  });

  it("reports a deleted Spark config and a deleted cluster as not found", () => {
    const resolution = resolveEffectiveConfig(
      input({ instance: { ...NOTHING, executionConfigId: 10, sparkConfigId: 98, clusterId: 97 } }),
    );
    expect(resolution.sparkConfig.error).toMatch(/^config not found: the Spark config #98/);
    expect(resolution.cluster).toEqual({
      value: null,
      origin: "instance",
      error: "config not found: the cluster #97 was deleted",
    });
  });

  it("refuses a config the actor's groups may not use, naming it", () => {
    const resolution = resolveEffectiveConfig(
      input({ actor: outsider, project: { ...NOTHING, executionConfigId: 11 } }),
    );
    expect(resolution.executionConfig).toEqual({
      value: "gpu-a100",
      origin: "project",
      error: "no usage permission for execution config gpu-a100: your groups may not use it",
    });
    expect(blockingError(resolution, "python-recipe")).toMatch(/^no usage permission/);
  });

  it("lets members of an allowed group and admins use a restricted config", () => {
    const project = { ...NOTHING, executionConfigId: 11, sparkConfigId: 21 };
    for (const actor of [mlUser, admin]) {
      const resolution = resolveEffectiveConfig(input({ actor, project, activity: "spark-recipe" }));
      expect(resolution.executionConfig.error).toBeUndefined();
      expect(resolution.sparkConfig.error).toBeUndefined();
    }
  });

  it("does not refuse a Spark config to activities that do not run Spark", () => {
    const project = { ...NOTHING, executionConfigId: 11, sparkConfigId: 21 };
    const spark = resolveEffectiveConfig(input({ actor: outsider, project, activity: "spark-recipe" }));
    expect(spark.executionConfig.error).toMatch(/^no usage permission/);
    const python = resolveEffectiveConfig(input({ actor: outsider, project, activity: "python-recipe" }));
    expect(python.sparkConfig).toEqual({ value: "spark-ml", origin: "project", unused: true });
  });

  it("still reports a deleted config the activity does not run with, as not blocking", () => {
    const resolution = resolveEffectiveConfig(input({ project: { ...NOTHING, sparkConfigId: 99 } }));
    expect(resolution.sparkConfig).toMatchObject({
      value: null,
      origin: "project",
      unused: true,
      error: expect.stringMatching(/^config not found/),
    });
    expect(blockingError(resolution, "python-recipe")).toBeUndefined();
  });

  it("refuses a restricted Spark config to outsiders", () => {
    const resolution = resolveEffectiveConfig(
      input({
        actor: outsider,
        activity: "spark-recipe",
        override: { executionConfigId: null, sparkConfigId: 21, clusterId: null },
      }),
    );
    expect(resolution.sparkConfig.error).toBe(
      "no usage permission for Spark config spark-ml: your groups may not use it",
    );
    expect(blockingError(resolution, "spark-recipe")).toBe(resolution.sparkConfig.error);
  });

  it("refuses a cluster the actor has no use grant on", () => {
    const resolution = resolveEffectiveConfig(input({ actor: outsider, project: { ...NOTHING, clusterId: 3 } }));
    expect(resolution.cluster).toEqual({
      value: "pinned-cluster",
      origin: "project",
      error: "no usage permission for cluster pinned-cluster: your groups may not use it",
    });
    expect(
      resolveEffectiveConfig(input({ actor: admin, project: { ...NOTHING, clusterId: 3 } })).cluster.error,
    ).toBeUndefined();
  });

  it("reports no cluster selected when no level sets one and the config has none", () => {
    const resolution = resolveEffectiveConfig(input({ instance: { ...NOTHING, executionConfigId: 10 } }));
    expect(resolution.cluster).toEqual({ value: null, origin: null, error: "no cluster selected" });
    expect(blockingError(resolution, "python-recipe")).toBe("no cluster selected");
  });

  it("falls back to the cluster setting when the config was deleted", () => {
    const resolution = resolveEffectiveConfig(
      input({
        override: { executionConfigId: 77, sparkConfigId: null, clusterId: null },
        project: { ...NOTHING, clusterId: 2 },
      }),
    );
    expect(resolution.executionConfig.origin).toBe("object");
    expect(resolution.cluster).toEqual({ value: "gpu-prod", origin: "project" });
  });

  it("resolves every activity type without throwing", () => {
    for (const activity of ACTIVITY_TYPES) {
      const resolution = resolveEffectiveConfig(input({ activity }));
      expect(blockingError(resolution, activity)).toBeUndefined();
    }
  });
});
