/** --deny: what the simulator's user may not do answers as kube-apiserver's RBAC does. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startSimulator, type RunningSimulator } from "./index";
import { call } from "./testing/http-client";

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    behaviour: null,
    seed: false,
    deny: ["list:nodes", "delete:configmaps", "get:pods/log"],
  });
  await call(sim, "POST", "/api/v1/namespaces", { body: { metadata: { name: "d" } } });
});

afterAll(async () => {
  await sim?.stop();
});

const review = (resourceAttributes: object) =>
  call(sim, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
    body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes } },
  });

describe("--deny", () => {
  it("answers access reviews of denied verbs with allowed: false and no reason, as RBAC does", async () => {
    expect((await review({ verb: "list", resource: "nodes" })).json.status).toEqual({ allowed: false });
    expect((await review({ verb: "get", resource: "pods", subresource: "log", namespace: "d" })).json.status).toEqual({
      allowed: false,
    });
    expect((await review({ verb: "watch", resource: "nodes" })).json.status).toMatchObject({ allowed: true });
  });

  it("refuses denied requests with kube-apiserver's 403, cluster-scoped and namespaced", async () => {
    const nodes = await call(sim, "GET", "/api/v1/nodes");
    expect(nodes.status).toBe(403);
    expect(nodes.json).toMatchObject({
      kind: "Status",
      reason: "Forbidden",
      code: 403,
      message:
        'nodes is forbidden: User "berth-sim-admin" cannot list resource "nodes" in API group "" at the cluster scope',
      details: { kind: "nodes" },
    });
    expect(nodes.json.details).not.toHaveProperty("name");
    await call(sim, "POST", "/api/v1/namespaces/d/configmaps", { body: { metadata: { name: "c" } } });
    const removed = await call(sim, "DELETE", "/api/v1/namespaces/d/configmaps/c");
    expect(removed.json).toMatchObject({
      code: 403,
      message:
        'configmaps "c" is forbidden: User "berth-sim-admin" cannot delete resource "configmaps" in API group "" in the namespace "d"',
      details: { name: "c", kind: "configmaps" },
    });
    expect((await call(sim, "GET", "/api/v1/namespaces/d/configmaps/c")).status).toBe(200);
  });

  it("refuses a malformed rule at start", async () => {
    await expect(startSimulator({ behaviour: null, seed: false, deny: ["pods"] })).rejects.toThrow(/verb:resource/);
  });
});
