import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { startClusterProcess, type ClusterProcess } from "@/test/support/cluster-process";
import { simFaults } from "@/test/support/sim-admin";

// A private cluster: these tests remove the SparkApplication CRD and take the API down, which the
// shared test cluster must not see.
describe("runs on a cluster without the spark-operator, and on one that cannot be reached", async () => {
  let cluster: ClusterProcess;
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-runs-driver-"));
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig, kubeClients } = await import("@/lib/kube/client");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { createSparkConfig } = await import("@/lib/spark-configs/mutations");
  const { submitRun } = await import("./submit");
  const { abortRun } = await import("./abort");
  const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
  const clusterRow = () => getDb().select().from(schema.clusters).get()!;

  beforeAll(async () => {
    cluster = await startClusterProcess(["--nodes", "2", "--gpu-nodes", "0"]);
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
    const spark = {
      name: "spark-plain",
      cluster: "private",
      conf: { "spark.executor.instances": "2" },
      managed: { enabled: true, namespace: "spark-${project}", createNamespace: true, serviceAccountPerJob: true },
    };
    expect(await executeMutation(createSparkConfig, spark, admin, "api")).toMatchObject({ ok: true });
    const cpu = {
      name: "cpu",
      image: "python:3.12-slim",
      cluster: "private",
      namespace: "work-${project}",
      createNamespace: true,
    };
    expect(await executeMutation(createExecutionConfig, cpu, admin, "api")).toMatchObject({ ok: true });
    db.insert(schema.projects)
      .values({
        key: "etl",
        name: "ETL",
        sparkConfigId: db.select().from(schema.sparkConfigs).get()!.id,
        executionConfigId: db.select().from(schema.executionConfigs).get()!.id,
      })
      .run();
    await kubeClients(clusterRow()).objects.delete({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "sparkapplications.sparkoperator.k8s.io" },
    });
  });
  afterAll(() => cluster?.stop());

  it("runs spark-submit in client mode in a driver pod with the per-job account, executors labelled through conf", async () => {
    const result = await executeMutation(
      submitRun,
      {
        project: "etl",
        activity: "spark-recipe",
        script: "print('etl')",
        annotations: { "sim.berth.dev/duration": "30s" },
      },
      admin,
      "api",
    );
    if (!result.ok) throw new Error(result.error);
    const run = result.data;
    const driver = `berth-spark-recipe-${run.id}-driver`;
    expect(run).toMatchObject({
      status: "pending",
      workload: "spark-driver",
      namespace: "spark-etl",
      pods: [driver],
      sparkConfig: "spark-plain",
    });
    const { core } = kubeClients(clusterRow());
    const pod = await core.readNamespacedPod({ namespace: "spark-etl", name: driver });
    expect(pod.metadata!.labels).toMatchObject({
      "berth.dev/run": run.id,
      "berth.dev/project": "etl",
      "berth.dev/activity": "spark-recipe",
      "spark-role": "driver",
    });
    expect(pod.spec!.serviceAccountName).toBe(`berth-spark-berth-spark-recipe-${run.id}`);
    const command = pod.spec!.containers[0].command!;
    expect(command.slice(0, 5)).toEqual([
      "spark-submit",
      "--master",
      "k8s://https://127.0.0.1:1",
      "--deploy-mode",
      "client",
    ]);
    expect(command).toContain(`spark.kubernetes.executor.label.berth.dev/run=${run.id}`);
    expect(command.at(-1)).toBe("local:///etc/berth/run/main.py");
    const script = await core.readNamespacedConfigMap({
      namespace: "spark-etl",
      name: `berth-spark-recipe-${run.id}-script`,
    });
    expect(script.data).toEqual({ "main.py": "print('etl')" });

    expect(await executeMutation(abortRun, { id: run.id }, admin, "api")).toMatchObject({
      ok: true,
      data: { status: "aborted" },
    });
    await expect(
      core.readNamespacedConfigMap({ namespace: "spark-etl", name: `berth-spark-recipe-${run.id}-script` }),
    ).rejects.toMatchObject({ code: 404 });
    await expect(
      core.readNamespacedServiceAccount({ namespace: "spark-etl", name: `berth-spark-berth-spark-recipe-${run.id}` }),
    ).rejects.toMatchObject({ code: 404 });
  });

  it("records a run as failed when the cluster cannot be reached, and answers 503 to aborting a started run then", async () => {
    const started = await executeMutation(submitRun, { project: "etl", activity: "python-recipe" }, admin, "api");
    if (!started.ok) throw new Error(started.error);
    expect(started.data.status).toBe("pending");
    await simFaults(cluster.kubeconfigPath, { paused: true, pauseMode: "reset" });
    try {
      const result = await executeMutation(submitRun, { project: "etl", activity: "python-recipe" }, admin, "api");
      if (!result.ok) throw new Error(result.error);
      expect(result.data).toMatchObject({ status: "failed", reason: expect.stringContaining("cannot be reached") });
      const abort = await executeMutation(abortRun, { id: started.data.id }, admin, "api");
      expect(abort).toMatchObject({ ok: false, status: 503, error: expect.stringContaining("was not aborted") });
    } finally {
      await simFaults(cluster.kubeconfigPath, { paused: false });
    }
  });
});
