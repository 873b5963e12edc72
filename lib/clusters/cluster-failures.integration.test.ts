import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { parse, stringify } from "yaml";

import type { Actor } from "@/lib/permissions";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-cluster-failures-"));
const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };

// How each way a cluster can fail reaches a caller: a cluster that cannot be reached, a stored
// kubeconfig Berth no longer accepts, and one it cannot decrypt are answered differently, and the
// namespace callers answer with field errors.
describe("cluster failures as callers answer them", async () => {
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { clusters, executionConfigs, projects, runs, users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { createPolicy, applyPolicyNow } = await import("@/lib/namespace-policies/mutations");
  const { clusterNamespaceNames, policyDriftReport } = await import("@/lib/namespace-policies/cluster-view");
  const { findPolicy } = await import("@/lib/namespace-policies/queries");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { findExecutionConfig } = await import("@/lib/execution-configs/queries");
  const { testExecutionConfig } = await import("@/lib/execution-configs/cluster-actions");
  const { abortRun } = await import("@/lib/runs/abort");
  const { createToken } = await import("@/lib/tokens/mutations");
  const runsRoute = await import("@/app/api/v1/runs/route");
  const { resolveConnection } = await import("./connection");
  const { clusterNodeAllocations } = await import("./workloads");
  const { findCluster } = await import("./queries");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const context = loadKubeconfig(kubeconfig).getCurrentContext();

  const run = (mutation: Parameters<typeof executeMutation>[0], input: unknown) =>
    executeMutation(mutation, input, admin, "api");
  const unreachable = "The cluster cannot be reached (ECONNREFUSED).";
  const execRefused = /^The kubeconfig is refused: users\[0\]\.user\.exec is not allowed/;
  // The same refusal as the wrapper answers it when no domain code made it a field error.
  const storedRefused =
    /^The cluster's stored kubeconfig cannot be used: The kubeconfig is refused: users\[0\]\.user\.exec is not allowed/;

  beforeAll(async () => {
    const db = getDb();
    db.insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    const dead = kubeconfig.replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:1");
    // Stored while an admin allowed exec plugins; the instance's policy refuses it now.
    const document = parse(kubeconfig) as { users: { user: Record<string, unknown> }[] };
    document.users[0].user = {
      exec: { apiVersion: "client.authentication.k8s.io/v1", command: "/bin/true", interactiveMode: "Never" },
    };
    db.insert(clusters)
      .values([
        { name: "dead", kubeconfigEncrypted: encryptSecret(dead), context, server: "https://127.0.0.1:1" },
        {
          name: "unusable",
          kubeconfigEncrypted: encryptSecret(stringify(document)),
          context,
          server: "https://127.0.0.1:1",
        },
        {
          name: "sealed",
          kubeconfigEncrypted: "v1:not-a-secret-of-this-instance",
          context,
          server: "https://127.0.0.1:1",
        },
      ])
      .run();
    expect(
      await run(createPolicy, { name: "all", pattern: "*", resourceQuota: { hard: { pods: "7" } } }),
    ).toMatchObject({ ok: true });
    for (const cluster of ["dead", "unusable", "sealed"]) {
      expect(
        await run(createExecutionConfig, {
          name: `on-${cluster}`,
          image: "python:3.12",
          cluster,
          namespace: "default",
          createNamespace: true,
        }),
      ).toMatchObject({ ok: true });
    }
  });

  it("a namespace step on an unreachable cluster is a field error on the cluster", async () => {
    expect(await run(applyPolicyNow, { policy: "all", cluster: "dead" })).toEqual({
      ok: false,
      status: 422,
      error: `dead: ${unreachable}`,
      fieldErrors: { cluster: [unreachable] },
    });
    await expect(policyDriftReport(findPolicy("all")!, "dead")).rejects.toMatchObject({
      status: 422,
      message: `dead: ${unreachable}`,
      fieldErrors: { cluster: [unreachable] },
    });
    await expect(clusterNamespaceNames("dead")).rejects.toMatchObject({ status: 502, message: `dead: ${unreachable}` });
    expect(await testExecutionConfig(findExecutionConfig("on-dead")!, admin, "api")).toMatchObject({
      outcome: "failed",
      reason: unreachable,
    });
    expect(await clusterNodeAllocations(findCluster("dead")!)).toEqual({
      allocations: null,
      problem: `Allocated amounts are not shown: ${unreachable}`,
    });
  });

  it("a stored kubeconfig the instance no longer accepts is not taken for a namespace or cluster refusal", async () => {
    expect(await run(applyPolicyNow, { policy: "all", cluster: "unusable" })).toEqual({
      ok: false,
      status: 409,
      error: expect.stringMatching(storedRefused),
    });
    await expect(policyDriftReport(findPolicy("all")!, "unusable")).rejects.toThrow(execRefused);
    await expect(clusterNamespaceNames("unusable")).rejects.toThrow(execRefused);
    await expect(clusterNodeAllocations(findCluster("unusable")!)).rejects.toThrow(execRefused);
    expect(await testExecutionConfig(findExecutionConfig("on-unusable")!, admin, "api")).toMatchObject({
      outcome: "failed",
      reason: expect.stringMatching(execRefused),
    });
  });

  it("a kubeconfig Berth cannot decrypt is a failure to reach the cluster, in words that say what to do", async () => {
    const cannotDecrypt =
      /^Berth cannot decrypt this cluster's stored kubeconfig \(it is not in Berth's encrypted format\): restart Berth with the key/;
    expect(await testExecutionConfig(findExecutionConfig("on-sealed")!, admin, "api")).toMatchObject({
      outcome: "failed",
      reason: expect.stringMatching(cannotDecrypt),
    });
    expect(await clusterNodeAllocations(findCluster("sealed")!)).toEqual({
      allocations: null,
      problem: expect.stringMatching(/^Allocated amounts are not shown: Berth cannot decrypt/),
    });
    await expect(clusterNamespaceNames("sealed")).rejects.toThrow(cannotDecrypt);
  });

  it("aborting a started run answers the cluster's refusal naming what it could not delete, and no such answer for a kubeconfig Berth cannot use", async () => {
    const started = (cluster: string) => {
      const id = `abort${cluster}`.padEnd(10, "0").slice(0, 10);
      getDb()
        .insert(runs)
        .values({
          id,
          project: "churn",
          userId: 1,
          username: "admin",
          activity: "python-recipe",
          clusterId: findCluster(cluster)!.id,
          cluster,
          namespace: "default",
          workload: "pod",
          request: {},
          resolution: {},
          status: "pending",
        })
        .run();
      return id;
    };
    const dead = started("dead");
    expect(await run(abortRun, { id: dead })).toEqual({
      ok: false,
      status: 503,
      error: `Run ${dead} was not aborted: deleting pods of run ${dead} failed: ${unreachable}`,
    });
    expect(await run(abortRun, { id: started("unusable") })).toEqual({
      ok: false,
      status: 409,
      error: expect.stringMatching(storedRefused),
    });
  });

  it("a run on a cluster whose stored kubeconfig Berth no longer accepts is refused in plain words, not a 500", async () => {
    const db = getDb();
    const config = db
      .select()
      .from(executionConfigs)
      .all()
      .find((row) => row.name === "on-unusable")!;
    db.insert(projects)
      .values({
        key: "unusable-work",
        name: "unusable work",
        executionConfigId: config.id,
        clusterId: findCluster("unusable")!.id,
      })
      .run();
    const created = await run(createToken, { name: "runs" });
    if (!created.ok) throw new Error(created.error);
    const request = new NextRequest("http://berth.test/api/v1/runs", {
      method: "POST",
      headers: {
        authorization: `Bearer ${(created.data as { token: string }).token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ project: "unusable-work", activity: "python-recipe", command: ["python", "x.py"] }),
    });
    const before = db.select().from(runs).all().length;
    const response = await runsRoute.POST(request, { params: Promise.resolve({}) });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 409,
      body: {
        error: expect.stringMatching(
          /^The cluster's stored kubeconfig cannot be used: The kubeconfig is refused: users\[0\]\.user\.exec is not allowed.*An admin can replace it on the cluster's page\.$/,
        ),
      },
    });
    expect(db.select().from(runs).all().length).toBe(before);
  });

  it("a kubeconfig refused on attach names the fields; one without the context names the context", () => {
    const document = parse(kubeconfig) as { users: { user: Record<string, unknown> }[] };
    document.users[0].user = { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "/bin/true" } };
    expect(() => resolveConnection(stringify(document), undefined)).toThrow(
      expect.objectContaining({
        status: 422,
        message: "The kubeconfig uses fields Berth does not allow",
        fieldErrors: { kubeconfig: [expect.stringMatching(/^users\[0\]\.user\.exec is not allowed/)] },
      }),
    );
    expect(() => resolveConnection(kubeconfig, "nope")).toThrow(
      expect.objectContaining({
        status: 422,
        message: 'The kubeconfig has no context "nope"',
        fieldErrors: { context: ['The kubeconfig has no context "nope"'] },
      }),
    );
  });
});
