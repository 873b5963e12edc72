import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";

import { Console } from "./pages/console";
import { NamespacePoliciesPage } from "./pages/namespace-policies-page";
import { BOOTSTRAP_TOKEN, DATA_DIR } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const kubectl = (...args: string[]) =>
  execFileSync("/usr/bin/kubectl", ["--kubeconfig", path.join(DATA_DIR, "embedded-kubeconfig.yaml"), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });

test.use({ viewport: { width: 1280, height: 900 } });

test("admin creates a GPU quota policy, dry-runs it, applies it to a new namespace on the embedded cluster, and kubectl sees the quota", async ({
  page,
  request,
}) => {
  const policies = new NamespacePoliciesPage(page);
  const stamp = Date.now() % 100000;
  const name = `ml-gpu-${stamp}`;
  const namespace = `ml-e2e-${stamp}`;

  await page.goto("/");
  await new Console(page).nav("Namespace policies").click();
  await expect(page.getByRole("heading", { name: "Namespace policies", level: 1 })).toBeVisible();

  await policies.create({ name, pattern: "re:ml-(", quota: "requests.nvidia.com/gpu=lots" });
  await policies.form().getByRole("button", { name: "Create policy" }).click();
  // On the field (the live preview below says it too).
  await expect(policies.form().getByLabel("Namespace pattern")).toHaveAccessibleDescription(
    /Not a valid regular expression/,
  );
  await expect(policies.form().getByText(/Not a Kubernetes quantity/)).toBeVisible();
  await policies.screenshot("new-errors");

  // The form previews, as the pattern is typed, which namespaces of the cluster it matches.
  const preview = policies.form().getByRole("region", { name: "Matching namespaces" });
  await policies.form().getByLabel("Namespace pattern").fill("kube-*");
  await expect(preview.getByRole("status")).toContainText("kube-system");
  await policies.screenshot("pattern-preview");
  await policies.form().getByLabel("Namespace pattern").fill("kube-.*");
  await expect(preview.getByRole("status")).toContainText("re:kube-.*");
  await policies.form().getByLabel("Namespace pattern").fill(`ml-e2e-*`);
  await policies
    .form()
    .getByLabel("ResourceQuota (hard)")
    .fill("requests.nvidia.com/gpu=4\nlimits.nvidia.com/gpu=4\npods=20\nrequests.memory=64Gi");
  await policies
    .form()
    .getByLabel("LimitRange (limits YAML)")
    .fill("- type: Container\n  default: { cpu: '1', memory: 1Gi }\n  defaultRequest: { cpu: 500m, memory: 512Mi }\n");
  await policies.form().getByRole("button", { name: "Create policy" }).click();
  await expect(page.getByRole("heading", { name: new RegExp(name), level: 1 })).toBeVisible();
  await expect(page.getByRole("list", { name: "Quota" })).toContainText("requests.nvidia.com/gpu: 4");

  // Dry run first: the namespace would be created and get both objects; nothing changes yet.
  const apply = policies.applyNow();
  await apply.getByLabel("Cluster").selectOption("embedded");
  await apply.getByRole("textbox", { name: "Namespaces" }).fill(namespace);
  await apply.getByLabel("Create listed namespaces that do not exist").check();
  await apply.getByRole("button", { name: "Dry run" }).click();
  await expect(apply.getByRole("status")).toHaveText("Dry run on embedded: nothing was changed.");
  const dryRun = apply.getByRole("table", { name: "Dry run" });
  await expect(dryRun.getByRole("row", { name: new RegExp(namespace) })).toContainText("would-change");
  await expect(dryRun).toContainText("to be created");
  await expect(dryRun).toContainText("ResourceQuota missing");
  expect(() => kubectl("get", "namespace", namespace)).toThrow(/Error from server \(NotFound\)/);
  await policies.screenshot("dry-run");

  await apply.getByRole("button", { name: "Apply to 1 namespace(s)" }).click();
  await expect(apply.getByRole("status")).toContainText("Applied on embedded");
  await expect(
    apply.getByRole("table", { name: "Applied" }).getByRole("row", { name: new RegExp(namespace) }),
  ).toContainText("applied");

  // kubectl sees the ResourceQuota, owned by the field manager berth.
  const quota = JSON.parse(
    kubectl("get", "resourcequota", "berth-quota", "-n", namespace, "-o", "json", "--show-managed-fields"),
  ) as {
    spec: { hard: Record<string, string> };
    metadata: { labels: Record<string, string>; managedFields: { manager: string }[] };
  };
  expect(quota.spec.hard).toMatchObject({ "requests.nvidia.com/gpu": "4", pods: "20", "requests.memory": "64Gi" });
  expect(quota.metadata.labels["berth.dev/policy"]).toBe(name);
  expect(quota.metadata.managedFields.map((entry) => entry.manager)).toContain("berth");

  // The drift view shows the namespace in sync; after a hand edit, the API reports the drift.
  await page.reload();
  await expect(policies.drift("embedded").getByRole("row", { name: new RegExp(namespace) })).toContainText("in sync");
  await policies.screenshot("detail");
  kubectl(
    "patch",
    "resourcequota",
    "berth-quota",
    "-n",
    namespace,
    "--type",
    "merge",
    "-p",
    '{"spec":{"hard":{"pods":"99"}}}',
  );
  const drift = await request.get(`/api/v1/namespace-policies/${name}/diff?cluster=embedded`, { headers: admin });
  expect(drift.status()).toBe(200);
  expect(await drift.json()).toMatchObject({
    cluster: "embedded",
    namespaces: [
      {
        namespace,
        inSync: false,
        drift: [{ object: "ResourceQuota", kind: "different", key: "pods", expected: "20", actual: "99" }],
      },
    ],
  });
  await page.reload();
  await expect(policies.drift("embedded").getByRole("row", { name: new RegExp(namespace) })).toContainText(
    "pods: 99 in the cluster, policy says 20",
  );
  await policies.screenshot("drift");

  // The apply is in the policy's history.
  await expect(page.getByRole("table", { name: "History" })).toContainText("namespace-policy.apply");

  await policies.gotoList();
  await expect(page.getByRole("table", { name: "Namespace policies" }).getByRole("link", { name })).toBeVisible();
  await policies.screenshot("list");
});

