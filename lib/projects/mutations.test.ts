import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import type { UsableBy } from "@/db/schema";

// A fresh database for this file; server modules read the data dir when first used.
process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-projects-"));

describe("projects and settings against a real database", async () => {
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { updateSettings } = await import("@/lib/settings/mutations");
  const { getSettingsView } = await import("@/lib/settings/queries");
  const { createProject, updateProject, putOverride, restoreProject, setProjectMembers, deleteOverride } =
    await import("./mutations");
  const { findProject, listProjectsFor, resolutionContext } = await import("./queries");
  const { effectiveConfigFor } = await import("./effective");
  const { listAuditEvents } = await import("@/lib/audit/queries");

  const db = getDb();
  const group = (name: string) => db.insert(schema.groups).values({ name }).returning().get();
  const user = (username: string, groupIds: number[], role: "admin" | "user" = "user") => {
    const row = db.insert(schema.users).values({ username, role }).returning().get();
    for (const groupId of groupIds) db.insert(schema.groupMembers).values({ groupId, userId: row.id }).run();
    return row.id;
  };
  const ml = group("ml");
  const sales = group("sales");
  const readers = group("readers");
  const cluster = (name: string) =>
    db
      .insert(schema.clusters)
      .values({ name, kubeconfigEncrypted: "x", context: "c", server: "https://k" })
      .returning()
      .get();
  const embedded = cluster("embedded");
  cluster("gpu-prod");
  db.insert(schema.clusterGrants).values({ clusterId: embedded.id, groupId: ml.id, level: "use" }).run();
  db.insert(schema.clusterGrants).values({ clusterId: embedded.id, groupId: sales.id, level: "use" }).run();
  const config = (
    table: typeof schema.executionConfigs | typeof schema.sparkConfigs,
    name: string,
    usableBy: UsableBy,
    clusterId: number | null = null,
  ) => db.insert(table).values({ name, spec: {}, usableBy, clusterId }).returning().get();
  config(schema.executionConfigs, "cpu-small", "all");
  config(schema.executionConfigs, "gpu-a100", { groups: ["ml"] });
  config(schema.executionConfigs, "sales-only", { groups: ["sales"] });
  const doomed = config(schema.executionConfigs, "doomed", "all");
  config(schema.sparkConfigs, "spark-small", "all");

  const adminId = user("root", [], "admin");
  const adaId = user("ada", [ml.id]);
  const bobId = user("bob", [sales.id, readers.id]);
  const carolId = user("carol", []);
  const actor = (id: number) => actorForUser(id)!;

  it("sets instance defaults by name, refuses unknown names and non-admins, and clears with null", async () => {
    expect(await executeMutation(updateSettings, { defaultCluster: "embedded" }, actor(adaId), "api")).toMatchObject({
      ok: false,
      status: 403,
    });
    const refused = await executeMutation(
      updateSettings,
      { defaultExecutionConfig: "nope", defaultCluster: "nowhere", defaultSparkConfig: "spark-small" },
      actor(adminId),
      "api",
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: {
        defaultExecutionConfig: ['No execution config named "nope"'],
        defaultCluster: ['No cluster named "nowhere"'],
      },
    });
    expect(getSettingsView().defaultSparkConfig).toBeNull();
    const saved = await executeMutation(
      updateSettings,
      {
        defaultExecutionConfig: "cpu-small",
        defaultVisualRecipeExecutionConfig: "doomed",
        defaultSparkConfig: "spark-small",
        defaultCluster: "embedded",
      },
      actor(adminId),
      "api",
    );
    expect(saved).toEqual({
      ok: true,
      data: {
        defaultExecutionConfig: "cpu-small",
        defaultVisualRecipeExecutionConfig: "doomed",
        defaultSparkConfig: "spark-small",
        defaultCluster: "embedded",
        allowKubeconfigExecPlugins: false,
        allowInsecureKubeconfigTls: false,
      },
    });
    expect(listAuditEvents({ objectType: "settings", limit: 5 })).toHaveLength(1);
  });

  it("creates a project whose owner group is a project admin; keys are unique ignoring case", async () => {
    expect(await executeMutation(createProject, { key: "churn", name: "Churn" }, actor(adaId), "api")).toMatchObject({
      ok: false,
      status: 403,
    });
    const created = await executeMutation(
      createProject,
      { key: "churn", name: "Churn", ownerGroup: "ml", members: [{ group: "readers", role: "reader" }] },
      actor(adminId),
      "api",
    );
    expect(created).toMatchObject({
      ok: true,
      data: {
        key: "churn",
        ownerGroup: "ml",
        members: [
          { group: "ml", role: "admin" },
          { group: "readers", role: "reader" },
        ],
        version: 1,
      },
    });
    expect(await executeMutation(createProject, { key: "CHURN", name: "Again" }, actor(adminId), "api")).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { key: [expect.stringMatching(/already exists/)] },
    });
    expect(
      await executeMutation(
        createProject,
        {
          key: "other",
          name: "x",
          ownerGroup: "ghosts",
          members: [
            { group: "ml", role: "admin" },
            { group: "ml", role: "reader" },
          ],
        },
        actor(adminId),
        "api",
      ),
    ).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { ownerGroup: ['No group named "ghosts"'], "members.1.group": ["ml is listed twice"] },
    });
    expect(findProject("other")).toBeUndefined();
  });

  it("shows a project only to its members and admins", () => {
    expect(listProjectsFor(actor(adaId)).map((project) => project.key)).toEqual(["churn"]);
    expect(listProjectsFor(actor(bobId)).map((project) => project.key)).toEqual(["churn"]);
    expect(listProjectsFor(actor(carolId))).toEqual([]);
    expect(listProjectsFor(actor(adminId)).map((project) => project.key)).toEqual(["churn"]);
  });

  it("lets a project admin set configs and clusters their groups may use, and nothing else", async () => {
    const refused = await executeMutation(
      updateProject,
      { project: "churn", executionConfig: "sales-only", cluster: "gpu-prod" },
      actor(adaId),
      "api",
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: {
        executionConfig: ["no usage permission for config sales-only"],
        cluster: ["no usage permission for cluster gpu-prod"],
      },
    });
    expect(
      await executeMutation(updateProject, { project: "churn", executionConfig: "gpu-a100" }, actor(bobId), "api"),
    ).toMatchObject({ ok: false, status: 403 });
    expect(
      await executeMutation(updateProject, { project: "churn", executionConfig: "gpu-a100" }, actor(carolId), "api"),
    ).toMatchObject({ ok: false, status: 403 });
    expect(
      await executeMutation(updateProject, { project: "nope", executionConfig: "gpu-a100" }, actor(adaId), "api"),
    ).toMatchObject({ ok: false, status: 404 });
    const saved = await executeMutation(
      updateProject,
      { project: "churn", executionConfig: "gpu-a100", cluster: "embedded", version: 1 },
      actor(adaId),
      "api",
    );
    expect(saved).toMatchObject({ ok: true, data: { executionConfig: "gpu-a100", cluster: "embedded", version: 2 } });
  });

  it("refuses a save from a stale version with the current project and its last change", async () => {
    const stale = await executeMutation(
      updateProject,
      { project: "churn", description: "late", version: 1 },
      actor(adminId),
      "api",
    );
    expect(stale).toMatchObject({
      ok: false,
      status: 409,
      details: { current: { version: 2, executionConfig: "gpu-a100", lastChange: { actor: "ada" } } },
    });
    expect(findProject("churn")!.description).toBe("");
  });

  it("resolves what each user runs with, with origins and errors where they belong", async () => {
    const project = findProject("churn")!;
    expect(
      await executeMutation(
        putOverride,
        {
          project: "churn",
          objectId: "train_model",
          activityType: "ml-train",
          executionConfig: "cpu-small",
          cluster: null,
        },
        actor(adaId),
        "api",
      ),
    ).toMatchObject({ ok: true, data: { objectId: "train_model", executionConfig: "cpu-small", cluster: null } });

    const forAda = effectiveConfigFor(actor(adaId), project, { activity: "python-recipe" });
    expect(forAda).toMatchObject({
      ok: true,
      refused: false,
      view: {
        executionConfig: { value: "gpu-a100", origin: "project" },
        sparkConfig: { value: "spark-small", origin: "instance" },
        cluster: { value: "embedded", origin: "project" },
      },
    });
    expect(effectiveConfigFor(actor(adaId), project, { object: "train_model" })).toMatchObject({
      ok: true,
      view: { activity: "ml-train", executionConfig: { value: "cpu-small", origin: "object" } },
    });

    const forBob = effectiveConfigFor(actor(bobId), project, { activity: "python-recipe" });
    expect(forBob).toMatchObject({
      ok: true,
      refused: true,
      view: { executionConfig: { value: "gpu-a100", error: expect.stringMatching(/^no usage permission/) } },
    });
    expect(effectiveConfigFor(actor(bobId), project, { object: "train_model" })).toMatchObject({
      ok: true,
      refused: false,
    });
    expect(effectiveConfigFor(actor(adaId), project, {})).toMatchObject({
      ok: false,
      fieldErrors: { activity: [expect.any(String)] },
    });
  });

  it("reports a default whose config was deleted as not found, where it is referenced", () => {
    db.delete(schema.executionConfigs).where(eq(schema.executionConfigs.id, doomed.id)).run();
    expect(getSettingsView().errors).toEqual({
      defaultVisualRecipeExecutionConfig: expect.stringMatching(/^config not found/),
    });
    const resolution = resolutionContext(findProject("churn")!).resolve(actor(adaId), "spark-visual-recipe");
    expect(resolution.executionConfig).toMatchObject({
      value: null,
      origin: "instance",
      error: expect.stringMatching(/^config not found/),
    });
  });

  it("restores an earlier version from the history, as a new version", async () => {
    const project = findProject("churn")!;
    const created = listAuditEvents({ objectType: "project", objectId: String(project.id), limit: 10 }).find(
      (event) => event.action === "project.create",
    )!;
    const restored = await executeMutation(
      restoreProject,
      { project: "churn", auditEventId: created.id },
      actor(adminId),
      "ui",
    );
    expect(restored).toMatchObject({ ok: true, data: { executionConfig: null, cluster: null, version: 3 } });
    expect(
      await executeMutation(restoreProject, { project: "churn", auditEventId: 999_999 }, actor(adminId), "ui"),
    ).toMatchObject({ ok: false, status: 404 });
  });

  it("keeps the owner group an admin when members are replaced, and removes overrides", async () => {
    const replaced = await executeMutation(
      setProjectMembers,
      { project: "churn", members: [{ group: "sales", role: "contributor" }] },
      actor(adminId),
      "api",
    );
    expect(replaced).toMatchObject({
      ok: true,
      data: {
        members: [
          { group: "ml", role: "admin" },
          { group: "sales", role: "contributor" },
        ],
      },
    });
    expect(
      await executeMutation(deleteOverride, { project: "churn", objectId: "train_model" }, actor(adaId), "api"),
    ).toMatchObject({ ok: true });
    expect(
      await executeMutation(deleteOverride, { project: "churn", objectId: "train_model" }, actor(adaId), "api"),
    ).toMatchObject({ ok: false, status: 404 });
  });
});
