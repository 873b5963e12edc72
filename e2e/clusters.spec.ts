import fs from "node:fs";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { expect, test, type APIRequestContext } from "@playwright/test";

import { ClustersPage } from "./pages/clusters-page";
import { BOOTSTRAP_TOKEN, DATA_DIR } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const embeddedKubeconfig = () => fs.readFileSync(path.join(DATA_DIR, "embedded-kubeconfig.yaml"), "utf8");
const tokenOf = (kubeconfig: string) => /token:\s*"?([^"\s]+)/.exec(kubeconfig)![1];
const caDataOf = (kubeconfig: string) => /certificate-authority-data:\s*"?([^"\s]+)/.exec(kubeconfig)![1];

test.use({ viewport: { width: 1280, height: 900 } });

function embeddedClient<T extends k8s.ApiType>(api: new (config: k8s.Configuration) => T): T {
  const config = new k8s.KubeConfig();
  config.loadFromString(embeddedKubeconfig());
  return config.makeApiClient(api);
}

/** A pod in the embedded cluster that finishes after a second (the simulator's duration annotation). */
async function finishedPod(name: string, label: string) {
  const core = embeddedClient(k8s.CoreV1Api);
  await core.createNamespacedPod({
    namespace: "default",
    body: {
      metadata: { name, labels: { e2e: label }, annotations: { "sim.berth.dev/duration": "1s" } },
      spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] },
    },
  });
  await expect
    .poll(async () => (await core.readNamespacedPod({ namespace: "default", name })).status?.phase, { timeout: 20_000 })
    .toBe("Succeeded");
}

test("admin sees the embedded cluster, attaches a second one, grants a group, and cleans up after a dry run", async ({
  page,
  request,
}) => {
  const clusters = new ClustersPage(page);
  const stamp = Date.now();
  const name = `second-${stamp}`;
  const group = `ops-${stamp}`;
  const label = `cleanup-${stamp}`;
  const pod = `finished-${stamp}`;
  expect((await request.post("/api/v1/groups", { headers: admin, data: { name: group } })).status()).toBe(201);
  await finishedPod(pod, label);
  const job = `job-${stamp}`;
  await embeddedClient(k8s.BatchV1Api).createNamespacedJob({
    namespace: "default",
    body: {
      metadata: { name: job },
      spec: {
        template: {
          metadata: { annotations: { "sim.berth.dev/duration": "2s" } },
          spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] },
        },
      },
    },
  });

  await clusters.gotoList();
  const embedded = clusters.row("embedded");
  await expect(embedded.getByText("reachable", { exact: true })).toBeVisible();
  await expect(embedded.getByText("6/6 ready")).toBeVisible();
  await expect(embedded.getByRole("cell", { name: "8", exact: true })).toBeVisible();
  await clusters.screenshot("list");

  await clusters.open("embedded");
  await expect(page.getByRole("table", { name: "Nodes" }).getByRole("row")).toHaveCount(7);
  await clusters.screenshot("detail-nodes");
  await clusters.tab("Pods");
  await expect(page.getByRole("table", { name: "Pods" }).getByRole("link", { name: pod })).toBeVisible();
  await clusters.screenshot("detail-pods");
  await clusters.tab("Jobs");
  await expect(page.getByRole("table", { name: "Jobs" }).getByRole("cell", { name: job })).toBeVisible();
  await clusters.screenshot("detail-jobs");
  await clusters.tab("Events");
  await expect(page.getByRole("table", { name: "Events" }).getByText(`pod/${pod}`).first()).toBeVisible();
  await clusters.screenshot("detail-events");
  await clusters.tab("Pods");
  await page.getByRole("table", { name: "Pods" }).getByRole("link", { name: pod }).click();
  await expect(page.getByRole("heading", { name: `default/${pod}`, level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "Containers" }).getByText("terminated")).toBeVisible();
  await clusters.screenshot("pod");

  // Attach a second cluster by pasting the kubeconfig.
  await clusters.fillAttachForm({ name, kubeconfig: embeddedKubeconfig(), context: "berth-sim" });
  await clusters.screenshot("attach");
  await clusters.submitAttach(name);
  await expect(page.getByText("reachable", { exact: true })).toBeVisible();

  await clusters.setGrant(group, "operate");
  await clusters.screenshot("detail-permissions");
  const grants = await (await request.get(`/api/v1/clusters/${name}/grants`, { headers: admin })).json();
  expect(grants).toEqual([{ group, level: "operate" }]);

  const cleanup = await clusters.dryRunCleanup({ target: "pods", labelSelector: `e2e=${label}` });
  await expect(cleanup.getByRole("list", { name: "Would delete" })).toHaveText(`default/${pod}`);
  await clusters.screenshot("detail-cleanup");
  // Nothing was deleted by the dry run.
  const pods = async () =>
    (
      (await (await request.get(`/api/v1/clusters/${name}/pods?namespace=default`, { headers: admin })).json()) as {
        name: string;
      }[]
    ).map((item) => item.name);
  expect(await pods()).toContain(pod);
  await page.getByRole("button", { name: "Delete the 1 listed" }).click();
  await page.getByRole("dialog", { name: "Delete for real?" }).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("list", { name: "Deleted" })).toHaveText(`default/${pod}`);
  expect(await pods()).not.toContain(pod);

  await clusters.tab("Settings");
  await clusters.screenshot("detail-settings");
  // GPU metric labels: each field checked as a Prometheus label name, then saved and shown.
  const settings = page.getByRole("form", { name: "Cluster settings" });
  await settings.getByLabel("Pod label").fill("exported-pod");
  await settings.getByRole("button", { name: "Save" }).click();
  await expect(
    settings.getByText("Use a Prometheus label name: letters, digits and _, not starting with a digit"),
  ).toBeVisible();
  await expect(settings.getByText("Required", { exact: true })).toBeVisible();
  await settings.getByLabel("Pod label").fill("exported_pod");
  await settings.getByLabel("Namespace label").fill("exported_namespace");
  await settings.getByRole("button", { name: "Save" }).click();
  // The saved revision re-renders the page: the form starts afresh and the summary shows the labels.
  await expect(page.getByText("GPU metric labels: pod exported_pod, namespace exported_namespace")).toBeVisible();
  await expect(settings.getByLabel("Pod label")).toHaveValue("exported_pod");
  await clusters.tab("History");
  const history = page.getByRole("table", { name: "History" });
  for (const action of ["cluster.create", "cluster.set-grants", "cluster.cleanup"])
    await expect(history.getByText(action, { exact: true })).toBeVisible();
  await clusters.screenshot("detail-history");
});

