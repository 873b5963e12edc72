/**
 * @kubernetes/client-node 1.4 against a bare simulator (no cluster behaviour): typed APIs,
 * errors, patches, custom objects, raw watches and informers that survive a forced 410 and
 * dropped connections without losing or duplicating state.
 */
import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
  type V1ConfigMap,
  type V1LimitRange,
  type V1Pod,
  type V1ResourceQuota,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSimulator, type RunningSimulator } from "./index";
import { call, eventually } from "./testing/http-client";

let sim: RunningSimulator;
let kc: KubeConfig;
let core: CoreV1Api;

const pod = (name: string, labels: Record<string, string> = {}): V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: "main", image: "busybox", env: [{ name: "A", value: "1" }] }] },
});

async function apiError(
  promise: Promise<unknown>,
): Promise<{ code: number; body: Record<string, unknown> | undefined }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException)
      return { code: error.code, body: typeof error.body === "string" ? JSON.parse(error.body) : undefined };
    throw error;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  sim = await startSimulator({ behaviour: null, bookmarkIntervalMs: 200 });
  kc = new KubeConfig();
  kc.loadFromString(sim.kubeconfig);
  core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: "cn" } } });
});

afterAll(async () => {
  await sim?.stop();
});

describe("typed APIs", () => {
  it("creates, reads, lists with selectors, and reports errors as the apiserver does", async () => {
    const created = await core.createNamespacedPod({ namespace: "cn", body: pod("web-1", { app: "web" }) });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.status?.phase).toBe("Pending");
    await core.createNamespacedPod({ namespace: "cn", body: pod("db-1", { app: "db" }) });

    const web = await core.listNamespacedPod({ namespace: "cn", labelSelector: "app in (web)" });
    expect(web.items.map((p) => p.metadata?.name)).toEqual(["web-1"]);
    expect(Number(web.metadata?.resourceVersion)).toBeGreaterThan(0);
    const byName = await core.listPodForAllNamespaces({ fieldSelector: "metadata.name=db-1" });
    expect(byName.items).toHaveLength(1);

    const missing = await apiError(core.readNamespacedPod({ namespace: "cn", name: "nope" }));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({
      kind: "Status",
      reason: "NotFound",
      message: 'pods "nope" not found',
      details: { name: "nope", kind: "pods" },
    });

    const duplicate = await apiError(core.createNamespacedPod({ namespace: "cn", body: pod("web-1") }));
    expect(duplicate.code).toBe(409);
    expect(duplicate.body?.reason).toBe("AlreadyExists");

    const stale = { ...created, metadata: { ...created.metadata, labels: { app: "web", v: "2" } } };
    await core.replaceNamespacedPod({ namespace: "cn", name: "web-1", body: stale });
    const conflict = await apiError(core.replaceNamespacedPod({ namespace: "cn", name: "web-1", body: stale }));
    expect(conflict.code).toBe(409);
    expect(conflict.body?.message).toBe(
      'Operation cannot be fulfilled on pods "web-1": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it("patches with JSON patch (the default), merge patch and strategic merge patch", async () => {
    await core.createNamespacedPod({ namespace: "cn", body: pod("patchy") });
    const jsonPatched = await core.patchNamespacedPod({
      namespace: "cn",
      name: "patchy",
      body: [{ op: "add", path: "/metadata/labels", value: { a: "1" } }],
    });
    expect(jsonPatched.metadata?.labels).toEqual({ a: "1" });
    const merged = await core.patchNamespacedPod(
      { namespace: "cn", name: "patchy", body: { metadata: { labels: { b: "2", a: null } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels).toEqual({ b: "2" });
    const strategic = await core.patchNamespacedPod(
      { namespace: "cn", name: "patchy", body: { spec: { containers: [{ name: "main", image: "busybox:2" }] } } },
      setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.spec?.containers[0].env?.map((e) => e.name)).toEqual(["A"]); // merged by name, not replaced
    expect(strategic.spec?.containers[0].image).toBe("busybox:2");
    expect(strategic.metadata?.generation).toBe(2);
    const refused = await apiError(
      core.patchNamespacedPod(
        {
          namespace: "cn",
          name: "patchy",
          body: { spec: { containers: [{ name: "main", env: [{ name: "B", value: "2" }] }] } },
        },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(refused.code).toBe(422);
    expect(refused.body?.message).toMatch(
      /^Pod "patchy" is invalid: spec: Forbidden: pod updates may not change fields other than/,
    );
  });

  it("deletes Jobs with Background propagation together with their pods", async () => {
    const batch = kc.makeApiClient(BatchV1Api);
    const job = await batch.createNamespacedJob({
      namespace: "cn",
      body: {
        metadata: { name: "etl" },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "m", image: "busybox" }] } } },
      },
    });
    const owner = { apiVersion: "batch/v1", kind: "Job", name: "etl", uid: job.metadata!.uid!, controller: true };
    await core.createNamespacedPod({
      namespace: "cn",
      body: { ...pod("etl-abcde", { "job-name": "etl" }), metadata: { name: "etl-abcde", ownerReferences: [owner] } },
    });
    expect((await batch.listJobForAllNamespaces()).items.map((j) => j.metadata?.name)).toContain("etl");
    await batch.deleteNamespacedJob({ namespace: "cn", name: "etl", propagationPolicy: "Background" });
    expect((await apiError(core.readNamespacedPod({ namespace: "cn", name: "etl-abcde" }))).code).toBe(404);
  });

  it("serves SparkApplications through CustomObjectsApi, with a status subresource", async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const base = { group: "sparkoperator.k8s.io", version: "v1beta2", namespace: "cn", plural: "sparkapplications" };
    await custom.createNamespacedCustomObject({
      ...base,
      body: {
        apiVersion: "sparkoperator.k8s.io/v1beta2",
        kind: "SparkApplication",
        metadata: { name: "pi" },
        spec: { type: "Scala", mode: "cluster" },
      },
    });
    const list = await custom.listNamespacedCustomObject(base);
    expect(list.items.map((i: KubernetesObject) => i.metadata?.name)).toEqual(["pi"]);
    const patched = await custom.patchNamespacedCustomObject(
      { ...base, name: "pi", body: { spec: { image: "spark:3.5" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(patched.spec).toEqual({ type: "Scala", mode: "cluster", image: "spark:3.5" });
    const withStatus = await custom.patchNamespacedCustomObjectStatus(
      { ...base, name: "pi", body: { status: { applicationState: { state: "RUNNING" } }, spec: { ignored: true } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    expect(withStatus.status.applicationState.state).toBe("RUNNING");
    expect(withStatus.spec.ignored).toBeUndefined();
    const smp = await apiError(
      custom.patchNamespacedCustomObject(
        { ...base, name: "pi", body: { spec: {} } },
        setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(smp.code).toBe(415);
  });

  it("applies server-side through KubernetesObjectApi, with dry runs", async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const quota = {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "team", namespace: "cn" },
      spec: { hard: { pods: "10", "requests.cpu": "4" } },
    };
    const dry = await objects.patch(quota, undefined, "All", "berth", true, PatchStrategy.ServerSideApply);
    expect(dry.metadata?.name).toBe("team");
    expect((await apiError(core.readNamespacedResourceQuota({ namespace: "cn", name: "team" }))).code).toBe(404);
    await objects.patch(quota, undefined, undefined, "berth", true, PatchStrategy.ServerSideApply);
    const changed = { ...quota, spec: { hard: { pods: "20" } } };
    const applied = (await objects.patch(
      changed,
      undefined,
      undefined,
      "berth",
      true,
      PatchStrategy.ServerSideApply,
    )) as V1ResourceQuota;
    expect(applied.spec?.hard).toEqual({ pods: "20" }); // requests.cpu was dropped by the same manager
    // client-node's model names a limit's `default` `_default` and drops a plain `default` key.
    const limits = {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "defaults", namespace: "cn" },
      spec: { limits: [{ type: "Container", _default: { cpu: "500m" } }] },
    };
    const range = (await objects.patch(
      limits,
      undefined,
      undefined,
      "berth",
      true,
      PatchStrategy.ServerSideApply,
    )) as V1LimitRange;
    expect(range.spec?.limits[0]._default).toEqual({ cpu: "500m" });
    const listed = await objects.list("v1", "ResourceQuota", "cn");
    expect(listed.items.map((q) => q.metadata?.name)).toEqual(["team"]);
  });

  it("rejects a wrong token with 401", async () => {
    const bad = new KubeConfig();
    bad.loadFromString(sim.kubeconfig.replace(sim.token, "wrong-token"));
    const error = await apiError(bad.makeApiClient(CoreV1Api).listNamespace());
    expect(error.code).toBe(401);
  });
});

describe("watches", () => {
  it("streams ADDED, MODIFIED and DELETED events through Watch", async () => {
    const seen: string[] = [];
    const watch = new Watch(kc);
    const list = await core.listNamespacedConfigMap({ namespace: "cn" });
    const request = await watch.watch(
      "/api/v1/namespaces/cn/configmaps",
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (type, object: V1ConfigMap) => seen.push(`${type}:${object.metadata?.name ?? ""}`),
      () => {},
    );
    await core.createNamespacedConfigMap({ namespace: "cn", body: { metadata: { name: "w1" }, data: { a: "1" } } });
    await core.replaceNamespacedConfigMap({
      namespace: "cn",
      name: "w1",
      body: { metadata: { name: "w1" }, data: { a: "2" } },
    });
    await core.deleteNamespacedConfigMap({ namespace: "cn", name: "w1" });
    await eventually(
      () => seen.includes("DELETED:w1") && seen.some((s) => s.startsWith("BOOKMARK")),
      3000,
      "watch events",
    );
    request.abort();
    expect(seen.filter((s) => !s.startsWith("BOOKMARK"))).toEqual(["ADDED:w1", "MODIFIED:w1", "DELETED:w1"]);
  });

  it("keeps an informer exact across a forced 410 and dropped connections", async () => {
    await core.createNamespace({ body: { metadata: { name: "inf" } } });
    let lists = 0;
    const listFn = () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: "inf" });
    };
    const informer = makeInformer<V1ConfigMap>(kc, "/api/v1/namespaces/inf/configmaps", listFn);
    const adds: string[] = [];
    const deletes: string[] = [];
    const errors: unknown[] = [];
    let connects = 0;
    informer.on("add", (o) => adds.push(o.metadata!.name!));
    informer.on("delete", (o) => deletes.push(o.metadata!.name!));
    informer.on("error", (e) => errors.push(e));
    informer.on("connect", () => connects++);
    await informer.start();

    const create = (name: string) =>
      core.createNamespacedConfigMap({ namespace: "inf", body: { metadata: { name }, data: { v: "1" } } });
    await create("a");
    await create("b");
    await eventually(() => informer.list().length === 2, 3000, "initial adds");

    // Dropped connection: the informer resumes from its last resourceVersion without a re-list.
    const connectsBefore = connects;
    await fetchFaults({ dropWatchesNow: true });
    await create("c");
    await core.deleteNamespacedConfigMap({ namespace: "inf", name: "a" });
    await eventually(
      () => connects > connectsBefore && informer.list().length === 2 && informer.get("c", "inf"),
      3000,
      "resume after drop",
    );
    expect(lists).toBe(1);

    // Forced 410: history is compacted while the informer is disconnected, so its resume fails
    // with an ERROR event; it re-lists and still converges.
    await fetchFaults({ compactNow: true, dropWatchesNow: true });
    await create("d");
    await eventually(() => informer.get("d", "inf"), 3000, "re-list after 410");
    expect(lists).toBe(2);
    await core.deleteNamespacedConfigMap({ namespace: "inf", name: "b" });
    await eventually(() => !informer.get("b", "inf"), 3000, "delete after re-list");

    const names = informer
      .list()
      .map((o) => o.metadata!.name)
      .sort();
    const stored = (await core.listNamespacedConfigMap({ namespace: "inf" })).items.map((o) => o.metadata!.name).sort();
    expect(names).toEqual(stored);
    expect(names).toEqual(["c", "d"]);
    expect(adds.sort()).toEqual(["a", "b", "c", "d"]); // each exactly once
    expect(deletes.sort()).toEqual(["a", "b"]);
    expect(errors).toEqual([]);
    await informer.stop();
  });
});

async function fetchFaults(body: Record<string, unknown>): Promise<void> {
  const res = await call(sim, "POST", "/_sim/faults", { body });
  expect(res.status).toBe(200);
}
