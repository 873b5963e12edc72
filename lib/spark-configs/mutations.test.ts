import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

// A fresh database for this file; server modules read the data dir when first used.
process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-spark-"));

/** Generated values that are valid where they land (blank image and template: the defaults). */
const ACCEPTED_FUZZ_BODIES = [
  "conf spark.dynamicAllocation.enabled=true",
  'image=""',
  'image=" "',
  'executorPodTemplate=" "',
  'image="1.5"',
  'name="ten"',
  'image="ten"',
  'managed namespace="ten"',
];

describe("Spark configs and namespace policies against a real database", async () => {
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { listAuditEvents } = await import("@/lib/audit/queries");
  const spark = await import("./mutations");
  const { findSparkConfig, listSparkConfigs } = await import("./queries");
  const { sparkConfigYaml } = await import("./preview");
  const policies = await import("@/lib/namespace-policies/mutations");
  const { policyYaml } = await import("@/lib/namespace-policies/cluster-view");
  const { findPolicy } = await import("@/lib/namespace-policies/queries");

  const db = getDb();
  const ml = db.insert(schema.groups).values({ name: "ml" }).returning().get();
  const user = (username: string, role: "admin" | "user", groupIds: number[] = []) => {
    const row = db.insert(schema.users).values({ username, role }).returning().get();
    for (const groupId of groupIds) db.insert(schema.groupMembers).values({ groupId, userId: row.id }).run();
    return actorForUser(row.id)!;
  };
  const admin = user("root", "admin");
  const ada = user("ada", "user", [ml.id]);
  const carol = user("carol", "user");
  const body = {
    name: "spark-small",
    image: "apache/spark:3.5.3",
    conf: { "spark.executor.instances": 2 },
    usableBy: { groups: ["ml"] },
  };
  const count = () => db.select().from(schema.sparkConfigs).all().length;

  it("creates, lists by usage, and refuses duplicates, unknown groups and clusters, and non-admins", async () => {
    expect(await executeMutation(spark.createSparkConfig, body, admin, "api")).toMatchObject({
      ok: true,
      data: { name: "spark-small", version: 1, conf: { "spark.executor.instances": "2" } },
    });
    expect(await executeMutation(spark.createSparkConfig, body, admin, "api")).toMatchObject({
      ok: false,
      status: 409,
      fieldErrors: { name: ['A Spark config named "spark-small" already exists'] },
    });
    expect(
      await executeMutation(
        spark.createSparkConfig,
        { ...body, name: "other", usableBy: { groups: ["nope"] }, cluster: "mars" },
        admin,
        "api",
      ),
    ).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { cluster: ['No cluster named "mars"'], "usableBy.groups.0": ['No group named "nope"'] },
    });
    expect(await executeMutation(spark.createSparkConfig, { ...body, name: "mine" }, ada, "api")).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(count()).toBe(1);
    expect(listSparkConfigs(ada, false).map((config) => config.name)).toEqual(["spark-small"]);
    expect(listSparkConfigs(carol, false)).toEqual([]);
  });

  it("refuses hundreds of bad bodies with field errors and writes nothing", async () => {
    const bad: { label: string; input: Record<string, unknown> }[] = [];
    const values = [null, 0, -1, "", " ", "x".repeat(300), [], {}, true, "4Gi", "1.5", "ten"];
    const keys = [
      "spark.executor.instances",
      "spark.executor.memory",
      "spark.driver.memory",
      "spark.executor.cores",
      "spark.kubernetes.memoryOverheadFactor",
      "spark.dynamicAllocation.enabled",
      "spark.dynamicAllocation.maxExecutors",
      "other.key",
      "spark.master",
    ];
    const shown = (value: unknown) =>
      typeof value === "string" && value.length > 20 ? `"x"×${value.length}` : JSON.stringify(value);
    for (const key of keys)
      for (const value of values)
        bad.push({ label: `conf ${key}=${shown(value)}`, input: { ...body, name: "fuzz", conf: { [key]: value } } });
    for (const value of values) {
      bad.push({ label: `name=${shown(value)}`, input: { ...body, name: value } });
      bad.push({ label: `image=${shown(value)}`, input: { ...body, name: "fuzz", image: value } });
      bad.push({
        label: `managed namespace=${shown(value)}`,
        input: { ...body, name: "fuzz", managed: { enabled: true, namespace: value } },
      });
      bad.push({
        label: `executorPodTemplate=${shown(value === "" ? "- x" : value)}`,
        input: { ...body, name: "fuzz", executorPodTemplate: value === "" ? "- x" : value },
      });
      bad.push({ label: `usableBy=${shown(value)}`, input: { ...body, name: "fuzz", usableBy: value } });
    }
    const accepted: string[] = [];
    for (const { label, input } of bad) {
      const result = await executeMutation(spark.createSparkConfig, input, admin, "api");
      if (result.ok) {
        accepted.push(label);
        await executeMutation(spark.deleteSparkConfig, { config: result.data.id }, admin, "api");
        continue;
      }
      expect(count()).toBe(1);
      expect(result.status).toBeGreaterThanOrEqual(400);
      expect(result.status).toBeLessThan(500);
      expect(Object.keys(result.fieldErrors ?? {}).length, label).toBeGreaterThan(0);
    }
    // The generated values that are valid where they land, each named: any other accepted body is a bug.
    expect(accepted).toEqual(ACCEPTED_FUZZ_BODIES);
    expect(count()).toBe(1);
  });

  it("detects a stale edit, keeps history, and restores an older version", async () => {
    const first = await executeMutation(
      spark.updateSparkConfig,
      { config: "spark-small", version: 1, description: "first" },
      admin,
      "ui",
    );
    expect(first).toMatchObject({ ok: true, data: { version: 2, description: "first" } });
    const stale = await executeMutation(
      spark.updateSparkConfig,
      { config: "spark-small", version: 1, description: "second" },
      admin,
      "ui",
    );
    expect(stale).toMatchObject({
      ok: false,
      status: 409,
      details: { current: { version: 2, description: "first", lastChange: { actor: "root" } } },
    });
    const bad = await executeMutation(
      spark.updateSparkConfig,
      { config: "spark-small", conf: { "spark.executor.memory": "lots" } },
      admin,
      "ui",
    );
    expect(bad).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { "conf.spark.executor.memory": [expect.stringMatching(/JVM size/)] },
    });
    const row = findSparkConfig("spark-small")!;
    const history = listAuditEvents({ objectType: "spark-config", objectId: String(row.id), limit: 10 });
    expect(history.map((event) => event.action)).toEqual(["spark-config.update", "spark-config.create"]);
    const restored = await executeMutation(
      spark.restoreSparkConfig,
      { config: row.id, auditEventId: history[1].id },
      admin,
      "ui",
    );
    expect(restored).toMatchObject({ ok: true, data: { version: 3, description: "" } });
  });

  it("round-trips through YAML and imports a new version", async () => {
    const yaml = sparkConfigYaml(findSparkConfig("spark-small")!).replace(
      'spark.executor.instances: "2"',
      'spark.executor.instances: "5"',
    );
    expect(await executeMutation(spark.importSparkConfig, { yaml }, admin, "ui")).toMatchObject({
      ok: true,
      data: { version: 4, conf: { "spark.executor.instances": "5" } },
    });
    expect(await executeMutation(spark.importSparkConfig, { yaml: "kind: Other" }, admin, "ui")).toMatchObject({
      ok: false,
      status: 400,
    });
  });

  it("refuses to delete a config a project, an override or the default setting uses", async () => {
    const row = findSparkConfig("spark-small")!;
    const project = db
      .insert(schema.projects)
      .values({ key: "churn", name: "Churn", sparkConfigId: row.id })
      .returning()
      .get();
    db.insert(schema.projectOverrides)
      .values({ projectId: project.id, objectId: "recipe-1", activityType: "spark-recipe", sparkConfigId: row.id })
      .run();
    db.insert(schema.settings).values({ key: "defaultSparkConfig", value: row.id }).run();
    const refused = await executeMutation(spark.deleteSparkConfig, { config: "spark-small" }, admin, "api");
    expect(refused).toMatchObject({ ok: false, status: 409 });
    expect(!refused.ok && refused.error).toBe(
      'Spark config "spark-small" is still used by project churn, the override of recipe-1 in project churn, the setting defaultSparkConfig: change those first',
    );
    db.delete(schema.projects).where(eq(schema.projects.id, project.id)).run();
    db.delete(schema.settings).run();
    expect(await executeMutation(spark.deleteSparkConfig, { config: "spark-small" }, admin, "api")).toMatchObject({
      ok: true,
    });
    expect(count()).toBe(0);
  });

  it("keeps namespace policies versioned, restorable and importable", async () => {
    const created = await executeMutation(
      policies.createPolicy,
      { name: "ml-gpu", pattern: "ml-*", resourceQuota: { hard: { "requests.nvidia.com/gpu": "8" } } },
      admin,
      "api",
    );
    expect(created).toMatchObject({ ok: true, data: { version: 1, priority: 100, limitRange: null } });
    expect(
      await executeMutation(policies.updatePolicy, { policy: "ml-gpu", version: 1, priority: 5 }, admin, "api"),
    ).toMatchObject({ ok: true, data: { version: 2, priority: 5 } });
    expect(
      await executeMutation(policies.updatePolicy, { policy: "ml-gpu", version: 1, priority: 7 }, admin, "api"),
    ).toMatchObject({ ok: false, status: 409 });
    expect(
      await executeMutation(policies.updatePolicy, { policy: "ml-gpu", resourceQuota: null }, admin, "api"),
    ).toMatchObject({ ok: false, status: 400, fieldErrors: { resourceQuota: [expect.any(String)] } });
    const row = findPolicy("ml-gpu")!;
    const history = listAuditEvents({ objectType: "namespace-policy", objectId: String(row.id), limit: 10 });
    expect(
      await executeMutation(
        policies.restorePolicy,
        { policy: "ml-gpu", auditEventId: history.at(-1)!.id },
        admin,
        "api",
      ),
    ).toMatchObject({ ok: true, data: { version: 3, priority: 100 } });
    const yaml = policyYaml(findPolicy("ml-gpu")!).replace("priority: 100", "priority: 42");
    expect(await executeMutation(policies.importPolicy, { yaml }, admin, "api")).toMatchObject({
      ok: true,
      data: { version: 4, priority: 42 },
    });
    expect(
      await executeMutation(policies.applyPolicyNow, { policy: "ml-gpu", cluster: "nowhere" }, admin, "api"),
    ).toMatchObject({ ok: false, status: 404, fieldErrors: { cluster: ['No cluster named "nowhere"'] } });
    expect(await executeMutation(policies.deletePolicy, { policy: "ml-gpu" }, ada, "api")).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(await executeMutation(policies.deletePolicy, { policy: "ml-gpu" }, admin, "api")).toMatchObject({
      ok: true,
    });
  });
});
