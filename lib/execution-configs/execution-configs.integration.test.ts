import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-exec-configs-"));
const admin: Actor = { id: 1, username: "admin", role: "admin", groups: ["ml"] };

describe("execution configs against the simulated cluster", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { clusters, groups, users, projects } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { listAuditEvents } = await import("@/lib/audit/queries");
  const mutations = await import("./mutations");
  const { findExecutionConfig, listExecutionConfigs } = await import("./queries");
  const { executionConfigFits, testExecutionConfig, podFor, sampleRun } = await import("./cluster-actions");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");

  const run = (mutation: Parameters<typeof executeMutation>[0], input: unknown, actor: Actor = admin) =>
    executeMutation(mutation, input, actor, "api");
  const gpuConfig = (name: string, gpus: string) => ({
    name,
    image: "python:3.12-slim",
    cluster: "sim",
    namespace: "berth-${project}",
    createNamespace: true,
    resources: {
      requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": gpus },
      limits: { cpu: "2", memory: "2Gi", "nvidia.com/gpu": gpus },
    },
    nodeSelector: { "nvidia.com/gpu.present": "true" },
    tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    usableBy: { groups: ["ml"] },
  });

  beforeAll(() => {
    const db = getDb();
    db.insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    db.insert(groups).values({ name: "ml" }).run();
    db.insert(clusters)
      .values({
        name: "sim",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://sim",
      })
      .run();
  });

  it("creates a GPU config, lists it only for users who may use it, and refuses unknown groups and clusters", async () => {
    expect(await run(mutations.createExecutionConfig, gpuConfig("gpu-one", "1"))).toMatchObject({
      ok: true,
      data: { name: "gpu-one", cluster: "sim", version: 1, mayUse: true },
    });
    const outsider: Actor = { id: 2, username: "bob", role: "user", groups: ["sales"] };
    expect(listExecutionConfigs(outsider, false)).toEqual([]);
    expect(listExecutionConfigs({ ...outsider, groups: ["ml"] }, false).map((config) => config.name)).toEqual([
      "gpu-one",
    ]);
    expect(
      await run(mutations.createExecutionConfig, {
        ...gpuConfig("gpu-two", "1"),
        cluster: "nope",
        usableBy: { groups: ["ml", "ghosts"] },
      }),
    ).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { cluster: ['No cluster named "nope"'], "usableBy.groups.1": ['No group named "ghosts"'] },
    });
    expect(await run(mutations.createExecutionConfig, gpuConfig("gpu-one", "1"))).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(await run(mutations.createExecutionConfig, gpuConfig("gpu-one", "1"), outsider)).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(findExecutionConfig("gpu-two")).toBeUndefined();
  });

  it("counts fits on 2 GPU nodes × 4 GPUs", async () => {
    const [fit] = await executionConfigFits(findExecutionConfig("gpu-one")!, admin);
    expect(fit).toMatchObject({
      cluster: "sim",
      fits: 8,
      reachable: true,
      namespace: "berth-sample",
      reason: "fits 8×: 8 of 8 nvidia.com/gpu free",
    });
    await run(mutations.createExecutionConfig, gpuConfig("gpu-three", "3"));
    expect((await executionConfigFits(findExecutionConfig("gpu-three")!, admin))[0]).toMatchObject({
      fits: 2,
      reason: "fits 2×: 8 of 8 nvidia.com/gpu free",
    });
  });

  it("tolerates the GPU nodes' taint for GPU configs, old and new, and says so when a config does not", async () => {
    const base = { image: "python:3.12-slim", cluster: "sim", namespace: "berth-${project}", createNamespace: true };
    // Asked in resources, with no toleration of its own: it gets the GPU toleration.
    await run(mutations.createExecutionConfig, {
      ...base,
      name: "gpu-legacy",
      resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } },
    });
    expect((await executionConfigFits(findExecutionConfig("gpu-legacy")!, admin))[0]).toMatchObject({
      fits: 8,
      reason: "fits 8×: 8 of 8 nvidia.com/gpu free",
    });
    await run(mutations.createExecutionConfig, {
      ...base,
      name: "gpu-field",
      gpu: { count: 2, type: "NVIDIA-A100-SXM4-40GB" },
    });
    expect((await executionConfigFits(findExecutionConfig("gpu-field")!, admin))[0]).toMatchObject({
      fits: 4,
      reason: "fits 4×: 8 of 8 nvidia.com/gpu free",
    });
    await run(mutations.createExecutionConfig, { ...base, name: "gpu-h100", gpu: { count: 1, type: "H100" } });
    expect((await executionConfigFits(findExecutionConfig("gpu-h100")!, admin))[0]).toMatchObject({
      fits: 0,
      reason: "fits 0×: 8 nvidia.com/gpu on 6 nodes not matching the node selector/affinity",
    });
    await run(mutations.createExecutionConfig, { ...base, name: "gpu-no-key", gpu: { count: 1, tolerationKey: "" } });
    expect((await executionConfigFits(findExecutionConfig("gpu-no-key")!, admin))[0]).toMatchObject({
      fits: 0,
      reason:
        "fits 0×: 8 nvidia.com/gpu on 2 nodes tainted nvidia.com/gpu=present:NoSchedule: this config does not tolerate it",
    });
  });

  it("tests a config asking 16 GPUs: unschedulable with the scheduler's message", async () => {
    await run(mutations.createExecutionConfig, gpuConfig("gpu-huge", "16"));
    const result = await testExecutionConfig(findExecutionConfig("gpu-huge")!, admin, "api");
    expect(result.outcome).toBe("unschedulable");
    expect(result.reason).toMatch(/^0\/6 nodes are available: .*Insufficient nvidia\.com\/gpu/);
    expect(result.events.some((event) => event.reason === "FailedScheduling")).toBe(true);
    expect(
      listAuditEvents({
        objectType: "execution-config",
        objectId: String(findExecutionConfig("gpu-huge")!.id),
        limit: 5,
      })[0],
    ).toMatchObject({
      action: "execution-config.test",
      after: { outcome: "unschedulable" },
    });
  });

  it("tests a small config: it is scheduled, runs and succeeds, and the pod is removed", async () => {
    await run(mutations.createExecutionConfig, {
      name: "small",
      image: "python:3.12-slim",
      cluster: "sim",
      namespace: "berth-${user}",
      createNamespace: true,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    });
    const result = await testExecutionConfig(findExecutionConfig("small")!, admin, "api");
    expect(result).toMatchObject({
      outcome: "succeeded",
      namespace: "berth-admin",
      steps: { scheduled: true, pulled: true, ran: true, exitCode: 0 },
    });
    expect(result.reason).toMatch(/exited with code 0/);
    const { kubeClients } = await import("@/lib/kube/client");
    const { findCluster } = await import("@/lib/clusters/queries");
    const pods = await kubeClients(findCluster("sim")!).core.listNamespacedPod({ namespace: "berth-admin" });
    expect(pods.items.filter((pod) => pod.metadata?.name === result.pod && !pod.metadata?.deletionTimestamp)).toEqual(
      [],
    );
  }, 30_000);

  it("reports a bad image as pull-failed and a missing namespace as refused", async () => {
    await run(mutations.createExecutionConfig, {
      name: "bad-image",
      image: "python:nonexistent",
      cluster: "sim",
      namespace: "default",
    });
    expect(await testExecutionConfig(findExecutionConfig("bad-image")!, admin, "api")).toMatchObject({
      outcome: "pull-failed",
      reason: expect.stringContaining("ErrImagePull"),
    });
    await run(mutations.createExecutionConfig, {
      name: "no-ns",
      image: "python:3.12",
      cluster: "sim",
      namespace: "missing-${user}",
    });
    expect(await testExecutionConfig(findExecutionConfig("no-ns")!, admin, "api")).toMatchObject({
      outcome: "refused",
      reason: expect.stringContaining("does not exist"),
    });
  }, 30_000);

  it("applies the namespace quota: fits says what it allows, Test reports the quota's refusal", async () => {
    const { kubeClients } = await import("@/lib/kube/client");
    const { findCluster } = await import("@/lib/clusters/queries");
    const { core } = kubeClients(findCluster("sim")!);
    await core.createNamespace({ body: { metadata: { name: "quota-team" } } });
    await core.createNamespacedResourceQuota({
      namespace: "quota-team",
      body: { metadata: { name: "gpus" }, spec: { hard: { "requests.nvidia.com/gpu": "2" } } },
    });
    await run(mutations.createExecutionConfig, { ...gpuConfig("gpu-quota", "3"), namespace: "quota-team" });
    const [fit] = await executionConfigFits(findExecutionConfig("gpu-quota")!, admin);
    expect(fit).toMatchObject({
      fits: 0,
      reason: "fits 0×: 8 of 8 nvidia.com/gpu free; quota allows 0 (requests.nvidia.com/gpu)",
    });
    const result = await testExecutionConfig(findExecutionConfig("gpu-quota")!, admin, "api");
    expect(result).toMatchObject({
      outcome: "refused",
      reason: expect.stringMatching(/^Refused by the namespace quota: .*exceeded quota: gpus/),
    });
  });

  it("answers for an unreachable cluster with a plain reason, never an error", async () => {
    const dead = kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:1");
    getDb()
      .insert(clusters)
      .values({
        name: "dead",
        kubeconfigEncrypted: encryptSecret(dead),
        context: loadKubeconfig(dead).getCurrentContext(),
        server: "https://127.0.0.1:1",
      })
      .run();
    await run(mutations.createExecutionConfig, {
      name: "on-dead",
      image: "python:3.12",
      cluster: "dead",
      namespace: "default",
      createNamespace: true,
    });
    expect((await executionConfigFits(findExecutionConfig("on-dead")!, admin))[0]).toMatchObject({
      cluster: "dead",
      fits: 0,
      reachable: false,
      reason: expect.stringContaining("cannot be reached"),
    });
    expect(await testExecutionConfig(findExecutionConfig("on-dead")!, admin, "api")).toMatchObject({
      outcome: "failed",
      reason: expect.stringContaining("cannot be reached"),
    });
  });

  it("refuses a stale save with the other person's change, restores an old version, and blocks deleting a used config", async () => {
    const config = findExecutionConfig("gpu-one")!;
    expect(
      await run(mutations.updateExecutionConfig, { config: "gpu-one", version: 1, image: "python:3.13-slim" }),
    ).toMatchObject({ ok: true, data: { version: 2, image: "python:3.13-slim" } });
    const stale = await run(mutations.updateExecutionConfig, { config: "gpu-one", version: 1, description: "mine" });
    expect(stale).toMatchObject({
      ok: false,
      status: 409,
      details: {
        current: {
          version: 2,
          lastChange: {
            actor: "admin",
            changes: [{ field: "image", before: "python:3.12-slim", after: "python:3.13-slim" }],
          },
        },
      },
    });
    expect(
      await run(mutations.updateExecutionConfig, {
        config: "gpu-one",
        resources: { requests: { cpu: "4" }, limits: { cpu: "2" } },
      }),
    ).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { "resources.requests.cpu": ["must be at most the limit (2)"] },
    });
    const created = listAuditEvents({ objectType: "execution-config", objectId: String(config.id), limit: 10 }).find(
      (event) => event.action === "execution-config.create",
    )!;
    expect(await run(mutations.restoreExecutionConfig, { config: "gpu-one", auditEventId: created.id })).toMatchObject({
      ok: true,
      data: { version: 3, image: "python:3.12-slim" },
    });

    const { toExecutionConfigView } = await import("./queries");
    const read = toExecutionConfigView(findExecutionConfig("gpu-one")!, admin);
    expect(
      await run(mutations.updateExecutionConfig, { ...read, config: "gpu-one", description: "sent back whole" }),
    ).toMatchObject({ ok: true, data: { version: 4, description: "sent back whole" } });

    getDb().insert(projects).values({ key: "churn", name: "Churn", executionConfigId: config.id }).run();
    expect(await run(mutations.deleteExecutionConfig, { config: "gpu-one" })).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining("project churn"),
    });
    expect(await run(mutations.deleteExecutionConfig, { config: "gpu-three" })).toMatchObject({ ok: true });
  });

  it("imports a YAML export under a new name", async () => {
    const { executionConfigYaml } = await import("./queries");
    const yaml = executionConfigYaml(findExecutionConfig("gpu-one")!).replace("name: gpu-one", "name: gpu-copy");
    expect(await run(mutations.importExecutionConfig, { yaml })).toMatchObject({
      ok: true,
      data: { name: "gpu-copy", image: "python:3.12-slim", resources: { limits: { "nvidia.com/gpu": "1" } } },
    });
    expect(
      await run(mutations.importExecutionConfig, { yaml: yaml.replace('nvidia.com/gpu: "1"', 'nvidia.com/gpu: "2"') }),
    ).toMatchObject({ ok: false });
    expect(
      podFor(findExecutionConfig("gpu-copy")!, sampleRun(admin, findExecutionConfig("gpu-copy")!)).metadata?.namespace,
    ).toBe("berth-sample");
  });
});
