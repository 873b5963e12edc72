/**
 * The HTTP surface over real HTTPS: discovery, auth, errors, Tables, paging, watches, patches,
 * subresources, CRDs, faults and state persistence.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSimulator, type RunningSimulator } from "./index";
import { call, eventually, openWatch } from "./testing/http-client";

let sim: RunningSimulator;
const TABLE =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

const cm = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels },
  data: { k: "v" },
});

beforeAll(async () => {
  sim = await startSimulator({ behaviour: null, bookmarkIntervalMs: 100 });
  await call(sim, "POST", "/api/v1/namespaces", { body: { metadata: { name: "h" } } });
});

afterAll(async () => {
  await sim?.stop();
});

describe("discovery and OpenAPI", () => {
  it("serves /version, /api, /apis and resource lists", async () => {
    const version = (await call(sim, "GET", "/version")).json;
    expect(version).toMatchObject({ major: "1", minor: "33", gitVersion: expect.stringMatching(/^v1\.33/) });
    expect((await call(sim, "GET", "/api")).json).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = (await call(sim, "GET", "/apis")).json;
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(
      expect.arrayContaining(["batch", "rbac.authorization.k8s.io", "apiextensions.k8s.io", "sparkoperator.k8s.io"]),
    );
    const core = (await call(sim, "GET", "/api/v1")).json;
    const names = core.resources.map((r: { name: string }) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "pods",
        "pods/status",
        "pods/log",
        "pods/eviction",
        "pods/binding",
        "namespaces",
        "nodes",
        "events",
        "resourcequotas",
        "resourcequotas/status",
        "limitranges",
        "secrets",
        "configmaps",
        "serviceaccounts",
      ]),
    );
    expect(core.resources.find((r: { name: string }) => r.name === "pods")).toMatchObject({
      namespaced: true,
      kind: "Pod",
      shortNames: ["po"],
      categories: ["all"],
    });
    const batch = (await call(sim, "GET", "/apis/batch/v1")).json;
    expect(batch.resources.map((r: { name: string }) => r.name)).toEqual(["jobs", "jobs/status"]);
    expect((await call(sim, "GET", "/apis/nothing.example/v1")).status).toBe(404);
  });

  it("serves aggregated discovery to clients that ask for it", async () => {
    const accept =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    const apis = await call(sim, "GET", "/apis", { headers: { Accept: accept } });
    expect(apis.headers["content-type"]).toBe("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    const batch = apis.json.items.find((g: { metadata: { name?: string } }) => g.metadata.name === "batch");
    expect(batch.versions[0]).toMatchObject({ version: "v1", freshness: "Current" });
    expect(batch.versions[0].resources[0]).toMatchObject({
      resource: "jobs",
      scope: "Namespaced",
      responseKind: { group: "batch", version: "v1", kind: "Job" },
      subresources: [{ subresource: "status" }],
    });
    const core = await call(sim, "GET", "/api", { headers: { Accept: accept.replace("v=v2;", "v=v3;") } });
    expect(core.headers["content-type"]).toBe(
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
    );
    expect(core.json.items).toHaveLength(1);
    expect(core.json.items[0].versions[0].resources.map((r: { resource: string }) => r.resource)).toContain("pods");
  });

  it("serves an empty protobuf /openapi/v2 and a minimal /openapi/v3", async () => {
    const v2 = await call(sim, "GET", "/openapi/v2", {
      headers: { Accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf" },
    });
    expect(v2.status).toBe(200);
    expect(v2.headers["content-type"]).toBe("application/octet-stream");
    expect(v2.text).toBe("");
    const index = (await call(sim, "GET", "/openapi/v3")).json;
    const url: string = index.paths["api/v1"].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    const doc = (await call(sim, "GET", url)).json;
    const patchOp = doc.paths["/api/v1/namespaces/{namespace}/pods/{name}"].patch;
    expect(patchOp["x-kubernetes-group-version-kind"]).toEqual({ group: "", version: "v1", kind: "Pod" });
    expect(patchOp.parameters).toContainEqual(expect.objectContaining({ name: "fieldValidation" }));
  });
});

describe("auth and errors", () => {
  it("answers 401 Status without a valid token, and health checks without one", async () => {
    const res = await call(sim, "GET", "/api/v1/pods", { token: null });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
    expect((await call(sim, "GET", "/api/v1/pods", { token: "nope" })).status).toBe(401);
    expect((await call(sim, "GET", "/readyz", { token: null })).status).toBe(200);
  });

  it("answers unknown paths, bad selectors, mismatched namespaces and bad patch types with Status", async () => {
    const unknown = await call(sim, "GET", "/api/v1/widgets");
    expect(unknown.json).toMatchObject({
      code: 404,
      reason: "NotFound",
      message: "the server could not find the requested resource",
    });
    // Outside a served group-version the real apiserver's mux answers plain text, not a Status.
    for (const path of ["/apis/example.com/v1/widgets", "/nothing"]) {
      const outside = await call(sim, "GET", path);
      expect([outside.status, outside.headers["content-type"], outside.text]).toEqual([
        404,
        "text/plain; charset=utf-8",
        "404 page not found\n",
      ]);
    }
    expect((await call(sim, "GET", "/api/v1/pods?labelSelector=a%20in%20(")).status).toBe(400);
    const mismatch = await call(sim, "POST", "/api/v1/namespaces/h/configmaps", {
      body: { ...cm("x"), metadata: { name: "x", namespace: "other" } },
    });
    expect(mismatch.json).toMatchObject({
      code: 400,
      message: "the namespace of the provided object does not match the namespace sent on the request",
    });
    await call(sim, "POST", "/api/v1/namespaces/h/configmaps", { body: cm("patch-me") });
    const bad = await call(sim, "PATCH", "/api/v1/namespaces/h/configmaps/patch-me", {
      body: {},
      headers: { "Content-Type": "text/plain" },
    });
    expect(bad.json).toMatchObject({ code: 415, reason: "UnsupportedMediaType" });
    const apply = await call(sim, "PATCH", "/api/v1/namespaces/h/configmaps/patch-me", {
      body: "{}",
      headers: { "Content-Type": "application/apply-patch+yaml" },
    });
    expect(apply.json).toMatchObject({
      code: 422,
      message: expect.stringContaining("fieldManager: Required value: is required for apply patch"),
    });
  });
});

describe("access reviews", () => {
  it("allows every review and refuses verbs a kind does not serve", async () => {
    const review = await call(sim, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      body: {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SelfSubjectAccessReview",
        spec: { resourceAttributes: { verb: "delete", resource: "pods", namespace: "h" } },
      },
    });
    expect(review.status).toBe(201);
    expect(review.json).toMatchObject({
      kind: "SelfSubjectAccessReview",
      spec: { resourceAttributes: { verb: "delete" } },
      status: { allowed: true },
    });
    const whoami = await call(sim, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
      body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    expect(whoami.json.status.userInfo.groups).toContain("system:masters");
    const listed = await call(sim, "GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
    expect(listed.json).toMatchObject({ code: 405, reason: "MethodNotAllowed" });
  });
});

describe("lists", () => {
  it("returns Tables with the kubectl columns and row metadata", async () => {
    await call(sim, "POST", "/api/v1/namespaces/h/pods", {
      body: { metadata: { name: "tp", labels: { app: "t" } }, spec: { containers: [{ name: "c", image: "i" }] } },
    });
    const table = (
      await call(sim, "GET", "/api/v1/namespaces/h/pods?labelSelector=app%3Dt", { headers: { Accept: TABLE } })
    ).json;
    expect(table.kind).toBe("Table");
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      "Name",
      "Ready",
      "Status",
      "Restarts",
      "Age",
      "IP",
      "Node",
      "Nominated Node",
      "Readiness Gates",
    ]);
    expect(table.rows[0].cells.slice(0, 4)).toEqual(["tp", "0/1", "Pending", "0"]);
    expect(table.rows[0].object).toMatchObject({
      kind: "PartialObjectMetadata",
      metadata: { name: "tp", namespace: "h", labels: { app: "t" } },
    });
    expect(table.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it("pages with limit and continue in key order", async () => {
    await call(sim, "POST", "/api/v1/namespaces", { body: { metadata: { name: "paging" } } });
    for (const name of ["e", "a", "d", "c", "b"])
      await call(sim, "POST", "/api/v1/namespaces/paging/configmaps", { body: cm(name) });
    const seen: string[] = [];
    let token = "";
    let pages = 0;
    do {
      const page = (
        await call(sim, "GET", `/api/v1/namespaces/paging/configmaps?limit=2${token ? `&continue=${token}` : ""}`)
      ).json;
      if (pages === 0) expect(page.metadata.remainingItemCount).toBe(3);
      seen.push(...page.items.map((i: { metadata: { name: string } }) => i.metadata.name));
      token = page.metadata.continue ?? "";
      pages++;
    } while (token);
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
    expect(pages).toBe(3);
    expect((await call(sim, "GET", "/api/v1/namespaces/paging/configmaps?limit=2&continue=garbage")).status).toBe(400);
  });

  it("deletes collections by selector", async () => {
    await call(sim, "POST", "/api/v1/namespaces", { body: { metadata: { name: "dc" } } });
    for (const [name, tier] of [
      ["x", "a"],
      ["y", "a"],
      ["z", "b"],
    ])
      await call(sim, "POST", "/api/v1/namespaces/dc/configmaps", { body: cm(name, { tier }) });
    const res = await call(sim, "DELETE", "/api/v1/namespaces/dc/configmaps?labelSelector=tier%3Da");
    expect(res.json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(["x", "y"]);
    const left = (await call(sim, "GET", "/api/v1/namespaces/dc/configmaps")).json;
    expect(left.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(["z"]);
  });
});

describe("watches", () => {
  it("replays history from a resourceVersion and follows selector transitions", async () => {
    await call(sim, "POST", "/api/v1/namespaces", { body: { metadata: { name: "w" } } });
    const rv = (await call(sim, "GET", "/api/v1/namespaces/w/configmaps")).json.metadata.resourceVersion;
    await call(sim, "POST", "/api/v1/namespaces/w/configmaps", { body: cm("one", { watched: "yes" }) });
    const watch = openWatch(
      sim,
      `/api/v1/namespaces/w/configmaps?watch=1&resourceVersion=${rv}&labelSelector=watched%3Dyes`,
    );
    await eventually(() => watch.events.length === 1, 3000, "replayed ADDED");
    const patch = (labels: Record<string, string | null>) =>
      call(sim, "PATCH", "/api/v1/namespaces/w/configmaps/one", {
        body: { metadata: { labels } },
        headers: { "Content-Type": "application/merge-patch+json" },
      });
    await patch({ watched: "no" });
    await patch({ watched: "yes" });
    await patch({ extra: "1" });
    await call(sim, "DELETE", "/api/v1/namespaces/w/configmaps/one");
    await eventually(() => watch.events.length === 5, 3000, "five events");
    watch.stop();
    expect(watch.events.map((e) => e.type)).toEqual(["ADDED", "DELETED", "ADDED", "MODIFIED", "DELETED"]);
    expect(watch.events[0].object).toMatchObject({ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "one" } });
    const rvs = watch.events.map((e) => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
  });

  it("answers a compacted resourceVersion with a 410 ERROR event and closes", async () => {
    const rv = (await call(sim, "GET", "/api/v1/namespaces/h/configmaps")).json.metadata.resourceVersion;
    await call(sim, "POST", "/_sim/faults", { body: { compactNow: true } });
    const watch = openWatch(sim, `/api/v1/namespaces/h/configmaps?watch=true&resourceVersion=${rv}`);
    await watch.done;
    expect(watch.events).toEqual([
      {
        type: "ERROR",
        object: {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
          reason: "Expired",
          code: 410,
        },
      },
    ]);
    const fresh = (await call(sim, "GET", "/api/v1/namespaces/h/configmaps")).json.metadata.resourceVersion;
    const resumed = openWatch(
      sim,
      `/api/v1/namespaces/h/configmaps?watch=true&resourceVersion=${fresh}&timeoutSeconds=1`,
    );
    await resumed.done;
    expect(resumed.events).toEqual([]);
  });

  it("starts from current state without a resourceVersion, sends bookmarks and honours timeoutSeconds", async () => {
    const watch = openWatch(sim, "/api/v1/namespaces/h/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=1");
    await watch.done;
    expect(watch.events[0]).toMatchObject({ type: "ADDED", object: { metadata: { name: "tp" } } });
    const bookmark = watch.events.find((e) => e.type === "BOOKMARK");
    expect(bookmark.object).toEqual({
      kind: "Pod",
      apiVersion: "v1",
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
  });

  it("supports watch-list: initial events, then a bookmark marking their end", async () => {
    const watch = openWatch(
      sim,
      "/api/v1/namespaces/h/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1",
    );
    await watch.done;
    const end = watch.events.findIndex((e) => e.type === "BOOKMARK");
    expect(watch.events.slice(0, end).every((e) => e.type === "ADDED")).toBe(true);
    expect(end).toBeGreaterThan(0);
    expect(watch.events[end].object.metadata.annotations).toEqual({ "k8s.io/initial-events-end": "true" });
  });

  it("streams Table events for kubectl get -w", async () => {
    const watch = openWatch(sim, "/api/v1/namespaces/h/pods?watch=true&timeoutSeconds=1", { Accept: TABLE });
    await watch.done;
    expect(watch.events[0].type).toBe("ADDED");
    expect(watch.events[0].object).toMatchObject({ kind: "Table", rows: [{ cells: expect.arrayContaining(["tp"]) }] });
  });

  it("ends open watches cleanly on dropWatchesNow", async () => {
    const watch = openWatch(sim, "/api/v1/namespaces/h/pods?watch=true");
    await eventually(() => watch.events.length > 0, 3000, "initial event");
    const res = await call(sim, "POST", "/_sim/faults", { body: { dropWatchesNow: true } });
    expect(res.json.droppedWatches).toBeGreaterThanOrEqual(1);
    await watch.done;
    expect(watch.ended).toBe(true);
  });
});

describe("writes", () => {
  it("does not persist dry runs", async () => {
    const created = await call(sim, "POST", "/api/v1/namespaces/h/configmaps?dryRun=All", { body: cm("dry") });
    expect(created.status).toBe(201);
    expect((await call(sim, "GET", "/api/v1/namespaces/h/configmaps/dry")).status).toBe(404);
  });

  it("creates and updates through server-side apply, tracking managed fields", async () => {
    const path = "/api/v1/namespaces/h/configmaps/applied?fieldManager=tester";
    const yaml = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n${data}`;
    const headers = { "Content-Type": "application/apply-patch+yaml" };
    const first = await call(sim, "PATCH", path, { body: yaml("  a: '1'\n  b: '2'\n"), headers });
    expect(first.status).toBe(201);
    expect(first.json.metadata.managedFields[0]).toMatchObject({
      manager: "tester",
      operation: "Apply",
      fieldsType: "FieldsV1",
    });
    const second = await call(sim, "PATCH", `${path}&force=true`, { body: yaml("  a: '3'\n"), headers });
    expect(second.status).toBe(200);
    expect(second.json.data).toEqual({ a: "3" });
    const again = await call(sim, "PATCH", path, { body: yaml("  a: '3'\n"), headers });
    expect(again.json.metadata.resourceVersion).toBe(second.json.metadata.resourceVersion);
  });

  it("reports apply conflicts between field managers unless forced", async () => {
    const headers = { "Content-Type": "application/apply-patch+yaml" };
    const body = (value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  a: "${value}"\n`;
    const path = "/api/v1/namespaces/h/configmaps/shared";
    expect((await call(sim, "PATCH", `${path}?fieldManager=alice`, { body: body("1"), headers })).status).toBe(201);
    expect((await call(sim, "PATCH", `${path}?fieldManager=bob`, { body: body("1"), headers })).status).toBe(200);
    const refused = await call(sim, "PATCH", `${path}?fieldManager=bob`, { body: body("2"), headers });
    expect(refused.json).toMatchObject({
      code: 409,
      reason: "Conflict",
      message: 'Apply failed with 1 conflict: conflict with "alice" using v1: .data.a',
    });
    const forced = await call(sim, "PATCH", `${path}?fieldManager=bob&force=true`, { body: body("2"), headers });
    expect(forced.json.data).toEqual({ a: "2" });
    expect(forced.json.metadata.managedFields.map((m: { manager: string }) => m.manager)).toEqual(["bob"]);
  });

  it("evicts and binds pods through their subresources", async () => {
    await call(sim, "POST", "/api/v1/namespaces/h/pods", {
      body: { metadata: { name: "sub" }, spec: { containers: [{ name: "c", image: "i" }] } },
    });
    const bound = await call(sim, "POST", "/api/v1/namespaces/h/pods/sub/binding", {
      body: { apiVersion: "v1", kind: "Binding", metadata: { name: "sub" }, target: { kind: "Node", name: "n1" } },
    });
    expect(bound.status).toBe(201);
    expect((await call(sim, "GET", "/api/v1/namespaces/h/pods/sub")).json.spec.nodeName).toBe("n1");
    const again = await call(sim, "POST", "/api/v1/namespaces/h/pods/sub/binding", {
      body: { target: { name: "n2" } },
    });
    expect(again.status).toBe(409);
    const evicted = await call(sim, "POST", "/api/v1/namespaces/h/pods/sub/eviction", {
      body: {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name: "sub" },
        deleteOptions: { gracePeriodSeconds: 0 },
      },
    });
    expect(evicted.status).toBe(201);
    expect((await call(sim, "GET", "/api/v1/namespaces/h/pods/sub")).status).toBe(404);
  });

  it("serves a new CRD at once and drops its objects when it is deleted", async () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          },
        ],
      },
    };
    const created = await call(sim, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", { body: crd });
    expect(created.status).toBe(201);
    const established = (
      await call(sim, "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
    ).json;
    expect(established.status.conditions.map((c: { type: string }) => c.type)).toContain("Established");
    expect((await call(sim, "GET", "/apis/example.com/v1")).json.resources[0]).toMatchObject({
      name: "widgets",
      kind: "Widget",
      namespaced: true,
    });
    const widget = await call(sim, "POST", "/apis/example.com/v1/namespaces/h/widgets", {
      body: { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 3 } },
    });
    expect(widget.status).toBe(201);
    const list = (await call(sim, "GET", "/apis/example.com/v1/widgets")).json;
    expect(list).toMatchObject({
      kind: "WidgetList",
      apiVersion: "example.com/v1",
      items: [{ metadata: { name: "w1" }, spec: { size: 3 } }],
    });
    await call(sim, "DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com");
    expect((await call(sim, "GET", "/apis/example.com/v1/namespaces/h/widgets")).status).toBe(404);
    const badName = await call(sim, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      body: { ...crd, metadata: { name: "wrong" } },
    });
    expect(badName.json).toMatchObject({ code: 422, reason: "Invalid" });
  });
});

describe("faults", () => {
  it("injects latency and errors, and pauses the API until resumed", async () => {
    await call(sim, "POST", "/_sim/faults", { body: { latencyMs: 150 } });
    const started = Date.now();
    await call(sim, "GET", "/api/v1/namespaces");
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await call(sim, "POST", "/_sim/faults", { body: { latencyMs: 0, errorRate: 1 } });
    expect((await call(sim, "GET", "/api/v1/namespaces")).json).toMatchObject({ code: 500, reason: "InternalError" });
    await call(sim, "POST", "/_sim/faults", { body: { errorRate: 0, paused: true } });
    await expect(call(sim, "GET", "/api/v1/namespaces")).rejects.toThrow(/socket hang up|ECONNRESET/);
    const state = await call(sim, "GET", "/_sim/faults");
    expect(state.json.settings.paused).toBe(true);
    await call(sim, "POST", "/_sim/faults", { body: { paused: false } });
    expect((await call(sim, "GET", "/api/v1/namespaces")).status).toBe(200);
  });

  it("can pause with 503s or by holding requests until resumed", async () => {
    await call(sim, "POST", "/_sim/faults", { body: { paused: true, pauseMode: "503" } });
    expect((await call(sim, "GET", "/api/v1/namespaces")).json).toMatchObject({
      code: 503,
      reason: "ServiceUnavailable",
    });
    await call(sim, "POST", "/_sim/faults", { body: { pauseMode: "hang" } });
    // The request is held once the server waits for the resume on its behalf.
    const whenResumed = sim.faults.whenResumed;
    const holding = new Promise<void>((resolve) => {
      sim.faults.whenResumed = function (this: typeof sim.faults) {
        resolve();
        return whenResumed.call(this);
      };
    });
    let answered = false;
    const held = call(sim, "GET", "/api/v1/namespaces").then((res) => {
      answered = true;
      return res;
    });
    await holding;
    sim.faults.whenResumed = whenResumed;
    expect((await call(sim, "GET", "/_sim/faults")).json.settings).toMatchObject({ paused: true, pauseMode: "hang" });
    expect(answered).toBe(false);
    await call(sim, "POST", "/_sim/faults", { body: { paused: false, pauseMode: "reset" } });
    expect((await held).status).toBe(200);
    expect((await call(sim, "POST", "/_sim/faults", { body: { pauseMode: "sideways" } })).status).toBe(400);
  });
});

describe("restarts", () => {
  it("never reuses resourceVersions: a watch resuming from an earlier run gets 410", async () => {
    const earlier = await startSimulator({ behaviour: null });
    await call(earlier, "POST", "/api/v1/namespaces/default/configmaps", { body: cm("old") });
    const oldRv = (await call(earlier, "GET", "/api/v1/namespaces/default/configmaps")).json.metadata.resourceVersion;
    await earlier.stop();
    const later = await startSimulator({ behaviour: null });
    try {
      const watch = openWatch(later, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${oldRv}`);
      await watch.done;
      expect(watch.events).toEqual([
        { type: "ERROR", object: expect.objectContaining({ code: 410, reason: "Expired" }) },
      ]);
    } finally {
      await later.stop();
    }
  });
});

describe("state persistence", () => {
  it("saves on stop and loads on start, keeping resourceVersions moving forward", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-sim-state-"));
    try {
      const statePath = join(dir, "state.json");
      const first = await startSimulator({ behaviour: null, statePath });
      await call(first, "POST", "/api/v1/namespaces/default/configmaps", { body: cm("kept") });
      const rv = first.store.currentResourceVersion();
      await first.stop();
      const second = await startSimulator({ behaviour: null, statePath });
      try {
        const kept = await call(second, "GET", "/api/v1/namespaces/default/configmaps/kept");
        expect(kept.json.data).toEqual({ k: "v" });
        await call(second, "POST", "/api/v1/namespaces/default/configmaps", { body: cm("later") });
        expect(second.store.currentResourceVersion()).toBeGreaterThan(rv);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("loads a state for a copy of the cluster without ever writing it back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-sim-load-"));
    try {
      const statePath = join(dir, "state.json");
      const seeded = await startSimulator({ behaviour: null, statePath });
      await call(seeded, "POST", "/api/v1/namespaces/default/configmaps", { body: cm("seeded") });
      await seeded.stop();
      const saved = readFileSync(statePath, "utf8");
      const copy = await startSimulator({ behaviour: null, loadPath: statePath });
      try {
        expect((await call(copy, "GET", "/api/v1/namespaces/default/configmaps/seeded")).json.data).toEqual({ k: "v" });
        await call(copy, "POST", "/api/v1/namespaces/default/configmaps", { body: cm("only-in-the-copy") });
      } finally {
        await copy.stop();
      }
      expect(readFileSync(statePath, "utf8")).toBe(saved);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
