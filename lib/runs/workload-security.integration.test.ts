import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RbacAuthorizationV1Api, type V1Pod } from "@kubernetes/client-node";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { adminKubeConfig } from "@/test/support/cluster-kind";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-workload-security-"));
// Namespaces unique to this file: the simulator is shared by every test file of a vitest run.
const suffix = Math.random().toString(36).slice(2, 7);

/**
 * What a run may not do to the cluster through Berth: reach reserved environment variables
 * (GPU selection), override pinned config env, turn its arguments into spark-submit options; and
 * what Berth puts around every run: Pod Security labels on the namespaces it creates, hardened
 * pods, a per-job Spark Role limited to what the driver needs.
 */
describe("workload security against the simulated cluster", async () => {
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig, kubeClients } = await import("@/lib/kube/client");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { createSparkConfig } = await import("@/lib/spark-configs/mutations");
  const { createPolicy } = await import("@/lib/namespace-policies/mutations");
  const { createToken } = await import("@/lib/tokens/mutations");
  const { actorForUser } = await import("@/lib/auth/actor");
  const runsRoute = await import("@/app/api/v1/runs/route");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");

  let token = "";
  let clusterId = 0;
  const core = () => kubeClients(getDb().select().from(schema.clusters).get()!).core;
  const ns = (name: string) => `${name}-${suffix}`;
  const runsCount = () => getDb().select().from(schema.runs).all().length;

  const submit = async (body: unknown) => {
    const request = new NextRequest("http://berth.test/api/v1/runs", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const response = await runsRoute.POST(request, { params: Promise.resolve({}) });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown> & { fieldErrors?: Record<string, string[]> },
    };
  };
  const podsOf = async (namespace: string, runId: string): Promise<V1Pod[]> =>
    (await core().listNamespacedPod({ namespace, labelSelector: `berth.dev/run=${runId}` })).items;

  beforeAll(async () => {
    const db = getDb();
    const adminId = db
      .insert(schema.users)
      .values({ username: "admin", role: "admin", passwordHash: "x" })
      .returning()
      .get().id;
    const aliceId = db
      .insert(schema.users)
      .values({ username: "alice", role: "user", passwordHash: "x" })
      .returning()
      .get().id;
    const ml = db.insert(schema.groups).values({ name: "ml" }).returning().get().id;
    db.insert(schema.groupMembers).values({ groupId: ml, userId: aliceId }).run();
    clusterId = db
      .insert(schema.clusters)
      .values({
        name: "sim",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://127.0.0.1:6443",
      })
      .returning()
      .get().id;
    db.insert(schema.clusterGrants).values({ clusterId, groupId: ml, level: "use" }).run();
    const admin: Actor = actorForUser(adminId)!;
    const base = {
      image: "python:3.12-slim",
      cluster: "sim",
      createNamespace: true,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    };
    const configs = [
      {
        ...base,
        name: "cpu",
        namespace: `sec-\${project}-${suffix}`,
        env: [
          { name: "OMP_NUM_THREADS", value: "2", pinned: true },
          { name: "MODE", value: "batch" },
        ],
      },
      {
        ...base,
        name: "gpu-picker",
        namespace: `sec-\${project}-${suffix}`,
        allowedReservedEnv: ["CUDA_VISIBLE_DEVICES"],
      },
      { ...base, name: "strict", namespace: `strict-\${project}-${suffix}`, runAsUser: 1000 },
      { ...base, name: "strict-root", namespace: `strict-\${project}-${suffix}` },
    ];
    for (const config of configs)
      expect(await executeMutation(createExecutionConfig, config, admin, "api")).toMatchObject({ ok: true });
    const spark = {
      name: "spark",
      cluster: "sim",
      conf: { "spark.executor.instances": "1" },
      managed: {
        enabled: true,
        namespace: `sec-spark-\${project}-${suffix}`,
        createNamespace: true,
        serviceAccountPerJob: true,
      },
    };
    expect(await executeMutation(createSparkConfig, spark, admin, "api")).toMatchObject({ ok: true });
    expect(
      await executeMutation(
        createPolicy,
        {
          name: `strict-${suffix}`,
          pattern: `strict-*-${suffix}`,
          podSecurity: "restricted",
          resourceQuota: { hard: { pods: "5" } },
        },
        admin,
        "api",
      ),
    ).toMatchObject({ ok: true });
    const cpuId = db
      .select()
      .from(schema.executionConfigs)
      .all()
      .find((row) => row.name === "cpu")!.id;
    const sparkId = db.select().from(schema.sparkConfigs).get()!.id;
    const project = db
      .insert(schema.projects)
      .values({ key: "churn", name: "churn", executionConfigId: cpuId, sparkConfigId: sparkId, clusterId })
      .returning()
      .get().id;
    db.insert(schema.projectMembers).values({ projectId: project, groupId: ml, role: "contributor" }).run();
    const created = await executeMutation(createToken, { name: "test" }, actorForUser(aliceId)!, "api");
    if (!created.ok) throw new Error(created.error);
    token = created.data.token;
  });

  it("refuses reserved GPU variables in a run's env with a field error naming them, creating nothing", async () => {
    const before = runsCount();
    const refused = await submit({
      project: "churn",
      activity: "python-recipe",
      command: ["python", "x.py"],
      env: { NVIDIA_VISIBLE_DEVICES: "all", CUDA_VISIBLE_DEVICES: "0,1", EPOCHS: "3" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.fieldErrors?.env).toEqual([
      expect.stringMatching(/^NVIDIA_VISIBLE_DEVICES is reserved/),
      expect.stringMatching(/^CUDA_VISIBLE_DEVICES is reserved/),
    ]);
    const spark = await submit({
      project: "churn",
      activity: "spark-recipe",
      command: ["local:///app.py"],
      env: { NVIDIA_VISIBLE_DEVICES: "all" },
    });
    expect(spark).toMatchObject({
      status: 422,
      body: { fieldErrors: { env: [expect.stringMatching(/^NVIDIA_VISIBLE_DEVICES is reserved/)] } },
    });
    expect(runsCount()).toBe(before);
  });

  it("refuses overriding a pinned config variable, and lets a config allow a reserved name", async () => {
    const pinned = await submit({
      project: "churn",
      activity: "python-recipe",
      command: ["python", "x.py"],
      env: { OMP_NUM_THREADS: "64" },
    });
    expect(pinned).toMatchObject({
      status: 422,
      body: { fieldErrors: { env: ["OMP_NUM_THREADS is pinned by config cpu and cannot be set by a run"] } },
    });
    const allowed = await submit({
      project: "churn",
      activity: "python-recipe",
      executionConfig: "gpu-picker",
      command: ["python", "x.py"],
      env: { CUDA_VISIBLE_DEVICES: "0" },
    });
    expect(allowed.status).toBe(201);
    const [pod] = await podsOf(ns("sec-churn"), allowed.body.id as string);
    expect(pod.spec!.containers[0].env).toEqual(expect.arrayContaining([{ name: "CUDA_VISIBLE_DEVICES", value: "0" }]));
  });

  it("creates the run's namespace with Pod Security enforce labels and hardened pods the cluster accepts", async () => {
    const { status, body } = await submit({
      project: "churn",
      activity: "python-recipe",
      command: ["python", "x.py"],
      env: { MODE: "stream" },
    });
    expect(status).toBe(201);
    const namespace = ns("sec-churn");
    const labels = (await core().readNamespace({ name: namespace })).metadata?.labels;
    expect(labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "latest",
    });
    const [pod] = await podsOf(namespace, body.id as string);
    expect(pod.spec!.securityContext).toMatchObject({ seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.spec!.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.spec!.containers[0].env).toEqual(
      expect.arrayContaining([
        { name: "OMP_NUM_THREADS", value: "2" },
        { name: "MODE", value: "stream" },
      ]),
    );
    // A policy's level wins over the default.
    const strict = await submit({
      project: "churn",
      activity: "python-recipe",
      executionConfig: "strict",
      command: ["python", "x.py"],
    });
    expect(strict.body).toMatchObject({ namespace: ns("strict-churn") });
    expect(
      (await core().readNamespace({ name: ns("strict-churn") })).metadata?.labels?.[
        "pod-security.kubernetes.io/enforce"
      ],
    ).toBe("restricted");
  });

  it("has the cluster refuse privileged, hostPath and hostNetwork pods in a namespace Berth created (what a driver's token could try)", async () => {
    const namespace = ns("sec-churn");
    const escape = {
      metadata: { name: "escape" },
      spec: {
        hostNetwork: true,
        containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }],
        volumes: [{ name: "root", hostPath: { path: "/" } }],
      },
    };
    const refused = await core()
      .createNamespacedPod({ namespace, body: escape })
      .then(
        () => null,
        (error: unknown) => error as { code?: number; body?: unknown },
      );
    expect(refused?.code).toBe(403);
    // Each violation is named; their order is the cluster's own (the real apiserver sorts hostPath before privileged).
    const message = String(refused?.body);
    expect(message).toMatch(/violates PodSecurity \\?"baseline:latest\\?": /);
    for (const violation of [
      /host namespaces \(hostNetwork=true\)/,
      /privileged \(container \\?"c\\?"/,
      /hostPath volumes \(volume \\?"root\\?"\)/,
    ])
      expect(message).toMatch(violation);
    // Under "restricted", Berth's hardened pod passes once the config runs it as a non-root user; without one the cluster says why.
    const strict = await submit({
      project: "churn",
      activity: "python-recipe",
      executionConfig: "strict",
      command: ["python", "x.py"],
    });
    expect(strict.body).toMatchObject({ status: "pending", namespace: ns("strict-churn") });
    const asRoot = await submit({
      project: "churn",
      activity: "python-recipe",
      executionConfig: "strict-root",
      command: ["python", "x.py"],
    });
    expect(asRoot.body).toMatchObject({ status: "failed", reason: expect.stringContaining("runAsNonRoot != true") });
  });

  it("never passes a Spark application file starting with '-' to spark-submit", async () => {
    const before = runsCount();
    const refused = await submit({
      project: "churn",
      activity: "spark-recipe",
      command: ["--conf", "spark.kubernetes.executor.volumes.hostPath.h.mount.path=/host", "local:///app.py"],
    });
    expect(refused).toMatchObject({
      status: 422,
      body: { fieldErrors: { command: [expect.stringContaining("must not start with '-'")] } },
    });
    expect(runsCount()).toBe(before);
  });

  it("gives a Spark job's driver a Role with only the verbs Spark needs: no PVCs, no creating services", async () => {
    const { status, body } = await submit({
      project: "churn",
      activity: "spark-recipe",
      command: ["local:///app.py", "--conf", "not-an-option-here"],
      annotations: { "sim.berth.dev/duration": "30s" },
    });
    expect(status).toBe(201);
    const namespace = ns("sec-spark-churn");
    expect(
      (await core().readNamespace({ name: namespace })).metadata?.labels?.["pod-security.kubernetes.io/enforce"],
    ).toBe("baseline");
    // Read as the cluster admin: Berth creates the driver's Role but has no reason to read Roles back.
    const role = await adminKubeConfig()
      .makeApiClient(RbacAuthorizationV1Api)
      .readNamespacedRole({ namespace, name: `berth-spark-berth-spark-recipe-${body.id}` });
    const grants = Object.fromEntries(
      (role.rules ?? []).flatMap((rule) => rule.resources!.map((resource) => [resource, [...rule.verbs].sort()])),
    );
    expect(grants).toEqual({
      pods: ["create", "delete", "deletecollection", "get", "list", "patch", "watch"],
      configmaps: ["create", "delete", "deletecollection", "list"],
      services: ["delete", "deletecollection", "list"],
    });
  });
});
