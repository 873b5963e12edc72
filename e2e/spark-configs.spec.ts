import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

import { ClustersPage } from "./pages/clusters-page";
import { SparkConfigsPage } from "./pages/spark-configs-page";
import { BOOTSTRAP_TOKEN, DATA_DIR } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const embeddedKubeconfig = () => fs.readFileSync(path.join(DATA_DIR, "embedded-kubeconfig.yaml"), "utf8");

test.use({ viewport: { width: 1280, height: 900 } });

test("admin creates a Spark config with field errors first, then sees the spark-submit line and the SparkApplication", async ({
  page,
  request,
}) => {
  const spark = new SparkConfigsPage(page);
  const name = `spark-gpu-${Date.now() % 100000}`;

  await spark.startNew();
  await spark.fill({
    name,
    image: "apache/spark:3.5.3",
    conf: "spark.executor.instances=0\nspark.executor.memory=4Gi\nhadoop.tmp.dir=/tmp",
    managedNamespace: "Spark-${team}",
  });
  await spark.submitNew();
  const form = spark.form("New Spark config");
  await expect(form.getByRole("alert")).toContainText("Some fields are not valid");
  await expect(form.getByText(/spark\.executor\.instances must be a whole number of at least 1/)).toBeVisible();
  await expect(form.getByText(/spark\.executor\.memory must be a JVM size/)).toBeVisible();
  await expect(form.getByText(/keys start with "spark\."/)).toBeVisible();
  await expect(form.getByText(/Unknown variable \$\{team\}/)).toBeVisible();
  await spark.screenshot("new-errors");
  expect(await (await request.get(`/api/v1/spark-configs/${name}`, { headers: admin })).status()).toBe(404);

  await spark.fill({
    conf: "spark.executor.instances=4\nspark.executor.memory=4g\nspark.executor.cores=2\nspark.kubernetes.memoryOverheadFactor=0.2",
    managedNamespace: "spark-${project}",
    perJobAccount: true,
    executorPodYaml: 'metadata:\n  labels:\n    team: ml\nspec:\n  nodeSelector:\n    nvidia.com/gpu.present: "true"\n',
  });
  await spark.submitNew();
  await expect(page.getByRole("heading", { name: new RegExp(name), level: 1 })).toBeVisible();

  const submit = spark.preview("spark-submit");
  await expect(submit).toContainText("spark-submit");
  await expect(submit).toContainText("--master k8s://https://");
  await expect(submit).toContainText("--deploy-mode cluster");
  await expect(submit).toContainText("--conf spark.kubernetes.namespace=spark-churn");
  await expect(submit).toContainText(
    "--conf spark.kubernetes.authenticate.driver.serviceAccountName=berth-spark-churn-prep-1",
  );
  await expect(submit).toContainText("--conf spark.executor.instances=4");
  const application = spark.preview("SparkApplication");
  await expect(application).toContainText("apiVersion: sparkoperator.k8s.io/v1beta2");
  await expect(application).toContainText("kind: SparkApplication");
  await expect(application).toContainText("instances: 4");
  await expect(application).toContainText("nvidia.com/gpu.present");
  await spark.screenshot("detail");

  // The REST preview is the same builder.
  const preview = await request.get(`/api/v1/spark-configs/${name}/preview?project=fraud`, { headers: admin });
  expect(preview.status()).toBe(200);
  const body = (await preview.json()) as {
    sparkSubmit: string[];
    sparkApplication: { kind: string; metadata: { namespace: string }; spec: { executor: { instances: number } } };
  };
  expect(body.sparkSubmit.slice(0, 5)).toEqual([
    "spark-submit",
    "--master",
    expect.stringMatching(/^k8s:\/\/https:\/\//),
    "--deploy-mode",
    "cluster",
  ]);
  expect(body.sparkSubmit).toContain("spark.kubernetes.namespace=spark-fraud");
  expect(body.sparkApplication).toMatchObject({
    kind: "SparkApplication",
    metadata: { namespace: "spark-fraud" },
    spec: { executor: { instances: 4 } },
  });

  // Someone else saves meanwhile: the edit page's save is refused with their change shown.
  await page.getByRole("link", { name: "Edit", exact: true }).click();
  await expect(spark.form("Edit Spark config")).toBeVisible();
  const patched = await request.patch(`/api/v1/spark-configs/${name}`, {
    headers: admin,
    data: { conf: { "spark.executor.instances": "6" }, version: 1 },
  });
  expect(patched.status()).toBe(200);
  const edit = spark.form("Edit Spark config");
  await edit.getByLabel("Description").fill("GPU executors");
  await edit.getByRole("button", { name: "Save changes" }).click();
  const conflict = page.getByRole("region", { name: "Conflicting change" });
  await expect(conflict).toContainText("your save was not applied");
  await expect(conflict).toContainText("spark.executor.instances");
  await spark.screenshot("conflict");

  // History shows both saves; restoring the first saves it again as version 3.
  await page.getByRole("link", { name: `Back to ${name}` }).click();
  const history = page.getByRole("table", { name: "History" });
  await expect(history).toContainText("spark-config.update");
  await history
    .getByRole("row")
    .filter({ hasText: "spark-config.create" })
    .getByRole("button", { name: "Restore this version" })
    .click();
  await page.getByRole("dialog").getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("heading", { level: 1 }).getByText("version 3", { exact: true })).toBeVisible();
  await expect(spark.preview("spark-submit")).toContainText("--conf spark.executor.instances=4");

  // The exported YAML imports back as a new version.
  const yaml = await (await request.get(`/api/v1/spark-configs/${name}/yaml`, { headers: admin })).text();
  expect(yaml).toContain("kind: SparkConfig");
  await spark.gotoList();
  const importForm = page.getByRole("form", { name: "Import YAML" });
  await importForm.getByLabel("YAML document").fill(yaml.replace('description: ""', "description: Imported"));
  await importForm.getByRole("button", { name: "Import YAML" }).click();
  await expect(importForm.getByRole("status")).toHaveText("Spark config imported.");
  await expect(page.getByRole("table", { name: "Spark configs" })).toContainText("Imported");
  await spark.screenshot("list");
});

