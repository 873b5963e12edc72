import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { startClusterProcess, type ClusterProcess } from "@/test/support/cluster-process";
import { waitUntil } from "@/test/support/wait";

// A private cluster whose spark-operator acts only in "spark-jobs" and has no webhook, as a chart
// installed with its default job namespace does; the grace before "not handling" is 1 s here.
describe("Spark runs through a spark-operator limited to its job namespaces", async () => {
  let cluster: ClusterProcess;
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-runs-operator-"));
  process.env.BERTH_SPARK_OPERATOR_GRACE_SECONDS = "1";
  const { eq } = await import("drizzle-orm");
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig, kubeClients } = await import("@/lib/kube/client");
  const { createSparkConfig } = await import("@/lib/spark-configs/mutations");
  const { submitRun } = await import("./submit");
  const { ensureRunReconciler } = await import("./reconciler");
  const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
  const clusterRow = () => getDb().select().from(schema.clusters).get()!;
  const row = (id: string) => getDb().select().from(schema.runs).where(eq(schema.runs.id, id)).get()!;

  beforeAll(async () => {
    cluster = await startClusterProcess(["--nodes", "2", "--gpu-nodes", "1", "--spark-job-namespaces", "spark-jobs"]);
    const kubeconfig = fs.readFileSync(cluster.kubeconfigPath, "utf8");
    const db = getDb();
    db.insert(schema.users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    db.insert(schema.clusters)
      .values({
        name: "private",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://127.0.0.1:1",
      })
      .run();
    for (const [name, namespace] of [
      ["spark-watched", "spark-jobs"],
      ["spark-unwatched", "spark-${project}"],
    ]) {
      const spark = {
        name,
        cluster: "private",
        conf: { "spark.executor.instances": "1" },
        managed: { enabled: true, namespace, createNamespace: true, serviceAccountPerJob: true },
      };
      expect(await executeMutation(createSparkConfig, spark, admin, "api")).toMatchObject({ ok: true });
    }
    const configs = db.select().from(schema.sparkConfigs).all();
    const id = (name: string) => configs.find((config) => config.name === name)!.id;
    db.insert(schema.projects)
      .values({ key: "etl", name: "ETL", sparkConfigId: id("spark-unwatched") })
      .run();
    db.insert(schema.projects)
      .values({ key: "jobs", name: "Jobs", sparkConfigId: id("spark-watched") })
      .run();
    ensureRunReconciler();
  });
  afterAll(() => cluster?.stop());

  it("ends a run whose namespace the operator does not handle, naming the namespace, and removes its application", async () => {
    const result = await executeMutation(
      submitRun,
      { project: "etl", activity: "spark-recipe", script: "print('etl')" },
      admin,
      "api",
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.data).toMatchObject({ status: "pending", workload: "spark-application", namespace: "spark-etl" });
    await waitUntil("the run to end", () => row(result.data.id).status === "failed");
    expect(row(result.data.id).reason).toMatch(
      /^The Spark operator is not handling namespace spark-etl: the SparkApplication got no status within 1 s\./,
    );
    const { custom } = kubeClients(clusterRow());
    await expect(
      custom.getNamespacedCustomObject({
        group: "sparkoperator.k8s.io",
        version: "v1beta2",
        namespace: "spark-etl",
        plural: "sparkapplications",
        name: `berth-spark-recipe-${result.data.id}`,
      }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it("fails a run whose driver the operator could not create, with the operator's errorMessage", async () => {
    const { core } = kubeClients(clusterRow());
    await core.createNamespace({ body: { metadata: { name: "spark-jobs" } } });
    await core.createNamespacedResourceQuota({
      namespace: "spark-jobs",
      body: { metadata: { name: "no-pods" }, spec: { hard: { pods: "0" } } },
    });
    const result = await executeMutation(
      submitRun,
      { project: "jobs", activity: "spark-recipe", script: "print('jobs')" },
      admin,
      "api",
    );
    if (!result.ok) throw new Error(result.error);
    await waitUntil("the run to fail", () => row(result.data.id).status === "failed");
    expect(row(result.data.id).reason).toMatch(
      /^The Spark operator could not submit the application: failed to run spark-submit: .*exceeded quota: no-pods/,
    );
    await core.deleteNamespacedResourceQuota({ namespace: "spark-jobs", name: "no-pods" });
  });

  it("runs a Spark job in a handled namespace to success through the operator's states", async () => {
    const result = await executeMutation(
      submitRun,
      {
        project: "jobs",
        activity: "spark-recipe",
        script: "print('jobs')",
        annotations: { "sim.berth.dev/duration": "1s" },
      },
      admin,
      "api",
    );
    if (!result.ok) throw new Error(result.error);
    await waitUntil("the run to succeed", () => row(result.data.id).status === "succeeded");
    expect(row(result.data.id).timeline.map((step) => step.status)).toEqual([
      "queued",
      "pending",
      "running",
      "succeeded",
    ]);
  });

  it("refuses at submit a Spark run in a namespace outside the job namespaces recorded for the cluster", async () => {
    const { updateCluster } = await import("@/lib/clusters/mutations");
    expect(
      await executeMutation(updateCluster, { cluster: "private", sparkJobNamespaces: "spark-jobs" }, admin, "api"),
    ).toMatchObject({ ok: true, data: { sparkJobNamespaces: ["spark-jobs"] } });
    const refused = await executeMutation(
      submitRun,
      { project: "etl", activity: "spark-recipe", script: "print('etl')" },
      admin,
      "api",
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: {
        sparkConfig: [
          expect.stringMatching(
            /^The Spark operator of cluster private does not handle namespace spark-etl \(it acts only in spark-jobs\)/,
          ),
        ],
      },
    });
    // The Spark config page warns about the same thing before anyone submits.
    const { findSparkConfig, operatorNamespaceWarning } = await import("@/lib/spark-configs/queries");
    expect(operatorNamespaceWarning(findSparkConfig("spark-unwatched")!)).toMatch(
      /^Cluster private: Namespaces made from spark-\$\{project\} are handled by the cluster's Spark operator only when listed in its job namespaces \(spark-jobs\)/,
    );
    expect(operatorNamespaceWarning(findSparkConfig("spark-watched")!)).toBeNull();
    const accepted = await executeMutation(
      submitRun,
      { project: "jobs", activity: "spark-recipe", script: "print('jobs')" },
      admin,
      "api",
    );
    expect(accepted).toMatchObject({ ok: true, data: { status: "pending", namespace: "spark-jobs" } });
  });
});
