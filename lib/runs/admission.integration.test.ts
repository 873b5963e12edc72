import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-admission-"));
// Namespaces unique to this file: the simulator is shared by every test file of a vitest run.
const suffix = Math.random().toString(36).slice(2, 7);

describe("a run that can never start is refused at submit", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig, kubeClients } = await import("@/lib/kube/client");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { createPolicy } = await import("@/lib/namespace-policies/mutations");
  const { createToken } = await import("@/lib/tokens/mutations");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { submitRun } = await import("./submit");
  const runsRoute = await import("@/app/api/v1/runs/route");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");

  let admin: Actor;
  let token = "";
  const gpuConfig = (name: string, gpus: string, namespace: string, cluster = "sim") => ({
    name,
    image: "team/pytorch:2.3",
    cluster,
    namespace,
    createNamespace: true,
    resources: {
      requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": gpus },
      limits: { cpu: "2", memory: "2Gi", "nvidia.com/gpu": gpus },
    },
    tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
  });
  const runCount = () => getDb().select().from(schema.runs).all().length;

  beforeAll(async () => {
    const db = getDb();
    const adminId = db
      .insert(schema.users)
      .values({ username: "admin", role: "admin", passwordHash: "x" })
      .returning()
      .get().id;
    admin = actorForUser(adminId)!;
    db.insert(schema.clusters)
      .values({
        name: "sim",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://sim",
      })
      .run();
    const dead = kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:1");
    db.insert(schema.clusters)
      .values({
        name: "dead",
        kubeconfigEncrypted: encryptSecret(dead),
        context: loadKubeconfig(dead).getCurrentContext(),
        server: "https://127.0.0.1:1",
      })
      .run();
    // An existing namespace with a 2-GPU quota, and a policy giving the new namespace adm-new-churn-* the same.
    const { core } = kubeClients(db.select().from(schema.clusters).get()!);
    await core.createNamespace({ body: { metadata: { name: `adm-team-${suffix}` } } });
    await core.createNamespacedResourceQuota({
      namespace: `adm-team-${suffix}`,
      body: { metadata: { name: "gpus" }, spec: { hard: { "requests.nvidia.com/gpu": "2" } } },
    });
    expect(
      await executeMutation(
        createPolicy,
        {
          name: `adm-${suffix}`,
          pattern: `adm-new-churn-${suffix}`,
          resourceQuota: { hard: { "requests.nvidia.com/gpu": "2" } },
        },
        admin,
        "api",
      ),
    ).toMatchObject({ ok: true });
    for (const config of [
      gpuConfig("four-in-team", "4", `adm-team-${suffix}`),
      gpuConfig("four-in-new", "4", `adm-new-\${project}-${suffix}`),
      gpuConfig("five-gpus", "5", `adm-free-${suffix}`),
      // The GPU toleration switched off: GPU configs get it otherwise.
      {
        ...gpuConfig("untolerated", "1", `adm-free-${suffix}`),
        resources: { requests: { cpu: "1" }, limits: { cpu: "2" } },
        gpu: { count: 1, tolerationKey: "" },
        tolerations: [],
      },
      gpuConfig("on-dead", "64", "default", "dead"),
    ]) {
      expect(await executeMutation(createExecutionConfig, config, admin, "api")).toMatchObject({ ok: true });
    }
    db.insert(schema.projects).values({ key: "churn", name: "churn" }).run();
    const created = await executeMutation(createToken, { name: "test" }, admin, "api");
    if (!created.ok) throw new Error(created.error);
    token = created.data.token;
  });

  it("refuses 4 GPUs over a namespace quota of 2 through the API: 422 with the numbers, nothing recorded", async () => {
    const before = runCount();
    const request = new NextRequest("http://berth.test/api/v1/runs", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        project: "churn",
        activity: "ml-train",
        command: ["python", "train.py"],
        executionConfig: "four-in-team",
      }),
    });
    const response = await runsRoute.POST(request, { params: Promise.resolve({}) });
    const body = (await response.json()) as { error: string; fieldErrors: Record<string, string[]> };
    expect(response.status).toBe(422);
    expect(body.error).toBe(
      `This run can never start on cluster sim: the pod asks 4 nvidia.com/gpu, but quota gpus of namespace adm-team-${suffix} allows at most 2 (requests.nvidia.com/gpu)`,
    );
    expect(body.fieldErrors.executionConfig).toEqual([
      `the pod asks 4 nvidia.com/gpu, but quota gpus of namespace adm-team-${suffix} allows at most 2 (requests.nvidia.com/gpu)`,
    ]);
    expect(runCount()).toBe(before);
  });

  it("applies the quota of the policy a namespace Berth would create will get", async () => {
    const result = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", executionConfig: "four-in-new" },
      admin,
      "api",
    );
    expect(result).toMatchObject({
      ok: false,
      status: 422,
      error: expect.stringContaining(
        `quota berth-quota of namespace adm-new-churn-${suffix} allows at most 2 (requests.nvidia.com/gpu)`,
      ),
    });
  });

  it("refuses more GPUs than any node has, naming the largest, and GPUs only on tainted nodes", async () => {
    const five = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", executionConfig: "five-gpus" },
      admin,
      "api",
    );
    expect(five).toMatchObject({
      ok: false,
      status: 422,
      error: expect.stringMatching(
        /^This run can never start on cluster sim: no node has 5 nvidia\.com\/gpu allocatable \(largest: 4 on [\w-]+\)$/,
      ),
    });
    const untolerated = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", executionConfig: "untolerated" },
      admin,
      "api",
    );
    expect(untolerated).toMatchObject({
      ok: false,
      status: 422,
      error:
        "This run can never start on cluster sim: no node it may use has nvidia.com/gpu; 8 nvidia.com/gpu on 2 nodes tainted nvidia.com/gpu=present:NoSchedule: this config does not tolerate it",
    });
  });

  it("does not refuse when the cluster cannot be read: the launch reports the cluster's words", async () => {
    const result = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", executionConfig: "on-dead" },
      admin,
      "api",
    );
    expect(result).toMatchObject({
      ok: true,
      data: { status: "failed", reason: expect.stringContaining("cannot be reached") },
    });
  });
});