test("the apply API refuses bad input with field errors and a dry run changes nothing", async ({ request }) => {
  const name = `api-policy-${Date.now() % 100000}`;
  const bad = await request.post("/api/v1/namespace-policies", {
    headers: admin,
    data: { name, pattern: "(", resourceQuota: { hard: { pods: "-3" } } },
  });
  expect(bad.status()).toBe(400);
  expect(Object.keys((await bad.json()).fieldErrors)).toEqual(
    expect.arrayContaining(["pattern", "resourceQuota.hard.pods"]),
  );
  const created = await request.post("/api/v1/namespace-policies", {
    headers: admin,
    data: { name, pattern: "api-ns-*", resourceQuota: { hard: { pods: "3" } } },
  });
  expect(created.status()).toBe(201);
  const namespace = `api-ns-${Date.now() % 100000}`;
  const dry = await request.post(`/api/v1/namespace-policies/${name}/apply`, {
    headers: admin,
    data: { cluster: "embedded", namespaces: [namespace], create: true, dryRun: true },
  });
  expect(dry.status()).toBe(200);
  expect((await dry.json()).results).toEqual([
    expect.objectContaining({ namespace, status: "would-change", created: true }),
  ]);
  expect(() => kubectl("get", "namespace", namespace)).toThrow(/Error from server \(NotFound\)/);
  const noCluster = await request.post(`/api/v1/namespace-policies/${name}/apply`, {
    headers: admin,
    data: { cluster: "nowhere" },
  });
  expect(noCluster.status()).toBe(404);
  const applied = await request.post(`/api/v1/namespace-policies/${name}/apply`, {
    headers: admin,
    data: { cluster: "embedded", namespaces: [namespace], create: true },
  });
  expect((await applied.json()).results[0]).toMatchObject({ namespace, status: "applied", created: true });
  expect(JSON.parse(kubectl("get", "resourcequota", "-n", namespace, "-o", "json")).items[0].spec.hard.pods).toBe("3");
});

test("a policy form with an unreadable quota line still shows every other field's error, in words", async ({
  page,
}) => {
  const policies = new NamespacePoliciesPage(page);
  await policies.create({
    name: "Not A Name",
    pattern: "team-*",
    quota: "pods=4\nnot a line",
    limits: "- type: Bogus\n  max: { cpu: lots }",
  });
  const form = policies.form();
  await form.getByRole("button", { name: "Create policy" }).click();
  await expect(form.getByRole("alert")).toContainText("Some fields are not valid");
  await expect(form.getByLabel("ResourceQuota (hard)")).toHaveAccessibleDescription(/Line 2: write resource=quantity/);
  await expect(form.getByLabel("Name", { exact: true })).toHaveAccessibleDescription(/lowercase/);
  await expect(form.getByLabel("LimitRange (limits YAML)")).toHaveAccessibleDescription(
    /Limit 1: Type must be Container or Pod.*Limit 1, max cpu: Not a Kubernetes quantity/,
  );
  expect(await form.textContent()).not.toMatch(/limitRange\.|resourceQuota\./);
  await policies.screenshot("form-errors");
});
