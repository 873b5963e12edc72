import { expect, test } from "@playwright/test";

import { BOOTSTRAP_TOKEN } from "./support/env";

const admin = { Authorization: `Bearer ${BOOTSTRAP_TOKEN}` };
const suffix = String(Date.now() % 1_000_000);
const names = { group: `sim-${suffix}`, project: `simnote${suffix}`, config: `sim-note-${suffix}` };

test.use({ viewport: { width: 1280, height: 900 } });

test("a run page on the embedded simulator says once that its containers are simulated and the code is not executed", async ({
  page,
  request,
}) => {
  const created = async (url: string, data: unknown) => {
    const response = await request.post(url, { headers: admin, data });
    expect(response.status(), `${url}: ${await response.text()}`).toBe(201);
    return response;
  };
  await expect
    .poll(async () => (await request.get("/api/v1/clusters/embedded", { headers: admin })).status(), {
      timeout: 30_000,
    })
    .toBe(200);
  await created("/api/v1/groups", { name: names.group });
  await created("/api/v1/execution-configs", {
    name: names.config,
    image: "python:3.12-slim",
    cluster: "embedded",
    namespace: "berth-${project}",
    createNamespace: true,
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    usableBy: "all",
  });
  await created("/api/v1/projects", {
    key: names.project,
    name: "Simulated note",
    ownerGroup: names.group,
    executionConfig: names.config,
    cluster: "embedded",
  });
  const run = await created("/api/v1/runs", {
    project: names.project,
    activity: "python-recipe",
    command: ["python", "-c", "print('never printed')"],
    annotations: { "sim.berth.dev/duration": "2s", "sim.berth.dev/log-lines": "from the simulator" },
  });
  const { id } = (await run.json()) as { id: string };

  await page.goto(`/runs/${id}`);
  const notice = page.getByRole("note", { name: "Simulated cluster" });
  await expect(notice).toHaveCount(1);
  await expect(notice).toContainText("containers on embedded are simulated");
  await expect(notice).toContainText("your command or script is not executed");
  await expect(page.getByRole("status", { name: "Run status" })).toContainText("succeeded", { timeout: 30_000 });
  // Still once when the run has ended and its pod is listed: not one notice per pod.
  await expect(notice).toHaveCount(1);
});
