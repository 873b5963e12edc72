import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";

import { mayAbortRun, maySeeRun, readableProjectIds } from "./access";

const alice: Actor = {
  id: 2,
  username: "alice",
  role: "user",
  groups: ["ml"],
  projectRoles: { 10: "contributor", 11: "reader", 12: "admin" },
};
const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
const run = (projectId: number | null, userId: number | null) => ({ projectId, userId });

describe("run access", () => {
  it("shows a run to its submitter, to readers of its project and to admins", () => {
    expect(maySeeRun(alice, run(99, 2))).toBe(true);
    expect(maySeeRun(alice, run(11, 3))).toBe(true);
    expect(maySeeRun(alice, run(99, 3))).toBe(false);
    expect(maySeeRun(alice, run(null, 3))).toBe(false);
    expect(maySeeRun(admin, run(99, 3))).toBe(true);
  });

  it("lets its submitter and its project's managers abort a run, not other contributors or readers", () => {
    expect(mayAbortRun(alice, run(10, 2))).toBe(true);
    expect(mayAbortRun(alice, run(10, 3))).toBe(false);
    expect(mayAbortRun(alice, run(11, 3))).toBe(false);
    expect(mayAbortRun(alice, run(12, 3))).toBe(true);
    expect(mayAbortRun(admin, run(null, 3))).toBe(true);
  });

  it("lists the projects whose runs a user reads, or all for admins", () => {
    expect(readableProjectIds(alice)).toEqual([10, 11, 12]);
    expect(readableProjectIds({ ...alice, projectRoles: undefined })).toEqual([]);
    expect(readableProjectIds(admin)).toBe("all");
  });
});
