import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

import type { RunRow } from "@/db/schema";
import { dockerTestEndpoint, testBaseImage } from "@/test/support/docker-engine";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-local-engine-"));

describe("the local engine that `npm start` started, registered at start", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { deleteExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { findExecutionConfig, executionConfigBody } = await import("@/lib/execution-configs/queries");
  const { submitRun } = await import("@/lib/runs/submit");
  const { findRun } = await import("@/lib/runs/queries");
  const { subscribeRunChanges } = await import("@/lib/runs/events");
  const { stopDockerRunWatches } = await import("@/lib/runs/docker");
  const { killAndRemoveContainer } = await import("@/lib/docker/containers");
  const { dockerClient } = await import("@/lib/docker/connection");
  const { registerLocalEngine, LOCAL_DOCKER_HOST_NAME, LOCAL_CONFIG_NAME, LOCAL_ENGINE_FILE } =
    await import("./local-engine");
  const { findDockerHost } = await import("@/lib/docker-hosts/queries");

  const db = getDb();
  const adminId = db
    .insert(schema.users)
    .values({ username: "admin", role: "admin", passwordHash: "x" })
    .returning()
    .get().id;
  // In no group at all: what "usable by everyone" means.
  const newcomerId = db
    .insert(schema.users)
    .values({ username: "newcomer", role: "user", passwordHash: "x" })
    .returning()
    .get().id;
  const team = db.insert(schema.groups).values({ name: "team" }).returning().get().id;
  const project = db.insert(schema.projects).values({ key: "first", name: "first" }).returning().get().id;
  db.insert(schema.projectMembers).values({ projectId: project, groupId: team, role: "contributor" }).run();
  db.insert(schema.groupMembers).values({ groupId: team, userId: newcomerId }).run();

  const writeEngineFile = (endpoint: string) =>
    fs.writeFileSync(
      path.join(dataDir, LOCAL_ENGINE_FILE),
      JSON.stringify({ endpoint, baseImage: testBaseImage(), registry: "127.0.0.1:5000" }),
    );
  const hostEvents = () =>
    db
      .select()
      .from(schema.auditEvents)
      .all()
      .filter((event) => event.objectType === "docker-host");

  /** Resolves with the run once it ended, woken by the run's own changes (no polling). */
  function runEnds(id: string): Promise<RunRow> {
    return new Promise((resolve) => {
      const check = () => {
        const run = findRun(id);
        if (run && ["succeeded", "failed", "aborted", "lost"].includes(run.status)) {
          stop();
          resolve(run);
        }
      };
      const stop = subscribeRunChanges((change) => {
        if (change.id === id) check();
      });
      check();
    });
  }

  afterAll(async () => {
    stopDockerRunWatches();
    const engine = dockerClient({ endpoint: dockerTestEndpoint() });
    for (const run of db.select().from(schema.runs).all())
      for (const id of run.containers) await killAndRemoveContainer(engine, id);
  });

  it("does nothing when npm start started no engine", () => {
    registerLocalEngine();
    expect(db.select().from(schema.dockerHosts).all()).toEqual([]);
    expect(db.select().from(schema.executionConfigs).all()).toEqual([]);
  });

  it("registers the engine as Docker host local usable by everyone and a local-python config on it, audited as system; a newcomer's script runs there", async () => {
    writeEngineFile(dockerTestEndpoint());
    registerLocalEngine();
    const host = findDockerHost(LOCAL_DOCKER_HOST_NAME)!;
    expect(host).toMatchObject({ endpoint: dockerTestEndpoint(), usableByAll: true, tlsEncrypted: null });
    const config = findExecutionConfig(LOCAL_CONFIG_NAME)!;
    expect(config).toMatchObject({ engine: "docker", dockerHostId: host.id, usableBy: "all" });
    expect(executionConfigBody(config)).toMatchObject({ image: testBaseImage(), namespace: "" });
    const events = db.select().from(schema.auditEvents).all();
    expect(events.map((event) => [event.action, event.objectName, event.actorName, event.source])).toEqual([
      ["docker-host.create", LOCAL_DOCKER_HOST_NAME, "system", "system"],
      ["execution-config.create", LOCAL_CONFIG_NAME, "system", "system"],
    ]);

    const submitted = await executeMutation(
      submitRun,
      {
        project: "first",
        activity: "python-recipe",
        executionConfig: LOCAL_CONFIG_NAME,
        script: "print('really ran')",
      },
      actorForUser(newcomerId)!,
      "api",
    );
    if (!submitted.ok) throw new Error(`${submitted.error} ${JSON.stringify(submitted.fieldErrors ?? {})}`);
    const run = await runEnds(submitted.data.id);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0, dockerHost: LOCAL_DOCKER_HOST_NAME });
    expect(run.logTail).toBe("really ran\n");
  });

  it("a later start with the same engine changes nothing; with a new socket path, the host follows it as a new version", () => {
    const before = findDockerHost(LOCAL_DOCKER_HOST_NAME)!;
    registerLocalEngine();
    expect(findDockerHost(LOCAL_DOCKER_HOST_NAME)).toEqual(before);
    expect(hostEvents()).toHaveLength(1);

    writeEngineFile("unix:///tmp/berth-elsewhere/podman.sock");
    registerLocalEngine();
    expect(findDockerHost(LOCAL_DOCKER_HOST_NAME)).toMatchObject({
      id: before.id,
      endpoint: "unix:///tmp/berth-elsewhere/podman.sock",
      version: before.version + 1,
    });
    expect(hostEvents().at(-1)).toMatchObject({
      action: "docker-host.update",
      actorName: "system",
      before: { endpoint: dockerTestEndpoint() },
      after: { endpoint: "unix:///tmp/berth-elsewhere/podman.sock" },
    });
    writeEngineFile(dockerTestEndpoint());
    registerLocalEngine();
  });

  it("what an admin deletes is not brought back at the next start", async () => {
    const deleted = await executeMutation(
      deleteExecutionConfig,
      { config: LOCAL_CONFIG_NAME },
      actorForUser(adminId)!,
      "api",
    );
    expect(deleted).toMatchObject({ ok: true });
    registerLocalEngine();
    expect(findExecutionConfig(LOCAL_CONFIG_NAME)).toBeUndefined();
  });

  it("refuses an endpoint off the allow-list in the file, registering nothing new", () => {
    const hosts = db.select().from(schema.dockerHosts).all();
    writeEngineFile("ssh://root@elsewhere");
    registerLocalEngine();
    expect(db.select().from(schema.dockerHosts).all()).toEqual(hosts);
    writeEngineFile(dockerTestEndpoint());
  });
});