test("an unreachable cluster shows since when and why, and the console keeps working", async ({ page, request }) => {
  const clusters = new ClustersPage(page);
  const name = `dead-${Date.now()}`;
  const kubeconfig = embeddedKubeconfig().replace(/server: \S+/, "server: https://127.0.0.1:1");
  expect((await request.post("/api/v1/clusters", { headers: admin, data: { name, kubeconfig } })).status()).toBe(201);
  const detail = await (await request.get(`/api/v1/clusters/${name}`, { headers: admin })).json();
  expect(detail).toMatchObject({
    reachable: false,
    nodes: [],
    lastError: "The cluster cannot be reached (ECONNREFUSED).",
    unreachableSince: expect.any(String),
  });

  await clusters.gotoList();
  await expect(clusters.row(name).getByText(/^unreachable since/)).toBeVisible();
  await expect(clusters.row("embedded").getByText("reachable", { exact: true })).toBeVisible();
  await clusters.open(name);
  await expect(
    page
      .getByRole("status")
      .filter({ hasText: /^Unreachable since .+, last error: The cluster cannot be reached \(ECONNREFUSED\)\.$/ }),
  ).toBeVisible();
  await clusters.screenshot("unreachable");
  await clusters.tab("Pods");
  await expect(
    page.getByRole("status").filter({ hasText: "Could not list the pods: The cluster cannot be reached" }),
  ).toBeVisible();
  await page.getByRole("button", { name: "Delete cluster" }).click();
  await page
    .getByRole("dialog", { name: `Delete ${name}?` })
    .getByRole("button", { name: "Delete cluster" })
    .click();
  await expect(page).toHaveURL(/\/clusters$/);
  await expect(clusters.table().getByRole("link", { name, exact: true })).toHaveCount(0);
});

