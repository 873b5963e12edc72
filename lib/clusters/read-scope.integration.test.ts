import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";

const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };

describe("cluster reads are scoped to the groups granted on the cluster", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-read-scope-"));
  const { getDb } = await import("@/db");
  const { users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { createGroup, setGroupMembers } = await import("@/lib/groups/mutations");
  const { createToken } = await import("@/lib/tokens/mutations");
  const { actorForToken } = await import("@/lib/tokens/queries");
  const { dashboardSnapshot } = await import("@/lib/dashboard/service");
  const mutations = await import("./mutations");
  const { clusterPods, listReadableClusters, readableClusterDetail } = await import("./reads");
  const clustersRoute = await import("@/app/api/v1/clusters/route");
  const podsRoute = await import("@/app/api/v1/clusters/[cluster]/pods/route");
  const clusterRoute = await import("@/app/api/v1/clusters/[cluster]/route");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  let token = "";
  let alice: Actor;

  const call = (url: string) =>
    new NextRequest(`http://berth.test${url}`, { headers: { Authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    getDb()
      .insert(users)
      .values([
        { username: "admin", role: "admin", passwordHash: "x" },
        { username: "alice", role: "user", passwordHash: "x" },
      ])
      .run();
    for (const name of ["ours", "theirs"])
      expect(await executeMutation(mutations.createCluster, { name, kubeconfig }, admin, "api")).toMatchObject({
        ok: true,
      });
    expect(await executeMutation(createGroup, { name: "team" }, admin, "api")).toMatchObject({ ok: true });
    expect(await executeMutation(setGroupMembers, { group: "team", usernames: ["alice"] }, admin, "api")).toMatchObject(
      { ok: true },
    );
    expect(
      await executeMutation(
        mutations.setClusterGrants,
        { cluster: "ours", grants: [{ group: "team", level: "use" }] },
        admin,
        "api",
      ),
    ).toMatchObject({ ok: true });
    const aliceRow = getDb()
      .select()
      .from(users)
      .all()
      .find((user) => user.username === "alice")!;
    const created = await executeMutation(
      createToken,
      { name: "scope" },
      { id: aliceRow.id, username: "alice", role: "user", groups: ["team"] },
      "api",
    );
    if (!created.ok) throw new Error(created.error);
    token = (created.data as { token: string }).token;
    alice = actorForToken(token)!;
  });

  it("answers 404 for the pods of a cluster the user has no grant on, as for a run they may not see", async () => {
    await expect(clusterPods(alice, "theirs")).rejects.toMatchObject({ status: 404 });
    expect((await clusterPods(alice, "ours")).length).toBeGreaterThanOrEqual(0);
    expect(await clusterPods(admin, "theirs")).toBeInstanceOf(Array);
    const params = (cluster: string) => ({ params: Promise.resolve({ cluster }) });
    expect((await podsRoute.GET(call("/api/v1/clusters/theirs/pods"), params("theirs"))).status).toBe(404);
    expect((await podsRoute.GET(call("/api/v1/clusters/ours/pods"), params("ours"))).status).toBe(200);
    expect((await clusterRoute.GET(call("/api/v1/clusters/theirs"), params("theirs"))).status).toBe(404);
    await expect(readableClusterDetail(alice, "theirs")).resolves.toBeUndefined();
  });

  it("lists only the clusters the user has a grant on; admins see all", async () => {
    expect(listReadableClusters(alice).map((cluster) => cluster.name)).toEqual(["ours"]);
    expect(listReadableClusters(admin).map((cluster) => cluster.name)).toEqual(["ours", "theirs"]);
    const listed = (await (
      await clustersRoute.GET(call("/api/v1/clusters"), { params: Promise.resolve({}) })
    ).json()) as { name: string }[];
    expect(listed.map((cluster) => cluster.name)).toEqual(["ours"]);
  });

  it("leaves clusters without a grant out of the dashboard", async () => {
    expect((await dashboardSnapshot(alice)).clusters.map((cluster) => cluster.name)).toEqual(["ours"]);
    await expect(dashboardSnapshot(alice, { cluster: "theirs" })).rejects.toMatchObject({ status: 404 });
    const nobody: Actor = { id: 99, username: "bob", role: "user", groups: [] };
    expect((await dashboardSnapshot(nobody)).clusters).toEqual([]);
  });
});
