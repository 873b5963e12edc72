import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { dockerTestEndpoint } from "@/test/support/docker-engine";

describe("execution configs with engine docker", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-docker-configs-"));
  const { getDb } = await import("@/db");
  const { apiTokens, groupMembers, users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { createGroup } = await import("@/lib/groups/mutations");
  const { hashToken } = await import("@/lib/tokens/token");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { createDockerHost, setDockerHostGrants } = await import("@/lib/docker-hosts/mutations");
  const { createExecutionConfig, updateExecutionConfig } = await import("./mutations");
  const { executionConfigYaml, findExecutionConfig } = await import("./queries");
  const previewRoute = await import("@/app/api/v1/execution-configs/[config]/preview/route");

  type Answer =
    | { ok: true; data: Record<string, unknown> }
    | { ok: false; status: number; error: string; fieldErrors?: Record<string, string[]> };
  const db = getDb();
  const adminRow = db.insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).returning().get();
  const adaRow = db.insert(users).values({ username: "ada", role: "user", passwordHash: "x" }).returning().get();
  const token = "berth_docker_configs_ada_token";
  db.insert(apiTokens)
    .values({ userId: adaRow.id, name: "test", tokenHash: hashToken(token), prefix: token.slice(0, 8) })
    .run();
  const admin = () => actorForUser(adminRow.id)!;
  const run = (mutation: Parameters<typeof executeMutation>[0], input: unknown, actor: Actor = admin()) =>
    executeMutation(mutation, input, actor, "api") as Promise<Answer>;

  const config = {
    name: "docker-small",
    image: "localhost/berth-debian:bookworm",
    engine: "docker",
    dockerHost: "local",
    usableBy: { groups: ["ml"] },
    resources: { limits: { cpu: "1.5", memory: "256Mi" } },
    gpu: { count: 1 },
    env: [{ name: "MODE", value: "test" }],
    workingDir: "/tmp",
  };

  it("needs a Docker host that exists and that the config's groups may use", async () => {
    expect(await run(createDockerHost, { name: "local", endpoint: dockerTestEndpoint() })).toMatchObject({ ok: true });
    const group = await run(createGroup, { name: "ml" });
    db.insert(groupMembers)
      .values({ groupId: (group as unknown as { data: { id: number } }).data.id, userId: adaRow.id })
      .run();
    expect(await run(createExecutionConfig, { ...config, dockerHost: "elsewhere" })).toMatchObject({
      ok: false,
      fieldErrors: { dockerHost: ['No Docker host named "elsewhere"'] },
    });
    expect(await run(createExecutionConfig, config)).toMatchObject({
      ok: false,
      fieldErrors: { dockerHost: [expect.stringMatching(/Group ml may not use Docker host local/)] },
    });
    expect(await run(createExecutionConfig, { ...config, usableBy: "all" })).toMatchObject({
      ok: false,
      fieldErrors: { dockerHost: [expect.stringMatching(/not usable by everyone/)] },
    });
    await run(setDockerHostGrants, { dockerHost: "local", grants: [{ group: "ml", level: "use" }] });
    expect(await run(createExecutionConfig, config)).toMatchObject({
      ok: true,
      data: { engine: "docker", dockerHost: "local", namespace: "", workingDir: "/tmp" },
    });
  });

  it("keeps engine and host as columns, exports them in YAML, and refuses Kubernetes-only fields on edit", async () => {
    const row = findExecutionConfig("docker-small")!;
    expect(row).toMatchObject({ engine: "docker", dockerHostId: expect.any(Number) });
    expect(row.spec).not.toHaveProperty("engine");
    expect(row.spec).not.toHaveProperty("dockerHost");
    expect(executionConfigYaml(row)).toMatch(/engine: docker\n[\s\S]*dockerHost: local/);
    expect(await run(updateExecutionConfig, { config: "docker-small", nodeSelector: { zone: "a" } })).toMatchObject({
      ok: false,
      fieldErrors: { nodeSelector: [expect.stringMatching(/not for engine docker/)] },
    });
  });

  it("previews the exact container create body a run sends, to a user of the config", async () => {
    const request = new NextRequest(new URL("/api/v1/execution-configs/docker-small/preview", "http://berth.test"), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ command: ["python3", "-c", "print(1)"], env: { EXTRA: "x" } }),
    });
    const response = await previewRoute.POST(request, { params: Promise.resolve({ config: "docker-small" }) });
    expect(response.status).toBe(200);
    const preview = (await response.json()) as {
      engine: string;
      dockerHost: string;
      container: Record<string, unknown>;
    };
    expect(preview).toMatchObject({ engine: "docker", dockerHost: "local" });
    expect(preview.container).toEqual({
      Image: "localhost/berth-debian:bookworm",
      Cmd: ["python3", "-c", "print(1)"],
      Env: ["EXTRA=x", "MODE=test"],
      WorkingDir: "/tmp",
      Labels: expect.objectContaining({
        "berth.dev/project": "sample",
        "berth.dev/user": "ada",
        "berth.dev/exec-config": "docker-small",
        "app.kubernetes.io/managed-by": "berth",
      }),
      HostConfig: {
        NanoCpus: 1_500_000_000,
        Memory: 268_435_456,
        MemorySwap: 268_435_456,
        DeviceRequests: [{ Driver: "nvidia", Count: 1, Capabilities: [["gpu"]] }],
      },
    });
  });
});
