import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { dockerTestEndpoint } from "@/test/support/docker-engine";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-docker-hosts-"));

/** A CA-signed client certificate and key, as an engine's TLS set-up hands them out. */
async function clientTls() {
  const ca = await generate([{ name: "commonName", value: "docker-hosts-test-ca" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, digitalSignature: true, critical: true },
    ],
  });
  const client = await generate([{ name: "commonName", value: "berth" }], {
    keyType: "ec",
    algorithm: "sha256",
    ca: { key: ca.private, cert: ca.cert },
    extensions: [{ name: "extKeyUsage", clientAuth: true }],
  });
  return { ca: ca.cert, cert: client.cert, key: client.private };
}

describe("Docker hosts against a real engine", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { apiTokens, executionConfigs, groupMembers, users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { createGroup } = await import("@/lib/groups/mutations");
  const { listAuditEvents } = await import("@/lib/audit/queries");
  const { hashToken } = await import("@/lib/tokens/token");
  const { actorForUser } = await import("@/lib/auth/actor");
  const mutations = await import("./mutations");
  const { readableDockerHostDetail, listReadableDockerHosts } = await import("./reads");
  const collection = await import("@/app/api/v1/docker-hosts/route");
  const item = await import("@/app/api/v1/docker-hosts/[dockerHost]/route");

  // Every log line written during these tests; none may carry the TLS key.
  const logged: string[] = [];
  for (const method of ["log", "info", "warn", "error"] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      logged.push(
        args
          .map((arg) =>
            arg instanceof Error ? `${arg.message} ${arg.stack}` : typeof arg === "string" ? arg : JSON.stringify(arg),
          )
          .join(" "),
      );
      original(...args);
    };
  }

  type Answer<T> =
    { ok: true; data: T } | { ok: false; status: number; error: string; fieldErrors?: Record<string, string[]> };
  const run = <T>(mutation: Parameters<typeof executeMutation>[0], input: unknown, actor: Actor | null) =>
    executeMutation(mutation, input, actor, "api") as Promise<Answer<T>>;

  const db = getDb();
  const adminRow = db.insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).returning().get();
  const adaRow = db.insert(users).values({ username: "ada", role: "user", passwordHash: "x" }).returning().get();
  const adminToken = "berth_docker_hosts_admin_token";
  db.insert(apiTokens)
    .values({ userId: adminRow.id, name: "test", tokenHash: hashToken(adminToken), prefix: adminToken.slice(0, 8) })
    .run();
  const admin = () => actorForUser(adminRow.id)!;
  const ada = () => actorForUser(adaRow.id)!;

  const call = async (
    handler: (request: NextRequest, context: { params: Promise<Record<string, string>> }) => Promise<Response>,
    method: string,
    url: string,
    params: Record<string, string> = {},
    body?: unknown,
  ) => {
    const request = new NextRequest(new URL(url, "http://berth.test"), {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const response = await handler(request, { params: Promise.resolve(params) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  let tls: Awaited<ReturnType<typeof clientTls>>;
  beforeAll(async () => {
    tls = await clientTls();
  });
  afterAll(() => {
    expect(
      logged.filter((line) => line.includes("PRIVATE KEY") || (tls && line.includes(tls.key.split("\n")[1]))),
    ).toEqual([]);
  });

  it("attaches the engine's socket over the API and reads its live status", async () => {
    const created = await call(
      collection.POST as never,
      "POST",
      "/api/v1/docker-hosts",
      {},
      { name: "local", endpoint: dockerTestEndpoint(), description: "test engine" },
    );
    expect(created).toMatchObject({
      status: 201,
      body: { name: "local", endpoint: dockerTestEndpoint(), tls: false, usableByAll: false, revision: 1 },
    });
    const detail = await call(item.GET as never, "GET", "/api/v1/docker-hosts/local", { dockerHost: "local" });
    expect(detail.status).toBe(200);
    expect(detail.body.status).toMatchObject({
      reachable: true,
      engineVersion: expect.stringMatching(/\d+\.\d+/),
      cpus: expect.any(Number),
      memoryBytes: expect.any(Number),
      containersRunning: expect.any(Number),
    });
    expect((detail.body.status as { cpus: number }).cpus).toBeGreaterThan(0);
    expect((detail.body.status as { memoryBytes: number }).memoryBytes).toBeGreaterThan(0);
    const listed = await call(collection.GET as never, "GET", "/api/v1/docker-hosts");
    expect(listed.body).toEqual([
      expect.objectContaining({ name: "local", status: expect.objectContaining({ reachable: true }) }),
    ]);
  });

  it("refuses hostile endpoints and TLS file paths as field errors", async () => {
    const refused = await call(
      collection.POST as never,
      "POST",
      "/api/v1/docker-hosts",
      {},
      { name: "evil", endpoint: "ssh://root@build-host" },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.fieldErrors).toEqual({ endpoint: [expect.stringMatching(/ssh program/)] });
    const noTls = await run(mutations.createDockerHost, { name: "plain", endpoint: "tcp://10.0.0.5:2375" }, admin());
    expect(noTls).toMatchObject({ ok: false, status: 400, fieldErrors: { tls: [expect.stringMatching(/needs TLS/)] } });
    const paths = await run(
      mutations.createDockerHost,
      {
        name: "paths",
        endpoint: "tcp://10.0.0.5:2376",
        tls: { ca: "/etc/docker/ca.pem", cert: "~/.docker/cert.pem", key: tls.key },
      },
      admin(),
    );
    expect(paths).toMatchObject({
      ok: false,
      fieldErrors: { "tls.ca": [expect.stringMatching(/file path/)], "tls.cert": [expect.stringMatching(/file path/)] },
    });
    expect(listReadableDockerHosts(admin()).map((host) => host.name)).toEqual(["local"]);
  });

  it("keeps the TLS key out of the database in clear, the audit log and every answer, and says an unreachable engine in plain words", async () => {
    const created = await run<{ id: number; tls: boolean }>(
      mutations.createDockerHost,
      { name: "remote", endpoint: "tcp://127.0.0.1:1", tls },
      admin(),
    );
    expect(created).toMatchObject({ ok: true, data: { tls: true } });
    const keyLine = tls.key.split("\n")[1];
    const detail = await call(item.GET as never, "GET", "/api/v1/docker-hosts/remote", { dockerHost: "remote" });
    expect(detail.status).toBe(200);
    expect(detail.body.status).toMatchObject({
      reachable: false,
      error: "The engine cannot be reached (ECONNREFUSED).",
    });
    const everything = JSON.stringify([
      detail.body,
      listReadableDockerHosts(admin()),
      listAuditEvents({ objectType: "docker-host", limit: 50 }),
    ]);
    expect(everything).not.toContain(keyLine);
    expect(everything).not.toContain("PRIVATE KEY");
    const stored = db
      .select()
      .from((await import("@/db/schema")).dockerHosts)
      .all();
    expect(JSON.stringify(stored)).not.toContain(keyLine);
    for (const file of ["berth.db", "berth.db-wal"]
      .map((name) => path.join(dataDir, name))
      .filter((name) => fs.existsSync(name))) {
      expect(fs.readFileSync(file).includes(keyLine)).toBe(false);
    }
  });

  it("shows a host only to groups granted on it, and lets use, operate and manage do what each allows", async () => {
    expect(await readableDockerHostDetail(ada(), "local")).toBeUndefined();
    const missing = await call(item.GET as never, "GET", "/api/v1/docker-hosts/nope", { dockerHost: "nope" });
    expect(missing.status).toBe(404);
    const group = await run<{ id: number }>(createGroup, { name: "ml" }, admin());
    expect(group.ok).toBe(true);
    db.insert(groupMembers)
      .values({ groupId: (group as { data: { id: number } }).data.id, userId: adaRow.id })
      .run();
    expect(
      await run(
        mutations.setDockerHostGrants,
        { dockerHost: "local", grants: [{ group: "ml", level: "use" }] },
        admin(),
      ),
    ).toMatchObject({ ok: true });
    expect(await readableDockerHostDetail(ada(), "local")).toMatchObject({
      name: "local",
      grants: [{ group: "ml", level: "use" }],
    });
    expect(await run(mutations.updateDockerHost, { dockerHost: "local", description: "mine" }, ada())).toMatchObject({
      ok: false,
      status: 403,
    });
    await run(
      mutations.setDockerHostGrants,
      { dockerHost: "local", grants: [{ group: "ml", level: "operate" }] },
      admin(),
    );
    expect(await run(mutations.updateDockerHost, { dockerHost: "local", description: "mine" }, ada())).toMatchObject({
      ok: true,
      data: { description: "mine" },
    });
    expect(
      await run(mutations.updateDockerHost, { dockerHost: "local", endpoint: "unix:///run/other.sock" }, ada()),
    ).toMatchObject({ ok: false, status: 403, error: expect.stringMatching(/dockerHosts.manage/) });
    expect(await run(mutations.deleteDockerHost, { dockerHost: "local" }, ada())).toMatchObject({
      ok: false,
      status: 403,
    });
    expect(
      await run(mutations.createDockerHost, { name: "mine", endpoint: "unix:///run/mine.sock" }, ada()),
    ).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses to remove a host an execution config uses, and removes it once unused", async () => {
    const host = (await readableDockerHostDetail(admin(), "local"))!;
    db.insert(executionConfigs)
      .values({ name: "docker-small", spec: {}, usableBy: "all", engine: "docker", dockerHostId: host.id })
      .run();
    expect(await run(mutations.deleteDockerHost, { dockerHost: "local" }, admin())).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringMatching(/execution config docker-small/),
    });
    expect(await run(mutations.deleteDockerHost, { dockerHost: "remote" }, admin())).toMatchObject({
      ok: true,
      data: { name: "remote" },
    });
    const deleted = await call(item.DELETE as never, "DELETE", "/api/v1/docker-hosts/remote", { dockerHost: "remote" });
    expect(deleted.status).toBe(404);
  });
});
