import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";

import { ClustersPage } from "./pages/clusters-page";
import { ImagesPage } from "./pages/images-page";
import { BOOTSTRAP_TOKEN } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const suffix = String(Date.now() % 1_000_000);
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/layout-${name}.png`, fullPage: true });

test.use({ viewport: { width: 1280, height: 900 } });

async function post(request: APIRequestContext, url: string, data: unknown) {
  const response = await request.post(url, { headers: admin, data });
  expect(response.status(), `${url}: ${await response.text()}`).toBe(201);
  return response.json();
}

/** Every column header of the tables on the page has a name (a screen reader reads it out). */
async function expectNamedColumnHeaders(page: Page) {
  const headers = page.getByRole("columnheader");
  await expect(headers.first()).toBeVisible();
  for (const header of await headers.all())
    expect((await header.textContent())?.trim(), await header.innerHTML()).toBeTruthy();
}

const descriptionOf = (field: Locator) =>
  field.evaluate((element) =>
    (element.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .map((id) => document.getElementById(id)?.textContent ?? "")
      .join(" "),
  );

test("a refused form shows every field's error at once, in words beside its field, each once, and drops a field's error when it is edited", async ({
  page,
}) => {
  const images = new ImagesPage(page);
  await images.openNew();
  const form = images.form("New base image");
  await images.fill(form, {
    name: "Not A Name",
    pythonVersions: "3.12, 2.7, 3.99",
    registryUrl: "not a url",
    repository: "team/x",
  });
  await form.getByLabel("Build arguments", { exact: true }).fill("NOT-AN-ASSIGNMENT");
  await form.getByRole("button", { name: "Create base image" }).click();
  await expect(form.getByRole("alert")).toContainText("Some fields are not valid");

  const python = form.getByLabel("Python versions", { exact: true });
  await expect(python).toHaveAccessibleDescription(
    /Entry 2: "2\.7" is not a Python version.*Entry 3: Python 3\.99 is not supported/,
  );
  // The unreadable line hides nothing: the other fields' errors show with it.
  await expect(form.getByLabel("Build arguments", { exact: true })).toHaveAccessibleDescription(
    /Line 1: write NAME=value/,
  );
  await expect(form.getByLabel("Name", { exact: true })).toHaveAccessibleDescription(/lowercase/);
  await expect(form.getByLabel("Registry URL", { exact: true })).toHaveAccessibleDescription(
    /Registry URL must be a host/,
  );
  const shown = await form.textContent();
  expect(shown).not.toMatch(/pythonVersions|registry\.url|buildArgs/);
  const messages = await form.getByRole("listitem").allTextContents();
  expect(new Set(messages).size).toBe(messages.length);
  await shot(page, "base-image-errors");

  // Fixing a field removes its error at once; the others stay until they are fixed or the form is sent again.
  await python.fill("3.12");
  await expect(python).not.toHaveAttribute("aria-invalid", "true");
  expect(await descriptionOf(python)).not.toMatch(/Entry/);
  await expect(form.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
});

test("the audit log fits its box, shows each change as before → after, and links entries to their objects", async ({
  page,
  request,
}) => {
  const group = `audit-${suffix}`;
  await post(request, "/api/v1/groups", { name: group, description: "first" });
  // One long unbroken value: it must wrap inside the Changes column, not widen the table.
  const patched = await request.patch(`/api/v1/groups/${group}`, {
    headers: admin,
    data: { description: `https://example.com/${"x".repeat(400)}` },
  });
  expect(patched.status(), await patched.text()).toBe(200);

  await page.goto("/audit");
  const table = page.getByRole("table", { name: "Audit events" });
  const row = table.getByRole("row").filter({ hasText: "group.update" }).filter({ hasText: group }).first();
  await expect(row.getByRole("definition")).toContainText("first");
  await expect(row.getByRole("term")).toHaveText("description");
  await expect(row).not.toContainText('{"');
  const box = table.locator("xpath=..");
  expect(await box.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  await shot(page, "audit");
  await row.getByRole("link", { name: group }).click();
  await expect(page.getByRole("heading", { name: group, level: 1 })).toBeVisible();
});

test("layout: named action columns, one name for base images, a favicon, an aligned runs filter row", async ({
  page,
  request,
}) => {
  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()["content-type"]).toMatch(/image/);

  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Base images", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Base images", level: 1 })).toBeVisible();
  await expect(page).toHaveTitle(/Base images/);

  await page.goto("/runs");
  const filters = page.getByRole("search", { name: "Filter runs" });
  const controls = [
    filters.getByLabel("Status"),
    filters.getByLabel("User"),
    filters.getByLabel("Cluster"),
    filters.getByRole("button", { name: "Filter" }),
  ];
  const boxes = await Promise.all(controls.map(async (control) => (await control.boundingBox())!));
  for (const box of boxes) {
    expect(Math.round(box.y)).toBe(Math.round(boxes[0].y));
    expect(Math.round(box.height)).toBe(Math.round(boxes[0].height));
  }
  await shot(page, "runs-filters");
});

