import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { dockerTestEndpoint, testBaseImage, testRegistry } from "@/test/support/docker-engine";
import { waitUntil } from "@/test/support/wait";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-docker-host-builds-"));

describe("image builds on a Docker host", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { dockerHosts, users } = await import("@/db/schema");
  const { queueBuild, findBuild } = await import("./builds");
  const { ensureBuildRunner, stopBuildRunner, cancelBuild, buildLogStream } = await import("./build-runner");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const mutations = await import("./mutations");
  const { findBaseImage, toBaseImageView } = await import("./queries");
  let dockerHostId = 0;
  let userId = 0;
  const suffix = Date.now().toString(36);

  beforeAll(() => {
    const db = getDb();
    userId = db.insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).returning().get().id;
    dockerHostId = db
      .insert(dockerHosts)
      .values({ name: "local", endpoint: dockerTestEndpoint() })
      .returning()
      .get().id;
  });
  afterAll(() => stopBuildRunner());

  const queue = (dockerfile: string, image: string) => {
    const row = getDb().transaction((tx) =>
      queueBuild(tx, { kind: "base-image", dockerfile, image, clusterId: null, dockerHostId, startedBy: userId }),
    );
    ensureBuildRunner();
    return row.id;
  };
  const ended = (id: number) =>
    waitUntil(`build ${id} to end`, () => ["pushed", "failed", "cancelled"].includes(findBuild(id)!.status), 120_000);

  it("builds on the engine and pushes: pushed with the registry's digest and the build's log", async () => {
    const repository = `berth-test/host-build-${suffix}`;
    const id = queue(
      `FROM ${testBaseImage()}\nRUN echo "built on the host" > /built\n`,
      `${testRegistry()}/${repository}:v1`,
    );
    await ended(id);
    const build = findBuild(id)!;
    expect(build).toMatchObject({ status: "pushed", executor: "docker", reason: null });
    const manifest = await fetch(`http://${testRegistry()}/v2/${repository}/manifests/v1`, {
      method: "HEAD",
      headers: {
        Accept: "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
      },
    });
    expect(build.digest).toBe(manifest.headers.get("docker-content-digest"));
    expect(build.logTail).toContain('RUN echo "built on the host" > /built');
    expect(build.startedAt).not.toBeNull();
  });

  it("a failing step fails the build with the step and its output as the reason", async () => {
    const id = queue(
      `FROM ${testBaseImage()}\nRUN echo "E: Unable to locate package nope" >&2; exit 100\n`,
      `${testRegistry()}/berth-test/host-fail-${suffix}:v1`,
    );
    await ended(id);
    const build = findBuild(id)!;
    expect(build.status).toBe("failed");
    expect(build.reason).toContain("failed at step 2/2");
    expect(build.reason).toContain("exited with code 100");
    expect(build.reason).toContain("E: Unable to locate package nope");
    expect(build.logTail).toContain("E: Unable to locate package nope");
  });

  it("the base image's build action queues it on a named Docker host, and the pushed build becomes current", async () => {
    const admin: Actor = { id: userId, username: "admin", role: "admin", groups: [] };
    const run = (mutation: Parameters<typeof executeMutation>[0], input: unknown, actor: Actor = admin) =>
      executeMutation(mutation, input, actor, "api");
    const name = `host-built-${suffix}`;
    const created = await run(mutations.createBaseImage, {
      name,
      fromImage: testBaseImage(),
      pythonVersions: ["3.11"],
      registry: { url: testRegistry(), repository: "berth-test/host-built" },
    });
    expect(created).toMatchObject({ ok: true });

    expect(await run(mutations.buildBaseImage, { baseImage: name, dockerHost: "nope" })).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { dockerHost: ['No Docker host named "nope"'] },
    });

    const queued = await run(mutations.buildBaseImage, { baseImage: name, dockerHost: "local" });
    expect(queued).toMatchObject({ ok: true, data: { status: "queued", dockerHost: "local", cluster: null } });
    const id = queued.ok ? (queued.data as { id: number }).id : 0;
    await ended(id);
    expect(findBuild(id)).toMatchObject({ status: "pushed", reason: null });
    expect(toBaseImageView(findBaseImage(name)!)).toMatchObject({ currentBuild: { id, status: "pushed" } });
  }, 300_000);

  it("a code env for a config on a Docker-host-built base image builds there too, and its image imports the packages", async () => {
    const admin: Actor = { id: userId, username: "admin", role: "admin", groups: [] };
    const run = (mutation: Parameters<typeof executeMutation>[0], input: unknown) =>
      executeMutation(mutation, input, admin, "api");
    const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
    const { createCodeEnv, buildCodeEnv } = await import("@/lib/code-envs/mutations");
    const { baseImageImage } = await import("./base-image-ref");
    const { dockerClient } = await import("@/lib/docker/connection");
    const base = `py-debian-${suffix}`;
    expect(
      await run(mutations.createBaseImage, {
        name: base,
        fromImage: testBaseImage(),
        pythonVersions: ["3.11"],
        registry: { url: testRegistry(), repository: "berth-test/domain-base" },
      }),
    ).toMatchObject({ ok: true });
    const baseBuild = await run(mutations.buildBaseImage, { baseImage: base, dockerHost: "local" });
    await ended(baseBuild.ok ? (baseBuild.data as { id: number }).id : 0);
    expect(toBaseImageView(findBaseImage(base)!)).toMatchObject({ currentBuild: { status: "pushed" } });

    expect(
      await run(createExecutionConfig, { name: `py-${suffix}`, image: baseImageImage(base), namespace: "berth-test" }),
    ).toMatchObject({ ok: true });
    expect(
      await run(createCodeEnv, {
        name: `two-${suffix}`,
        language: "python",
        packages: ["six==1.17.0", "idna"],
        buildFor: { executionConfigs: [`py-${suffix}`], sparkConfigs: "none" },
      }),
    ).toMatchObject({ ok: true });
    expect(await run(buildCodeEnv, { codeEnv: `two-${suffix}`, dockerHost: "nope" })).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { dockerHost: ['No Docker host named "nope"'] },
    });
    const built = await run(buildCodeEnv, { codeEnv: `two-${suffix}`, dockerHost: "local" });
    if (!built.ok) throw new Error(JSON.stringify(built));
    const [queuedBuild] = (built.data as { queued: { id: number; image: string }[] }).queued;
    ensureBuildRunner();
    await ended(queuedBuild.id);
    expect(findBuild(queuedBuild.id)).toMatchObject({ status: "pushed", dockerHostId, clusterId: null });

    const docker = dockerClient({ endpoint: dockerTestEndpoint() });
    const container = await docker.createContainer({
      Image: queuedBuild.image,
      Cmd: ["python", "-c", "import six, idna; print(six.__version__)"],
      Labels: { "berth.dev/test": "docker-host-builds" },
    });
    try {
      await container.start();
      await container.wait();
      expect((await container.inspect()).State.ExitCode).toBe(0);
      expect((await container.logs({ stdout: true, stderr: true })).toString("utf8")).toContain("1.17.0");
    } finally {
      await container.remove({ force: true });
    }
  }, 400_000);

  it("follows a running build's log live; cancelling stops it, ends the log and it stays cancelled", async () => {
    const id = queue(
      `FROM ${testBaseImage()}\nRUN echo started && sleep 600\n`,
      `${testRegistry()}/berth-test/host-cancel-${suffix}:v1`,
    );
    await waitUntil("the build to start", () => findBuild(id)!.status === "running", 60_000);
    const followed: string[] = [];
    const stream = buildLogStream(id, { follow: true, signal: new AbortController().signal });
    for await (const line of stream) {
      followed.push(line);
      if (line === "started") break;
    }
    expect(followed).toContain("STEP 2/2: RUN echo started && sleep 600");
    await waitUntil("the log tail to be stored", () => (findBuild(id)!.logTail ?? "").includes("started"), 10_000);
    const rest = buildLogStream(id, { follow: true, signal: new AbortController().signal });
    const restDone = (async () => {
      for await (const line of rest) followed.push(line);
    })();
    expect((await cancelBuild(id)).status).toBe("cancelled");
    // The follower ends once the aborted build lets go.
    await restDone;
    // The runner sees the aborted build end and must not overwrite the cancel.
    await waitUntil(
      "the runner to let go of the build",
      async () => !(await import("./build-runner")).dockerBuildInFlight(id),
      30_000,
    );
    expect(findBuild(id)!.status).toBe("cancelled");
  });
});
