import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { RunRow } from "@/db/schema";
import type { Actor } from "@/lib/permissions";
import { dockerTestEndpoint, testBaseImage, testRegistry } from "@/test/support/docker-engine";
import { waitUntil } from "@/test/support/wait";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-docker-code-env-run-"));

describe("a run on a Docker host using a code env's image", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { createBaseImage, buildBaseImage } = await import("@/lib/images/mutations");
  const { baseImageImage } = await import("@/lib/images/base-image-ref");
  const { findBuild } = await import("@/lib/images/builds");
  const { ensureBuildRunner, stopBuildRunner } = await import("@/lib/images/build-runner");
  const { createCodeEnv, buildCodeEnv } = await import("@/lib/code-envs/mutations");
  const { dockerClient } = await import("@/lib/docker/connection");
  const { killAndRemoveContainer } = await import("@/lib/docker/containers");
  const { subscribeRunChanges } = await import("./events");
  const { submitRun } = await import("./submit");
  const { findRun } = await import("./queries");
  const { stopDockerRunWatches } = await import("./docker");

  const suffix = Date.now().toString(36);
  const ids = { admin: 0, alice: 0 };
  const admin = (): Actor => actorForUser(ids.admin)!;

  async function run(mutation: Parameters<typeof executeMutation>[0], input: unknown, actor = admin()) {
    const result = await executeMutation(mutation, input, actor, "api");
    if (!result.ok) throw new Error(`${result.error} ${JSON.stringify(result.fieldErrors ?? {})}`);
    return result.data as Record<string, unknown>;
  }
  const built = (id: number) =>
    waitUntil(`build ${id} to end`, () => ["pushed", "failed", "cancelled"].includes(findBuild(id)!.status), 300_000);

  /** Resolves with the run once `done` holds, woken by the run's own changes (no polling). */
  function runBecomes(id: string, done: (row: RunRow) => boolean): Promise<RunRow> {
    return new Promise((resolve) => {
      const check = () => {
        const row = findRun(id);
        if (row && done(row)) {
          stop();
          resolve(row);
        }
      };
      const stop = subscribeRunChanges((change) => {
        if (change.id === id) check();
      });
      check();
    });
  }

  beforeAll(() => {
    const db = getDb();
    ids.admin = db
      .insert(schema.users)
      .values({ username: "admin", role: "admin", passwordHash: "x" })
      .returning()
      .get().id;
    ids.alice = db
      .insert(schema.users)
      .values({ username: "alice", role: "user", passwordHash: "x" })
      .returning()
      .get().id;
    const ml = db.insert(schema.groups).values({ name: "ml" }).returning().get().id;
    db.insert(schema.groupMembers).values({ groupId: ml, userId: ids.alice }).run();
    const host = db
      .insert(schema.dockerHosts)
      .values({ name: "local", endpoint: dockerTestEndpoint() })
      .returning()
      .get().id;
    db.insert(schema.dockerHostGrants).values({ dockerHostId: host, groupId: ml, level: "use" }).run();
  });

  afterAll(async () => {
    stopBuildRunner();
    stopDockerRunWatches();
    const engine = dockerClient({ endpoint: dockerTestEndpoint() });
    for (const row of getDb().select().from(schema.runs).all())
      for (const id of row.containers) await killAndRemoveContainer(engine, id);
  });

  it("imports both packages of the code env: the output and exit code 0 come from the container", async () => {
    const base = `py-base-${suffix}`;
    await run(createBaseImage, {
      name: base,
      fromImage: testBaseImage(),
      pythonVersions: ["3.11"],
      registry: { url: testRegistry(), repository: "berth-test/code-env-run-base" },
    });
    const baseBuild = await run(buildBaseImage, { baseImage: base, dockerHost: "local" });
    ensureBuildRunner();
    await built(baseBuild.id as number);
    expect(findBuild(baseBuild.id as number)).toMatchObject({ status: "pushed" });

    const config = `docker-py-${suffix}`;
    const created = await run(createExecutionConfig, {
      name: config,
      engine: "docker",
      dockerHost: "local",
      usableBy: { groups: ["ml"] },
      image: baseImageImage(base),
      resources: { requests: {}, limits: { cpu: "1", memory: "256Mi" } },
    });
    const db = getDb();
    const project = db
      .insert(schema.projects)
      .values({ key: "churn", name: "churn", executionConfigId: created.id as number })
      .returning()
      .get().id;
    const ml = db.select().from(schema.groups).get()!.id;
    db.insert(schema.projectMembers).values({ projectId: project, groupId: ml, role: "contributor" }).run();

    const env = `two-${suffix}`;
    await run(createCodeEnv, {
      name: env,
      language: "python",
      packages: ["six==1.17.0", "idna==3.10"],
      buildFor: { executionConfigs: [config], sparkConfigs: "none" },
    });
    const queued = (await run(buildCodeEnv, { codeEnv: env, dockerHost: "local" })).queued as { id: number }[];
    expect(queued).toHaveLength(1);
    ensureBuildRunner();
    await built(queued[0].id);
    expect(findBuild(queued[0].id)).toMatchObject({ status: "pushed", reason: null });

    const submitted = await run(
      submitRun,
      {
        project: "churn",
        activity: "python-recipe",
        codeEnv: env,
        script: "import six, idna\nprint('six', six.__version__)\nprint('idna', idna.__version__)",
      },
      actorForUser(ids.alice)!,
    );
    const ended = await runBecomes(submitted.id as string, (row) =>
      ["succeeded", "failed", "aborted", "lost"].includes(row.status),
    );
    expect(ended).toMatchObject({ status: "succeeded", exitCode: 0, reason: null, codeEnv: env, dockerHost: "local" });
    expect(ended.logTail).toBe("six 1.17.0\nidna 3.10\n");
    const container = await dockerClient({ endpoint: dockerTestEndpoint() })
      .getContainer(ended.containers[0])
      .inspect();
    expect(container.State.ExitCode).toBe(0);
    expect(container.Config.Image).toBe(findBuild(queued[0].id)!.image);
  }, 600_000);
});
