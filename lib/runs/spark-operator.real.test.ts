import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { startClusterProcess, type ClusterProcess } from "@/test/support/cluster-process";
import { waitUntil } from "@/test/support/wait";

// A private real control plane with the SparkApplication CRD and no spark-operator at all: the
// case of an operator that does not handle the namespace, on a real kube-apiserver's list and
// watch of a custom resource. (The operator's own state machine is the simulator's: no operator
// runs here, and kwok runs no spark-submit.) Private, because the shared cluster must keep having
// no CRD, where Berth runs the Spark driver as a pod.
describe("a Spark run nobody handles, on a real control plane", async () => {
  let cluster: ClusterProcess;
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-runs-operator-real-"));
  process.env.BERTH_SPARK_OPERATOR_GRACE_SECONDS = "2";
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
    cluster = await startClusterProcess(["--nodes", "1", "--gpu-nodes", "0"], {
      script: "scripts/real-cluster.ts",
      readyTimeoutMs: 110_000,
    });
    const kubeconfig = fs.readFileSync(cluster.kubeconfigPath, "utf8");
    const db = getDb();
    db.insert(schema.users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    const config = loadKubeconfig(kubeconfig);
    db.insert(schema.clusters)
      .values({
        name: "private",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: config.getCurrentContext(),
        server: config.getCurrentCluster()!.server,
      })
      .run();
    const { objects } = kubeClients(clusterRow());
    // The CRD as the spark-operator's chart installs it, reduced to what the apiserver needs to serve it.
    await objects.create({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      // A *.k8s.io group needs the approval annotation; the chart's CRD carries this one.
      metadata: {
        name: "sparkapplications.sparkoperator.k8s.io",
        annotations: { "api-approved.kubernetes.io": "https://github.com/kubeflow/spark-operator/pull/1298" },
      },
      spec: {
        group: "sparkoperator.k8s.io",
        scope: "Namespaced",
        names: {
          plural: "sparkapplications",
          singular: "sparkapplication",
          kind: "SparkApplication",
          listKind: "SparkApplicationList",
          shortNames: ["sparkapp"],
        },
        versions: [
          {
            name: "v1beta2",
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          },
        ],
      },
    } as never);
    await waitUntil(
      "the CRD to be served",
      async () => {
        try {
          const list = await kubeClients(clusterRow()).custom.getAPIResources({
            group: "sparkoperator.k8s.io",
            version: "v1beta2",
          });
          return list.resources.some((resource) => resource.name === "sparkapplications");
        } catch {
          return false;
        }
      },
      60_000,
    );
    const spark = {
      name: "spark-etl",
      cluster: "private",
      conf: { "spark.executor.instances": "1" },
      managed: { enabled: true, namespace: "spark-${project}", createNamespace: true, serviceAccountPerJob: true },
    };
    expect(await executeMutation(createSparkConfig, spark, admin, "api")).toMatchObject({ ok: true });
    db.insert(schema.projects)
      .values({ key: "etl", name: "ETL", sparkConfigId: db.select().from(schema.sparkConfigs).get()!.id })
      .run();
    ensureRunReconciler();
  }, 180_000);
  afterAll(() => cluster?.stop());

  it("ends the run naming the namespace, and removes its SparkApplication", async () => {
    const result = await executeMutation(
      submitRun,
      { project: "etl", activity: "spark-recipe", script: "print('etl')" },
      admin,
      "api",
    );
    if (!result.ok) throw new Error(result.error);
    expect(result.data).toMatchObject({ status: "pending", workload: "spark-application", namespace: "spark-etl" });
    await waitUntil("the run to end", () => row(result.data.id).status === "failed", 60_000);
    expect(row(result.data.id).reason).toMatch(
      /^The Spark operator is not handling namespace spark-etl: the SparkApplication got no status within 2 s\./,
    );
    const { custom } = kubeClients(clusterRow());
    await waitUntil(
      "the SparkApplication to be deleted",
      async () => {
        try {
          await custom.getNamespacedCustomObject({
            group: "sparkoperator.k8s.io",
            version: "v1beta2",
            namespace: "spark-etl",
            plural: "sparkapplications",
            name: `berth-spark-recipe-${result.data.id}`,
          });
          return false;
        } catch (error) {
          return (error as { code?: number }).code === 404;
        }
      },
      60_000,
    );
  });
});
