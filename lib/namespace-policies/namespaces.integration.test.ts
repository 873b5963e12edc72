import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { describe, expect, inject, it } from "vitest";

import { adminKubeConfig } from "@/test/support/cluster-kind";

import type { PolicySpec } from "./schema";

const GPU_POLICY: PolicySpec = {
  resourceQuota: { hard: { "requests.nvidia.com/gpu": "2", pods: "10", "requests.memory": "16Gi" } },
  limitRange: {
    limits: [
      {
        type: "Container",
        default: { cpu: "1", memory: "1Gi" },
        defaultRequest: { cpu: "500m", memory: "512Mi" },
        max: { cpu: "8" },
      },
    ],
  },
};

// A fresh database for this file, set before any server module reads the environment.
process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-ns-"));

describe("namespace policies on the simulated cluster", async () => {
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { kubeClients, loadKubeconfig } = await import("@/lib/kube/client");
  const { createNamespace } = await import("@/lib/kube/namespaces");
  const { KubeCallError } = await import("@/lib/kube/errors");
  const { applyPolicy, ensureNamespace, matchingNamespaces, policyDrift } = await import("./apply");
  const kubeconfigPath = inject("kubeconfigPath");
  const kubeconfig = fs.readFileSync(kubeconfigPath, "utf8");
  const cluster = {
    id: 41,
    version: 1,
    kubeconfigEncrypted: encryptSecret(kubeconfig),
    context: loadKubeconfig(kubeconfig).getCurrentContext(),
  };
  const policy = { name: "gpu-team", spec: GPU_POLICY };
  const kubectl = (...args: string[]) =>
    JSON.parse(
      execFileSync("/usr/bin/kubectl", ["--kubeconfig", kubeconfigPath, ...args, "-o", "json"], { encoding: "utf8" }),
    );

  it("dry-run lists what would change and stores nothing", async () => {
    expect(await createNamespace(cluster, "ml-test")).toBe(true);
    const result = await applyPolicy(cluster, policy, "ml-test", { dryRun: true });
    expect(result).toMatchObject({ namespace: "ml-test", status: "would-change" });
    expect(result.changes.map((change) => `${change.object}:${change.kind}`)).toEqual([
      "ResourceQuota:missing-object",
      "LimitRange:missing-object",
    ]);
    const quotas = await kubeClients(cluster).core.listNamespacedResourceQuota({ namespace: "ml-test" });
    expect(quotas.items).toHaveLength(0);
  });

  it("applies the GPU quota by server-side apply, as kubectl and client-node see it", async () => {
    expect(await applyPolicy(cluster, policy, "ml-test", { dryRun: false })).toMatchObject({ status: "applied" });
    const quota = await kubeClients(cluster).core.readNamespacedResourceQuota({
      name: "berth-quota",
      namespace: "ml-test",
    });
    expect(quota.spec?.hard).toMatchObject({ "requests.nvidia.com/gpu": "2", pods: "10", "requests.memory": "16Gi" });
    expect(quota.metadata?.labels?.["berth.dev/policy"]).toBe("gpu-team");
    const seen = kubectl("get", "resourcequota", "-n", "ml-test", "--show-managed-fields");
    expect(seen.items).toHaveLength(1);
    expect(seen.items[0].spec.hard["requests.nvidia.com/gpu"]).toBe("2");
    expect(seen.items[0].metadata.managedFields.map((entry: { manager: string }) => entry.manager)).toContain("berth");
    const limits = kubectl("get", "limitrange", "berth-limits", "-n", "ml-test");
    expect(limits.spec.limits[0]).toMatchObject({
      type: "Container",
      default: { cpu: "1", memory: "1Gi" },
      max: { cpu: "8" },
    });
    expect(await policyDrift(cluster, policy, "ml-test")).toEqual({ namespace: "ml-test", inSync: true, drift: [] });
    expect(await applyPolicy(cluster, policy, "ml-test", { dryRun: false })).toMatchObject({
      status: "unchanged",
      changes: [],
    });
  });

  it("the cluster then refuses a pod over the GPU quota", async () => {
    const { core } = kubeClients(cluster);
    const pod = (name: string, gpus: string) => ({
      metadata: { name },
      spec: {
        containers: [
          {
            name: "main",
            image: "busybox",
            resources: {
              requests: { "nvidia.com/gpu": gpus, memory: "1Gi" },
              limits: { "nvidia.com/gpu": gpus, memory: "1Gi" },
            },
          },
        ],
      },
    });
    await core.createNamespacedPod({ namespace: "ml-test", body: pod("fits", "2") });
    const refused = await core.createNamespacedPod({ namespace: "ml-test", body: pod("over", "1") }).then(
      () => null,
      (error: unknown) => error,
    );
    expect((refused as { code?: number }).code).toBe(403);
    expect(String((refused as { body?: unknown }).body)).toMatch(/exceeded quota: berth-quota/);
  });

  it("reports drift after a hand edit, and a dry run leaves the hand edit alone", async () => {
    const { core } = kubeClients(cluster);
    await core.patchNamespacedResourceQuota({
      name: "berth-quota",
      namespace: "ml-test",
      body: [
        { op: "replace", path: "/spec/hard/pods", value: "50" },
        { op: "add", path: "/spec/hard/services", value: "3" },
      ],
    });
    const drift = await policyDrift(cluster, policy, "ml-test");
    expect(drift.inSync).toBe(false);
    expect(drift.drift).toEqual([
      { object: "ResourceQuota", kind: "different", key: "pods", expected: "10", actual: "50" },
      { object: "ResourceQuota", kind: "extra", key: "services", actual: "3" },
    ]);
    expect((await applyPolicy(cluster, policy, "ml-test", { dryRun: true })).status).toBe("would-change");
    expect(
      (await core.readNamespacedResourceQuota({ name: "berth-quota", namespace: "ml-test" })).spec?.hard?.pods,
    ).toBe("50");
    await applyPolicy(cluster, policy, "ml-test", { dryRun: false });
    expect(
      (await core.readNamespacedResourceQuota({ name: "berth-quota", namespace: "ml-test" })).spec?.hard?.pods,
    ).toBe("10");
    // A field another manager added stays (server-side apply owns only Berth's fields); drift keeps showing it.
    expect((await policyDrift(cluster, policy, "ml-test")).drift).toEqual([
      { object: "ResourceQuota", kind: "extra", key: "services", actual: "3" },
    ]);
  });

  it("removes its own objects when the policy drops a template", async () => {
    const quotaOnly = { name: "gpu-team", spec: { ...GPU_POLICY, limitRange: null } };
    expect((await applyPolicy(cluster, quotaOnly, "ml-test", { dryRun: false })).changes).toContainEqual({
      object: "LimitRange",
      kind: "extra-object",
    });
    // Checked as the cluster admin: Berth's own account may delete its LimitRange but not list them.
    const limits = await adminKubeConfig().makeApiClient(CoreV1Api).listNamespacedLimitRange({ namespace: "ml-test" });
    expect(limits.items).toHaveLength(0);
  });

  it("lists matching namespaces and reports a cluster refusal as a failed result", async () => {
    expect(await matchingNamespaces(cluster, "ml-*")).toEqual(["ml-test"]);
    const result = await applyPolicy(cluster, policy, "no-such-namespace", { dryRun: true });
    expect(result).toMatchObject({ status: "failed", error: expect.stringContaining("not found") });
  });

  it("ensureNamespace creates a missing namespace only when allowed", async () => {
    await expect(ensureNamespace(cluster, "team-missing", { create: false })).rejects.toBeInstanceOf(KubeCallError);
    await expect(ensureNamespace(cluster, "team-missing", { create: false })).rejects.toMatchObject({
      kind: "namespace",
      failure: { status: 404, reason: "NotFound" },
    });
    expect(await ensureNamespace(cluster, "team-new", { create: true })).toEqual({
      namespace: "team-new",
      created: true,
      policy: null,
    });
    expect(await ensureNamespace(cluster, "team-new", { create: true })).toEqual({
      namespace: "team-new",
      created: false,
      policy: null,
    });
  });

  it("labels the namespaces it creates for Pod Security Admission: enforce baseline at the latest version", async () => {
    expect(await createNamespace(cluster, "psa-default")).toBe(true);
    const labels = (await kubeClients(cluster).core.readNamespace({ name: "psa-default" })).metadata?.labels;
    expect(labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "latest",
      "app.kubernetes.io/managed-by": "berth",
    });
    await ensureNamespace(cluster, "psa-ensured", { create: true });
    expect(
      (await kubeClients(cluster).core.readNamespace({ name: "psa-ensured" })).metadata?.labels?.[
        "pod-security.kubernetes.io/enforce"
      ],
    ).toBe("baseline");
  });

  it("applies a policy's Pod Security level to a namespace: dry run reports it, apply sets it, drift shows a hand edit", async () => {
    const { core } = kubeClients(cluster);
    await core.createNamespace({ body: { metadata: { name: "psa-handmade" } } });
    const restricted = { ...policy, podSecurity: "restricted" as const };
    const dry = await applyPolicy(cluster, restricted, "psa-handmade", { dryRun: true });
    expect(dry.changes).toContainEqual({
      object: "Namespace",
      kind: "missing",
      key: "pod-security.kubernetes.io/enforce",
      expected: "restricted",
    });
    expect(
      (await core.readNamespace({ name: "psa-handmade" })).metadata?.labels?.["pod-security.kubernetes.io/enforce"],
    ).toBeUndefined();
    expect(await applyPolicy(cluster, restricted, "psa-handmade", { dryRun: false })).toMatchObject({
      status: "applied",
    });
    expect((await core.readNamespace({ name: "psa-handmade" })).metadata?.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
    });
    expect(await policyDrift(cluster, restricted, "psa-handmade")).toMatchObject({ inSync: true });
    await core.patchNamespace({
      name: "psa-handmade",
      body: [{ op: "replace", path: "/metadata/labels/pod-security.kubernetes.io~1enforce", value: "privileged" }],
    });
    expect((await policyDrift(cluster, restricted, "psa-handmade")).drift).toEqual([
      {
        object: "Namespace",
        kind: "different",
        key: "pod-security.kubernetes.io/enforce",
        expected: "restricted",
        actual: "privileged",
      },
    ]);
  });

  it("ensureNamespace applies the matching policy with the lowest priority to a namespace it creates", async () => {
    const { getDb } = await import("@/db");
    const { namespacePolicies } = await import("@/db/schema");
    getDb()
      .insert(namespacePolicies)
      .values([
        {
          name: "catch-all",
          pattern: "*",
          priority: 1000,
          spec: { resourceQuota: { hard: { pods: "100" } }, limitRange: null },
        },
        { name: "ml-auto", pattern: "ml-auto-*", priority: 10, spec: GPU_POLICY },
      ])
      .run();
    expect(await ensureNamespace(cluster, "ml-auto-1", { create: true })).toEqual({
      namespace: "ml-auto-1",
      created: true,
      policy: "ml-auto",
    });
    const quota = await kubeClients(cluster).core.readNamespacedResourceQuota({
      name: "berth-quota",
      namespace: "ml-auto-1",
    });
    expect(quota.spec?.hard?.["requests.nvidia.com/gpu"]).toBe("2");
    expect(quota.metadata?.labels?.["berth.dev/policy"]).toBe("ml-auto");
    getDb()
      .insert(namespacePolicies)
      .values({
        name: "psa-open",
        pattern: "psa-open-*",
        priority: 5,
        podSecurity: "privileged",
        spec: { resourceQuota: { hard: { pods: "5" } }, limitRange: null },
      })
      .run();
    await ensureNamespace(cluster, "psa-open-1", { create: true });
    expect(
      (await kubeClients(cluster).core.readNamespace({ name: "psa-open-1" })).metadata?.labels?.[
        "pod-security.kubernetes.io/enforce"
      ],
    ).toBe("privileged");
  });
});