test("the cluster's Pods tab loads as soon as a namespace is chosen, and a run's pods link to the run", async ({
  page,
  request,
}) => {
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
  const config = `layout-cpu-${suffix}`;
  const project = `layout_${suffix}`;
  await post(request, "/api/v1/execution-configs", {
    name: config,
    image: "python:3.12-slim",
    cluster: "embedded",
    namespace: "berth-${project}",
    createNamespace: true,
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
    usableBy: "all",
  });
  await post(request, "/api/v1/groups", { name: `layout-${suffix}` });
  await post(request, "/api/v1/projects", {
    key: project,
    name: "Layout",
    ownerGroup: `layout-${suffix}`,
    executionConfig: config,
    cluster: "embedded",
  });
  const run = (await post(request, "/api/v1/runs", {
    project,
    activity: "python-recipe",
    command: ["python", "-c", "print(1)"],
    annotations: { "sim.berth.dev/duration": "600s" },
  })) as { id: string };
  try {
    const view = async () =>
      (await (await request.get(`/api/v1/runs/${run.id}`, { headers: admin })).json()) as {
        status: string;
        reason?: string;
        namespace: string;
      };
    await expect
      .poll(
        async () => {
          const current = await view();
          return `${current.status} ${current.reason ?? ""}`;
        },
        { timeout: 30_000 },
      )
      .toMatch(/^running/);
    const { namespace } = await view();
    const clusters = new ClustersPage(page);
    await clusters.open("embedded");
    await clusters.tab("Pods");
    await expectNamedColumnHeaders(page);
    const pods = page.getByRole("table", { name: "Pods" });
    await expect(pods.getByRole("columnheader", { name: "Actions" })).toBeAttached();
    const runPod = pods.getByRole("row").filter({ hasText: namespace });
    await expect(runPod.getByRole("link", { name: `Run ${run.id}` })).toBeVisible();
    await shot(page, "cluster-pods");

    // Choosing a namespace shows its pods at once: no button to press.
    await page.getByRole("form", { name: "Namespace filter" }).getByLabel("Namespace").selectOption("kube-system");
    await expect(page).toHaveURL(/namespace=kube-system/);
    await expect(pods.getByRole("row").filter({ hasText: namespace })).toHaveCount(0);
    await page.getByRole("form", { name: "Namespace filter" }).getByLabel("Namespace").selectOption("");
    await expect(page).not.toHaveURL(/namespace=kube-system/);

    await runPod.getByRole("link", { name: `Run ${run.id}` }).click();
    await expect(page).toHaveURL(new RegExp(`/runs/${run.id}$`));
  } finally {
    await request.post(`/api/v1/runs/${run.id}/abort`, { headers: admin });
  }
});

test("a build page opened while the build waits shows its start time once it runs, without a reload", async ({
  page,
  request,
}) => {
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
  const slow = Array.from({ length: 60 }, (_, index) => `RUN echo step ${index + 1}`).join("\n");
  const image = async (name: string) =>
    post(request, "/api/v1/base-images", {
      name,
      dockerfileEnd: slow,
      registry: { url: "registry.example.com", repository: `team/${name}` },
    });
  await image(`busy-${suffix}`);
  await image(`waits-${suffix}`);
  const settings = (await (await request.get("/api/v1/image-builds/settings", { headers: admin })).json()) as {
    maxConcurrentBuilds: number;
  };
  // One build at a time: the second waits in the queue until the first ends.
  expect(
    (await request.put("/api/v1/image-builds/settings", { headers: admin, data: { maxConcurrentBuilds: 1 } })).status(),
  ).toBe(200);
  const busy = (await post(request, `/api/v1/base-images/busy-${suffix}/builds`, {})) as { id: number };
  const waits = (await post(request, `/api/v1/base-images/waits-${suffix}/builds`, {})) as { id: number };
  try {
    await expect
      .poll(
        async () => (await (await request.get(`/api/v1/image-builds/${busy.id}`, { headers: admin })).json()).status,
        { timeout: 30_000 },
      )
      .toBe("running");
    await page.goto(`/image-builds/${waits.id}`);
    // The value beside the "Started" term.
    const started = page
      .getByRole("term")
      .filter({ hasText: /^Started$/ })
      .locator("xpath=following-sibling::dd[1]");
    await expect(started).toHaveText("not yet (queued)");
    expect((await request.post(`/api/v1/image-builds/${busy.id}/cancel`, { headers: admin })).status()).toBe(200);
    await expect(started).toHaveText(/^\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC$/, { timeout: 30_000 });
    await shot(page, "build-started");
  } finally {
    await request.post(`/api/v1/image-builds/${busy.id}/cancel`, { headers: admin });
    await request.post(`/api/v1/image-builds/${waits.id}/cancel`, { headers: admin });
    await request.put("/api/v1/image-builds/settings", {
      headers: admin,
      data: { maxConcurrentBuilds: settings.maxConcurrentBuilds },
    });
  }
});
