import { describe, expect, it } from "vitest";

import { can, CLUSTER_LEVELS, higher, mayUse, PERMISSIONS, type Actor, type Permission } from "./permissions";

const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
const user: Actor = {
  id: 2,
  username: "ada",
  role: "user",
  groups: ["ml"],
  clusterLevels: { 7: "operate" },
  projectRoles: { 3: "contributor" },
};

describe("can", () => {
  it("gives admins every permission, scoped or not", () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      expect(can(admin, permission)).toBe(true);
      expect(can(admin, permission, { cluster: 99 })).toBe(true);
    }
  });

  it("gives users only what their role grants without a scope", () => {
    expect(can(user, "tokens.own")).toBe(true);
    expect(can(user, "configs.read")).toBe(true);
    expect(can(user, "users.read")).toBe(false);
    expect(can(user, "configs.manage")).toBe(false);
    expect(can(user, "images.read")).toBe(true);
    expect(can(user, "images.manage")).toBe(false);
    expect(can(user, "clusters.use")).toBe(false);
  });

  it("grants cluster permissions up to the group's level, on that cluster only", () => {
    expect(can(user, "clusters.use", { cluster: 7 })).toBe(true);
    expect(can(user, "clusters.operate", { cluster: 7 })).toBe(true);
    expect(can(user, "clusters.manage", { cluster: 7 })).toBe(false);
    expect(can(user, "clusters.use", { cluster: 8 })).toBe(false);
  });

  it("grants Docker host permissions up to the group's level on that host, never from a cluster's level", () => {
    const dockerUser: Actor = { ...user, dockerHostLevels: { 4: "use" } };
    expect(can(dockerUser, "dockerHosts.read")).toBe(true);
    expect(can(dockerUser, "dockerHosts.use", { dockerHost: 4 })).toBe(true);
    expect(can(dockerUser, "dockerHosts.operate", { dockerHost: 4 })).toBe(false);
    expect(can(dockerUser, "dockerHosts.use", { dockerHost: 7 })).toBe(false);
    expect(can(dockerUser, "clusters.use", { dockerHost: 4 })).toBe(false);
    expect(can(dockerUser, "dockerHosts.use", { cluster: 7 })).toBe(false);
  });

  it("grants project permissions up to the group's role, on that project only", () => {
    expect(can(user, "projects.read", { project: 3 })).toBe(true);
    expect(can(user, "projects.contribute", { project: 3 })).toBe(true);
    expect(can(user, "projects.manage", { project: 3 })).toBe(false);
    expect(can(user, "projects.read", { project: 4 })).toBe(false);
    // A scope never widens an unrelated permission.
    expect(can(user, "users.manage", { project: 3 })).toBe(false);
  });

  it("refuses nobody", () => {
    expect(can(null, "tokens.own")).toBe(false);
  });
});

describe("mayUse and higher", () => {
  it("lets everyone use 'all', listed groups use theirs, admins everything", () => {
    expect(mayUse(user, "all")).toBe(true);
    expect(mayUse(user, { groups: ["ml", "bi"] })).toBe(true);
    expect(mayUse(user, { groups: ["bi"] })).toBe(false);
    expect(mayUse(admin, { groups: [] })).toBe(true);
  });
  it("keeps the higher level", () => {
    expect(higher(CLUSTER_LEVELS, "use", "manage")).toBe("manage");
    expect(higher(CLUSTER_LEVELS, "manage", "use")).toBe("manage");
    expect(higher(CLUSTER_LEVELS, undefined, "use")).toBe("use");
  });
});