test("the Spark config page warns when its namespace is outside the job namespaces of its cluster's Spark operator", async ({
  page,
  request,
}) => {
  // A cluster of its own (the embedded one, attached again), so no other test's Spark runs are refused.
  const cluster = `spark-ops-${Date.now() % 100000}`;
  const attached = await request.post("/api/v1/clusters", {
    headers: admin,
    data: { name: cluster, kubeconfig: embeddedKubeconfig(), sparkJobNamespaces: ["spark-jobs"] },
  });
  expect(attached.status()).toBe(201);
  expect(await attached.json()).toMatchObject({ sparkJobNamespaces: ["spark-jobs"] });
  const name = `spark-analytics-${Date.now() % 100000}`;
  const created = await request.post("/api/v1/spark-configs", {
    headers: admin,
    data: {
      name,
      cluster,
      managed: { enabled: true, namespace: "analytics", createNamespace: true, serviceAccountPerJob: false },
    },
  });
  expect(created.status()).toBe(201);

  await page.goto(`/spark-configs/${name}`);
  const warning = page.getByRole("status", { name: "Spark operator namespaces" });
  await expect(warning).toHaveText(
    `Cluster ${cluster}: The namespace analytics is not among the cluster's Spark operator job namespaces (spark-jobs): Spark runs with this config are refused.`,
  );
  const spark = new SparkConfigsPage(page);
  await spark.screenshot("operator-namespaces");

  // The cluster's settings list the operator's namespaces; adding this one ends the warning.
  const clusters = new ClustersPage(page);
  await clusters.open(cluster);
  await clusters.tab("Settings");
  const settings = page.getByRole("form", { name: "Cluster settings" });
  await expect(settings.getByLabel("Spark operator job namespaces")).toHaveValue("spark-jobs");
  await settings.getByLabel("Spark operator job namespaces").fill("spark-jobs, Analytics");
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(settings.getByText(/^Not namespace names: Analytics\. Use namespace names/)).toBeVisible();
  await settings.getByLabel("Spark operator job namespaces").fill("spark-jobs, analytics");
  await settings.getByRole("button", { name: "Save" }).click();
  // A saved revision re-renders the form: the stored list is what tells the save happened.
  await expect
    .poll(
      async () =>
        (
          (await (await request.get(`/api/v1/clusters/${cluster}`, { headers: admin })).json()) as {
            sparkJobNamespaces: string[] | null;
          }
        ).sparkJobNamespaces,
    )
    .toEqual(["spark-jobs", "analytics"]);
  await page.goto(`/spark-configs/${name}`);
  await expect(page.getByRole("heading", { name: new RegExp(name), level: 1 })).toBeVisible();
  await expect(page.getByRole("status", { name: "Spark operator namespaces" })).toHaveCount(0);
});
