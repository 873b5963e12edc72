import { describe, expect, it } from "vitest";
import { PERMISSIONS, can, type Actor, type Permission } from "./permissions";

const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
const user: Actor = { id: 2, username: "ada", role: "user", groups: ["ml"] };

describe("can", () => {
  it("gives admins every permission", () => {
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) expect(can(admin, permission)).toBe(true);
  });

  it("gives users only their own tokens", () => {
    expect(can(user, "tokens.own")).toBe(true);
    expect(can(user, "users.read")).toBe(false);
    expect(can(user, "users.manage")).toBe(false);
    expect(can(user, "audit.read")).toBe(false);
  });

  it("refuses nobody", () => {
    expect(can(null, "tokens.own")).toBe(false);
  });
});