test("a bad kubeconfig in the attach form gives field errors and attaches nothing", async ({ page, request }) => {
  const clusters = new ClustersPage(page);
  const count = async () =>
    ((await (await request.get("/api/v1/clusters", { headers: admin })).json()) as unknown[]).length;
  const before = await count();
  await page.goto("/clusters/new");
  const form = clusters.attachForm();
  await form.getByLabel("Name").fill("Not A Name");
  await form.getByLabel("Kubeconfig", { exact: true }).fill("clusters: [");
  await form.getByRole("button", { name: "Attach cluster" }).click();
  await expect(form.getByRole("alert")).toContainText("Some fields are not valid");
  await expect(
    form.getByText("Use lowercase letters, digits and '-', starting and ending with a letter or digit"),
  ).toBeVisible();
  await expect(form.getByText(/This is not valid YAML/).last()).toBeVisible();
  expect(await count()).toBe(before);
});

/** Every response body a person or a script can get about clusters. */
async function everythingShown(
  request: APIRequestContext,
  page: import("@playwright/test").Page,
  name: string,
  id: number,
): Promise<string[]> {
  const bodies: string[] = [];
  for (const url of [
    "/api/v1/clusters",
    `/api/v1/clusters/${name}`,
    `/api/v1/clusters/${id}`,
    "/api/v1/clusters/embedded",
    `/api/v1/clusters/${name}/grants`,
    "/api/v1/audit?objectType=cluster&limit=200",
    "/api/v1/openapi.json",
  ]) {
    const response = await request.get(url, { headers: admin });
    expect(response.status(), url).toBe(200);
    bodies.push(await response.text());
  }
  for (const url of [
    "/clusters",
    "/clusters/new",
    ...["nodes", "pods", "settings", "history", "permissions", "cleanup"].map((tab) => `/clusters/${id}?tab=${tab}`),
    "/audit",
  ]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBe(200);
    bodies.push(await page.content(), (await response?.text()) ?? "");
  }
  return bodies;
}

test("the kubeconfig's token appears in no API response, no page, and not in the database", async ({
  page,
  request,
}) => {
  const kubeconfig = embeddedKubeconfig();
  const token = tokenOf(kubeconfig);
  expect(token.length).toBeGreaterThan(16);
  const name = `secret-check-${Date.now()}`;
  const created = await request.post("/api/v1/clusters", {
    headers: admin,
    data: { name, kubeconfig, context: "berth-sim", description: "token canary" },
  });
  expect(created.status()).toBe(201);
  const createdBody = await created.text();
  const { id } = JSON.parse(createdBody) as { id: number };
  const detail = await (await request.get(`/api/v1/clusters/${name}`, { headers: admin })).json();
  expect(detail).toMatchObject({
    id,
    name,
    reachable: true,
    version: expect.stringMatching(/^v1\./),
    server: expect.stringMatching(/^https:\/\/127\.0\.0\.1:/),
  });
  expect(detail.nodes).toHaveLength(6);
  // Replacing the kubeconfig goes through PATCH with the revision read.
  const patched = await request.patch(`/api/v1/clusters/${name}`, {
    headers: admin,
    data: { version: detail.revision, kubeconfig, description: "replaced" },
  });
  expect(patched.status()).toBe(200);
  const stale = await request.patch(`/api/v1/clusters/${name}`, {
    headers: admin,
    data: { version: detail.revision, description: "stale" },
  });
  expect(stale.status()).toBe(409);

  const caData = caDataOf(kubeconfig);
  expect(caData.length).toBeGreaterThan(16);
  const bodies = [
    createdBody,
    await patched.text(),
    await stale.text(),
    ...(await everythingShown(request, page, name, id)),
  ];
  for (const body of bodies) {
    expect(body.includes(token), "the token was in a response").toBe(false);
    // The cluster's own CA, not the field name: the OpenAPI document's example kubeconfig names it.
    expect(body.includes(caData), "the kubeconfig's CA was in a response").toBe(false);
  }
  const files = fs.readdirSync(DATA_DIR).filter((file) => file === "berth.db" || file === "berth.db-wal");
  expect(files).toContain("berth.db");
  for (const file of files)
    expect(fs.readFileSync(path.join(DATA_DIR, file)).includes(Buffer.from(token)), `the token was in ${file}`).toBe(
      false,
    );
});
