import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, inject, it } from "vitest";

// Namespaces unique to this file: the simulator is shared by every test file of a vitest run.
const suffix = Math.random().toString(36).slice(2, 7);

/** Glob patterns through the REST API, against the simulated cluster's real namespace list. */
describe("namespace policy glob patterns over the API", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-policy-globs-"));
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { createNamespace } = await import("@/lib/kube/namespaces");
  const { hashToken } = await import("@/lib/tokens/token");
  const policiesRoute = await import("@/app/api/v1/namespace-policies/route");
  const applyRoute = await import("@/app/api/v1/namespace-policies/[policy]/apply/route");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const token = "berth_policy_globs_admin_token";
  let cluster: typeof schema.clusters.$inferSelect;

  type Handler = (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const post = async (handler: Handler, url: string, body: unknown, params: Record<string, string> = {}) => {
    const request = new NextRequest(new URL(url, "http://berth.test"), {
      method: "POST",
      body: JSON.stringify(body),
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    });
    const response = await handler(request, { params: Promise.resolve(params) });
    return { status: response.status, body: await response.json() };
  };
  const createPolicy = (body: Record<string, unknown>) =>
    post(policiesRoute.POST, "/api/v1/namespace-policies", { resourceQuota: { hard: { pods: "7" } }, ...body });
  const apply = (policy: string, body: Record<string, unknown>) =>
    post(applyRoute.POST, `/api/v1/namespace-policies/${policy}/apply`, body, { policy });

  beforeAll(async () => {
    const db = getDb();
    const admin = db.insert(schema.users).values({ username: "admin", role: "admin" }).returning().get();
    db.insert(schema.apiTokens)
      .values({ userId: admin.id, name: "test", tokenHash: hashToken(token), prefix: token.slice(0, 8) })
      .run();
    cluster = db
      .insert(schema.clusters)
      .values({
        name: "sim",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://127.0.0.1:6443",
      })
      .returning()
      .get();
    for (const name of ["berth-churn", "xberth-churn", `berth-churn-${suffix}`, `xberth-churn-${suffix}`])
      await createNamespace(cluster, name);
  });

  it("a berth-* policy matches berth-churn and not xberth-churn (dry run: nothing is changed)", async () => {
    const created = await createPolicy({ name: "berth-all", pattern: "berth-*" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.pattern).toBe("berth-*");
    const dry = await apply("berth-all", { cluster: "sim", dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    const namespaces = dry.body.results.map((result: { namespace: string }) => result.namespace);
    expect(namespaces).toContain("berth-churn");
    expect(namespaces).not.toContain("xberth-churn");
    expect(dry.body.touched).toContain("berth-churn");
  });

  it("apply with {cluster} answers the namespaces it touched, and only those got the quota", async () => {
    expect((await createPolicy({ name: "churn-only", pattern: `berth-*-${suffix}` })).status).toBe(201);
    const applied = await apply("churn-only", { cluster: "sim" });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body).toMatchObject({
      policy: "churn-only",
      cluster: "sim",
      dryRun: false,
      touched: [`berth-churn-${suffix}`],
    });
    const { kubeClients } = await import("@/lib/kube/client");
    const { core } = kubeClients(cluster);
    expect(
      (await core.readNamespacedResourceQuota({ name: "berth-quota", namespace: `berth-churn-${suffix}` })).spec?.hard
        ?.pods,
    ).toBe("7");
    expect((await core.listNamespacedResourceQuota({ namespace: `xberth-churn-${suffix}` })).items).toHaveLength(0);
    // Applying again changes nothing, so it touches nothing.
    expect((await apply("churn-only", { cluster: "sim" })).body.touched).toEqual([]);
  });

  it("a regular expression needs the re: prefix; one written without it is refused with the way to write it", async () => {
    const refused = await createPolicy({ name: "old-style", pattern: "ml-.*" });
    expect(refused.status).toBe(400);
    expect(refused.body.fieldErrors.pattern.join(" ")).toMatch(/re:ml-\.\*/);
    expect((await createPolicy({ name: "regex", pattern: `re:(x)?berth-churn-${suffix}` })).status).toBe(201);
    const dry = await apply("regex", { cluster: "sim", dryRun: true });
    expect(dry.body.results.map((result: { namespace: string }) => result.namespace).sort()).toEqual([
      `berth-churn-${suffix}`,
      `xberth-churn-${suffix}`,
    ]);
  });
});
