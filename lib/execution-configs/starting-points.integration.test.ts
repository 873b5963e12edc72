import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-starting-points-"));

describe("starting points on the first start with the embedded cluster", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { registerEmbeddedCluster } = await import("@/lib/clusters/embedded");
  const { setClusterGrants } = await import("@/lib/clusters/mutations");
  const { deleteExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { updateSettings } = await import("@/lib/settings/mutations");
  const { getSettingsView } = await import("@/lib/settings/queries");
  const { submitRun } = await import("@/lib/runs/submit");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { seedStartingPoints, startingPoints, STARTER_CONFIG_NAME } = await import("./starting-points");
  fs.writeFileSync(path.join(dataDir, "embedded-kubeconfig.yaml"), fs.readFileSync(inject("kubeconfigPath"), "utf8"));

  const db = getDb();
  const adminId = db
    .insert(schema.users)
    .values({ username: "admin", role: "admin", passwordHash: "x" })
    .returning()
    .get().id;
  const anaId = db
    .insert(schema.users)
    .values({ username: "ana", role: "user", passwordHash: "x" })
    .returning()
    .get().id;
  const ml = db.insert(schema.groups).values({ name: "ml" }).returning().get().id;
  db.insert(schema.groupMembers).values({ groupId: ml, userId: anaId }).run();
  const churn = db
    .insert(schema.projects)
    .values({ key: "churn", name: "churn", ownerGroupId: ml })
    .returning()
    .get().id;
  db.insert(schema.projectMembers).values({ projectId: churn, groupId: ml, role: "admin" }).run();
  /** What a start of Berth does with the embedded cluster (lib/bootstrap.ts). */
  const start = () => {
    registerEmbeddedCluster();
    return seedStartingPoints();
  };
  const configs = () =>
    db
      .select()
      .from(schema.executionConfigs)
      .all()
      .map((row) => row.name);
  const embedded = () =>
    db
      .select()
      .from(schema.clusters)
      .all()
      .find((row) => row.embedded)!;

  it("seeds the embedded cluster as the default usable by everyone and a small CPU config as the default, so a first run starts", async () => {
    expect(start()).toMatchObject({ clusterId: expect.any(Number), executionConfigId: expect.any(Number) });
    expect(configs()).toEqual([STARTER_CONFIG_NAME]);
    expect(getSettingsView()).toMatchObject({
      defaultCluster: "embedded",
      defaultExecutionConfig: STARTER_CONFIG_NAME,
      defaultVisualRecipeExecutionConfig: STARTER_CONFIG_NAME,
    });
    const config = db.select().from(schema.executionConfigs).get()!;
    expect(config).toMatchObject({ usableBy: "all", description: expect.stringContaining("Starting point") });
    expect(embedded()).toMatchObject({ usableByAll: true, description: expect.stringContaining("Starting point") });
    // ana's group has no grant on the cluster: everyone may use it.
    const ana = actorForUser(anaId)!;
    expect(ana.clusterLevels).toEqual({ [embedded().id]: "use" });
    const run = await executeMutation(
      submitRun,
      {
        project: "churn",
        activity: "python-recipe",
        script: "print('hello')",
        annotations: { "sim.berth.dev/duration": "1s" },
      },
      ana,
      "api",
    );
    expect(run).toMatchObject({
      ok: true,
      data: {
        executionConfig: STARTER_CONFIG_NAME,
        cluster: "embedded",
        resolution: { executionConfig: { origin: "instance" }, cluster: { origin: "instance" } },
      },
    });
  });

  it("seeds once: what an admin changes or deletes is not re-created at the next start", async () => {
    expect(start()).toBeNull();
    expect(configs()).toEqual([STARTER_CONFIG_NAME]);
    const admin = actorForUser(adminId)!;
    const unset = { defaultExecutionConfig: null, defaultVisualRecipeExecutionConfig: null, defaultCluster: null };
    expect(await executeMutation(updateSettings, unset, admin, "api")).toMatchObject({ ok: true });
    // The run of the first test keeps nothing from the config alive: deleting it is allowed.
    expect(await executeMutation(deleteExecutionConfig, { config: STARTER_CONFIG_NAME }, admin, "api")).toMatchObject({
      ok: true,
    });
    expect(
      await executeMutation(setClusterGrants, { cluster: "embedded", grants: [], everyone: false }, admin, "api"),
    ).toMatchObject({ ok: true });
    expect(start()).toBeNull();
    expect(configs()).toEqual([]);
    expect(getSettingsView()).toMatchObject({
      defaultCluster: null,
      defaultExecutionConfig: null,
      defaultVisualRecipeExecutionConfig: null,
    });
    expect(embedded().usableByAll).toBe(false);
    expect(actorForUser(anaId)!.clusterLevels).toEqual({});
    expect(startingPoints()).toMatchObject({ clusterId: embedded().id });
  });

  it("tells a user whom to ask and an admin what to set and where, once nothing is set", async () => {
    const refused = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", script: "print(1)" },
      actorForUser(anaId)!,
      "api",
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 422,
      error:
        "This run cannot start: no execution config selected. Ask a Berth admin (admin) or an administrator of project churn (group ml) to set an execution config for this project.",
    });
    const asAdmin = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", script: "print(1)" },
      actorForUser(adminId)!,
      "api",
    );
    expect(asAdmin).toMatchObject({
      ok: false,
      status: 422,
      error: expect.stringContaining("in Settings, or for project churn on its page: /settings or /projects/churn."),
    });
  });
});
