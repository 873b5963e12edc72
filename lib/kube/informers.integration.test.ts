import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startClusterProcess, type ClusterProcess } from "@/test/support/cluster-process";
import { simFaults } from "@/test/support/sim-admin";

import type { InformerEvent } from "./informers";

// A private cluster: these tests take its API down, which the shared test cluster must not see.
describe("shared informers against a cluster that fails", async () => {
  let cluster: ClusterProcess;
  beforeAll(async () => {
    process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-informers-"));
    cluster = await startClusterProcess(["--nodes", "2", "--gpu-nodes", "0"]);
  });
  afterAll(() => cluster?.stop());

  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { kubeClients, loadKubeconfig } = await import("./client");
  const { acquireInformer, informerCounts, restartDelayMs, stopClusterInformers } = await import("./informers");

  const connection = () => {
    const text = fs.readFileSync(cluster.kubeconfigPath, "utf8");
    return {
      id: 9001,
      version: 1,
      kubeconfigEncrypted: encryptSecret(text),
      context: loadKubeconfig(text).getCurrentContext(),
    };
  };
  const simAdmin = (change?: Record<string, unknown>) => simFaults(cluster.kubeconfigPath, change);
  const pod = (name: string, duration: string): V1Pod => ({
    metadata: { name, namespace: "default", annotations: { "sim.berth.dev/duration": duration } },
    spec: { restartPolicy: "Never", containers: [{ name: "main", image: "busybox" }] },
  });
  const until = async (what: string, check: () => boolean, timeoutMs = 15_000) => {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it("backs off from 250 ms doubling to 30 s", () => {
    expect([1, 2, 3, 8, 20].map(restartDelayMs)).toEqual([250, 500, 1000, 30_000, 30_000]);
  });

  it("shares one watch between holders, strips managedFields and reports changes", async () => {
    const first = acquireInformer(connection(), "pods");
    const second = acquireInformer(connection(), "pods");
    expect(second.informer).toBe(first.informer);
    await first.informer.whenSynced();
    expect(informerCounts().pods).toBe(1);
    expect((await simAdmin()).watches).toBe(1);

    const events: InformerEvent<V1Pod>[] = [];
    const unsubscribe = first.informer.subscribe((event) => events.push(event));
    await kubeClients(connection()).core.createNamespacedPod({ namespace: "default", body: pod("shared-one", "1s") });
    await until("the pod to succeed", () => first.informer.get("default", "shared-one")?.status?.phase === "Succeeded");
    const cached = first.informer.get("default", "shared-one")!;
    expect(cached.metadata?.managedFields).toBeUndefined();
    expect(events[0]).toMatchObject({ type: "add", object: { metadata: { name: "shared-one" } } });
    expect(events.filter((event) => event.type === "update").length).toBeGreaterThan(0);

    await kubeClients(connection()).core.deleteNamespacedPod({
      namespace: "default",
      name: "shared-one",
      gracePeriodSeconds: 0,
    });
    await until("the delete event", () => events.some((event) => event.type === "delete"));
    expect(first.informer.get("default", "shared-one")).toBeUndefined();
    unsubscribe();
    first.release();
    second.release();
  });

  it("goes stale when the API fails, restarts by itself and misses no final state", async () => {
    const { informer, release } = acquireInformer(connection(), "pods");
    await informer.whenSynced();
    const statuses: boolean[] = [];
    const unsubscribe = informer.subscribe((event) => {
      if (event.type === "status") statuses.push(event.status.stale);
    });
    await kubeClients(connection()).core.createNamespacedPod({
      namespace: "default",
      body: pod("through-outage", "2s"),
    });
    await until("the pod to run", () => informer.get("default", "through-outage")?.status?.phase === "Running");

    // The outage cuts the watch; the pod finishes while nobody can watch it.
    await simAdmin({ paused: true, pauseMode: "503" });
    const { resourceVersion: beforeOutage } = await simAdmin();
    await until("the informer to report stale", () => informer.status().stale);
    expect(informer.status().staleSince).toMatch(/^\d{4}-/);
    expect(informer.status().error).toBeTruthy();
    // The admin endpoint answers through the outage: the store moving on is the pod ending unseen.
    for (let deadline = Date.now() + 15_000; (await simAdmin()).resourceVersion === beforeOutage;) {
      if (Date.now() > deadline) throw new Error("timed out waiting for the pod to end during the outage");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(informer.get("default", "through-outage")?.status?.phase).toBe("Running");
    const { resourceVersion: atResume } = await simAdmin();
    await simAdmin({ paused: false });
    const ended = await kubeClients(connection()).core.readNamespacedPod({
      namespace: "default",
      name: "through-outage",
    });
    expect(ended.status?.phase).toBe("Succeeded");
    expect(BigInt(ended.metadata!.resourceVersion!)).toBeLessThanOrEqual(BigInt(atResume));

    await until("the informer to recover", () => !informer.status().stale, 40_000);
    await until("the final phase", () => informer.get("default", "through-outage")?.status?.phase === "Succeeded");
    expect(statuses).toEqual([true, false]);
    expect((await simAdmin()).watches).toBe(1);
    unsubscribe();
    release();
  });

  it("relists after a 410 and ends equal to the server, each object once", async () => {
    const { informer, release } = acquireInformer(connection(), "pods");
    await informer.whenSynced();
    const adds: string[] = [];
    const deletes: string[] = [];
    const unsubscribe = informer.subscribe((event) => {
      if (event.type === "add") adds.push(event.object.metadata!.name!);
      if (event.type === "delete") deletes.push(event.object.metadata!.name!);
    });
    // Compact history, then cut the watch: the resumed watch answers 410 and the informer relists.
    await simAdmin({ compactNow: true, dropWatchesNow: true });
    await kubeClients(connection()).core.createNamespacedPod({
      namespace: "default",
      body: pod("after-compaction", "30s"),
    });
    await until("the new pod", () => informer.get("default", "after-compaction") !== undefined);
    const server = await kubeClients(connection()).core.listPodForAllNamespaces();
    expect(
      informer
        .list()
        .map((item) => item.metadata!.name)
        .sort(),
    ).toEqual(server.items.map((item) => item.metadata!.name).sort());
    expect(adds).toEqual(["after-compaction"]);
    expect(deletes).toEqual([]);
    unsubscribe();
    release();
  });

  it("follows a changed kubeconfig on the same informer: old objects leave, new ones arrive, handles stay valid", async () => {
    const first = acquireInformer(connection(), "pods");
    await first.informer.whenSynced();
    const before = first.informer.list().length;
    expect(before).toBeGreaterThan(0);
    const seen = { add: 0, delete: 0 };
    const unsubscribe = first.informer.subscribe((event) => {
      if (event.type === "add" || event.type === "delete") seen[event.type] += 1;
    });
    const second = acquireInformer({ ...connection(), version: 2 }, "pods");
    expect(second.informer).toBe(first.informer);
    await second.informer.whenSynced();
    await until("the new list", () => seen.add === before);
    expect(seen.delete).toBe(before);
    expect((await simAdmin()).watches).toBe(1);
    unsubscribe();
    first.release();
    second.release();
  });

  it("narrows to one namespace, and to Warning events, with a watch of its own", async () => {
    const { core } = kubeClients(connection());
    await core.createNamespace({ body: { metadata: { name: "narrow" } } });
    const scoped = acquireInformer(connection(), "pods", "narrow");
    const warnings = acquireInformer(connection(), "warning-events");
    await Promise.all([scoped.informer.whenSynced(), warnings.informer.whenSynced()]);
    await core.createNamespacedPod({
      namespace: "narrow",
      body: {
        ...pod("cannot-pull", "30s"),
        metadata: { name: "cannot-pull", namespace: "narrow", annotations: { "sim.berth.dev/image-pull": "fail" } },
      },
    });
    await core.createNamespacedPod({ namespace: "default", body: pod("elsewhere", "30s") });
    await until("the Warning about the pull", () =>
      warnings.informer.list("narrow").some((event) => event.reason === "Failed" || event.reason === "BackOff"),
    );
    expect(warnings.informer.list().every((event) => event.type === "Warning")).toBe(true);
    expect(scoped.informer.list().map((item) => item.metadata?.name)).toEqual(["cannot-pull"]);
    scoped.release();
    warnings.release();
  });

  it("keeps the pods Berth made whole and only what the views read of the others, listed or watched", async () => {
    const { core } = kubeClients(connection());
    await core.createNamespace({ body: { metadata: { name: "compact" } } });
    const foreign = (name: string, resources: Record<string, string>): V1Pod => ({
      metadata: {
        name,
        namespace: "compact",
        labels: { app: "other" },
        annotations: { "sim.berth.dev/duration": "60s", note: "x".repeat(2000) },
      },
      spec: {
        containers: [
          {
            name: "main",
            image: "busybox",
            env: [{ name: "A", value: "b" }],
            resources: { requests: resources, limits: resources },
          },
        ],
      },
    });
    // No GPU node here: the GPU pod stays Pending, with the scheduler's reason in its status.
    await core.createNamespacedPod({
      namespace: "compact",
      body: foreign("listed-gpu", { cpu: "10m", "nvidia.com/gpu": "1" }),
    });
    await core.createNamespacedPod({
      namespace: "compact",
      body: {
        ...pod("berth-made", "60s"),
        metadata: {
          name: "berth-made",
          namespace: "compact",
          labels: { "berth.dev/run": "r1" },
          annotations: { "sim.berth.dev/duration": "60s" },
        },
      },
    });
    const { informer, release } = acquireInformer({ ...connection(), id: 9004 }, "pods");
    await informer.whenSynced();
    await until(
      "the GPU pod's scheduling verdict",
      () =>
        informer
          .get("compact", "listed-gpu")
          ?.status?.conditions?.some((condition) => condition.type === "PodScheduled") === true,
    );
    const listed = informer.get("compact", "listed-gpu")!;
    expect(listed.metadata).not.toHaveProperty("annotations");
    expect(listed.metadata).not.toHaveProperty("labels");
    expect(listed.metadata).toMatchObject({
      name: "listed-gpu",
      namespace: "compact",
      uid: expect.any(String),
      resourceVersion: expect.any(String),
    });
    expect(listed.spec?.containers).toEqual([
      { name: "main", resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "1" } } },
    ]);
    expect(listed.status?.phase).toBe("Pending");
    expect(listed.status?.conditions?.find((condition) => condition.type === "PodScheduled")?.status).toBe("False");
    const made = informer.get("compact", "berth-made")!;
    expect(made.metadata?.annotations).toEqual({ "sim.berth.dev/duration": "60s" });
    expect(made.spec?.containers[0]).toMatchObject({ name: "main", image: "busybox" });

    await core.createNamespacedPod({ namespace: "compact", body: foreign("watched-cpu", { cpu: "10m" }) });
    await until("the watched pod to run", () => informer.get("compact", "watched-cpu")?.status?.phase === "Running");
    const watched = informer.get("compact", "watched-cpu")!;
    expect(watched.metadata).not.toHaveProperty("annotations");
    expect(watched.spec).toEqual({ containers: [], nodeName: expect.any(String) });
    expect(watched.status).not.toHaveProperty("containerStatuses");
    expect(watched.status).not.toHaveProperty("conditions");
    release();
  });

  it("reports an unusable kubeconfig as a stale informer instead of throwing", async () => {
    const broken = {
      id: 9002,
      version: 1,
      kubeconfigEncrypted: encryptSecret("apiVersion: v1\nkind: Config\n"),
      context: "",
    };
    const { informer, release } = acquireInformer(broken, "nodes");
    await until("the informer to report stale", () => informer.status().stale);
    expect(informer.status()).toMatchObject({ synced: false, stale: true, error: expect.stringContaining("context") });
    await expect(informer.whenSynced(100)).rejects.toThrow(/context/);
    release();
  });

  it("ends every watch of a removed cluster at once, even while held", async () => {
    const removed = { ...connection(), id: 9003 };
    const held = acquireInformer(removed, "namespaces");
    await held.informer.whenSynced();
    const before = (await simAdmin()).watches;
    stopClusterInformers(9003);
    await expect.poll(async () => (await simAdmin()).watches, { timeout: 5_000 }).toBe(before - 1);
    held.release();
  });
});
