import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";

import { blockingError, resolveEffectiveConfig, type ResolutionInput } from "./resolve";

const ada: Actor = {
  id: 2,
  username: "ada",
  role: "user",
  groups: ["ml"],
  clusterLevels: { 1: "use" },
  dockerHostLevels: { 5: "use" },
};
const bob: Actor = { id: 3, username: "bob", role: "user", groups: ["ml"], clusterLevels: { 1: "use" } };

const EXECUTION = [
  { id: 10, name: "cpu-small", usableBy: "all" as const, clusterId: null },
  {
    id: 30,
    name: "docker-small",
    usableBy: "all" as const,
    clusterId: null,
    engine: "docker" as const,
    dockerHostId: 5,
  },
  {
    id: 31,
    name: "docker-orphan",
    usableBy: "all" as const,
    clusterId: null,
    engine: "docker" as const,
    dockerHostId: 99,
  },
];
const NOTHING = { executionConfigId: null, visualRecipeExecutionConfigId: null, sparkConfigId: null, clusterId: null };

function input(overrides: Partial<ResolutionInput>): ResolutionInput {
  return {
    instance: { executionConfigId: 10, visualRecipeExecutionConfigId: null, sparkConfigId: null, clusterId: null },
    project: NOTHING,
    override: null,
    activity: "python-recipe",
    executionConfigs: EXECUTION,
    sparkConfigs: [],
    clusters: [{ id: 1, name: "embedded" }],
    dockerHosts: [{ id: 5, name: "local" }],
    actor: ada,
    ...overrides,
  };
}

describe("resolveEffectiveConfig with a docker execution config", () => {
  it("runs on the config's Docker host, with no cluster needed", () => {
    const resolution = resolveEffectiveConfig(input({ project: { ...NOTHING, executionConfigId: 30 } }));
    expect(resolution.cluster).toEqual({ value: null, origin: null, unused: true });
    expect(resolution.dockerHost).toEqual({ value: "local", origin: "project", via: "executionConfig" });
    expect(blockingError(resolution, "python-recipe")).toBeUndefined();
  });

  it("blocks a user whose groups may not use the Docker host, and a host that is gone", () => {
    const refused = resolveEffectiveConfig(input({ project: { ...NOTHING, executionConfigId: 30 }, actor: bob }));
    expect(blockingError(refused, "python-recipe")).toBe(
      "no usage permission for Docker host local: your groups may not use it",
    );
    const orphan = resolveEffectiveConfig(input({ project: { ...NOTHING, executionConfigId: 31 } }));
    expect(blockingError(orphan, "python-recipe")).toBe("config not found: the Docker host #99 was deleted");
  });

  it("leaves kubernetes configs as they were: no dockerHost, the cluster setting applies", () => {
    const resolution = resolveEffectiveConfig(input({}));
    expect(resolution.dockerHost).toBeUndefined();
    expect(resolution.cluster).toEqual({ value: null, origin: null, error: "no cluster selected" });
  });
});
