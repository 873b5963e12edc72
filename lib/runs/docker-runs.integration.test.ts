import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { RunRow } from "@/db/schema";
import type { Actor } from "@/lib/permissions";
import { dockerTestEndpoint, testBaseImage } from "@/test/support/docker-engine";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-docker-runs-"));

describe("runs on a Docker host (a real engine)", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { dockerClient } = await import("@/lib/docker/connection");
  const { inspectContainer, killAndRemoveContainer, waitContainer } = await import("@/lib/docker/containers");
  const { subscribeRunChanges } = await import("./events");
  const { submitRun } = await import("./submit");
  const { abortRun } = await import("./abort");
  const { findRun } = await import("./queries");
  const { runLogLines } = await import("./logs");
  const { liveRunSource } = await import("./live");
  const { toRunView } = await import("./views");
  const { cleanUpFinishedRuns } = await import("./retention");
  const { reconcileDockerRuns, stopDockerRunWatches } = await import("./docker");

  const engine = dockerClient({ endpoint: dockerTestEndpoint() });
  const ids = { alice: 0, host: 0 };
  const actor = (): Actor => actorForUser(ids.alice)!;

  /** Resolves with the run once `done` holds, woken by the run's own changes (no polling). */
  function runBecomes(id: string, done: (run: RunRow) => boolean): Promise<RunRow> {
    return new Promise((resolve) => {
      const check = () => {
        const run = findRun(id);
        if (run && done(run)) {
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
  const ended = (run: RunRow) => ["succeeded", "failed", "aborted", "lost"].includes(run.status);

  async function submit(input: Record<string, unknown>): Promise<RunRow> {
    const result = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", ...input },
      actor(),
      "api",
    );
    if (!result.ok) throw new Error(`${result.error} ${JSON.stringify(result.fieldErrors ?? {})}`);
    return findRun(result.data.id)!;
  }

  async function logText(run: RunRow): Promise<string> {
    const lines: string[] = [];
    for await (const line of runLogLines(findRun(run.id)!, liveRunSource(run), {
      follow: false,
      signal: new AbortController().signal,
    }))
      lines.push(line);
    return lines.join("\n");
  }

  beforeAll(async () => {
    const db = getDb();
    const admin = db
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
    ids.host = db
      .insert(schema.dockerHosts)
      .values({ name: "local-engine", endpoint: dockerTestEndpoint() })
      .returning()
      .get().id;
    db.insert(schema.dockerHostGrants).values({ dockerHostId: ids.host, groupId: ml, level: "use" }).run();
    const config = async (name: string, memory: string, image = testBaseImage()) => {
      const created = await executeMutation(
        createExecutionConfig,
        {
          name,
          engine: "docker",
          dockerHost: "local-engine",
          usableBy: { groups: ["ml"] },
          image,
          resources: { requests: {}, limits: { cpu: "1", memory } },
        },
        actorForUser(admin)!,
        "api",
      );
      if (!created.ok) throw new Error(`${created.error} ${JSON.stringify(created.fieldErrors)}`);
      return created.data.id;
    };
    const python = await config("docker-python", "256Mi");
    await config("docker-tiny", "32Mi");
    // Nothing listens on port 1: the engine's pull fails at once.
    await config("docker-missing", "64Mi", "127.0.0.1:1/berth/missing:1");
    const project = db
      .insert(schema.projects)
      .values({ key: "churn", name: "churn", executionConfigId: python })
      .returning()
      .get().id;
    db.insert(schema.projectMembers).values({ projectId: project, groupId: ml, role: "contributor" }).run();
  });

  afterAll(async () => {
    stopDockerRunWatches();
    for (const run of getDb().select().from(schema.runs).all())
      for (const id of run.containers) await killAndRemoveContainer(engine, id);
  });

  it("runs a Python script for real: its output and exit code come from the container", async () => {
    const submitted = await submit({
      script: "import platform\nprint('hello from a container')\nprint('python', platform.python_version())",
    });
    expect(submitted).toMatchObject({
      workload: "docker-container",
      dockerHost: "local-engine",
      cluster: "",
      clusterId: null,
    });
    const run = await runBecomes(submitted.id, ended);
    expect(run).toMatchObject({ status: "succeeded", exitCode: 0, reason: null });
    expect(run.containers).toHaveLength(1);
    const state = await inspectContainer(engine, run.containers[0]);
    expect(state).toMatchObject({
      exitCode: 0,
      labels: expect.objectContaining({
        "berth.dev/run": run.id,
        "berth.dev/project": "churn",
        "berth.dev/user": "alice",
        "app.kubernetes.io/managed-by": "berth",
      }),
    });
    expect(run.logTail).toMatch(/^hello from a container\npython 3\.11\.\d+\n$/);
    expect(await logText(run)).toMatch(/^hello from a container\npython 3\.11\.\d+$/);
    const view = toRunView(run);
    expect(view).toMatchObject({
      workload: "docker-container",
      dockerHost: "local-engine",
      containers: run.containers,
      pods: [],
      status: "succeeded",
      exitCode: 0,
    });
    expect(run.timeline.map((step) => step.status)).toEqual(expect.arrayContaining(["queued", "succeeded"]));
  });

  it("removes a finished run's container when its retention is over, keeping its log tail", async () => {
    const submitted = await submit({ script: "print('kept after cleanup')" });
    const run = await runBecomes(submitted.id, ended);
    const id = run.containers[0];
    expect(await inspectContainer(engine, id)).not.toBeNull();
    // Long after every run here finished: all of them fall due.
    await cleanUpFinishedRuns(new Date(Date.now() + 48 * 3600_000));
    expect(await inspectContainer(engine, id)).toBeNull();
    const cleaned = findRun(run.id)!;
    expect(cleaned.cleanedUpAt).not.toBeNull();
    expect(await logText(cleaned)).toBe("kept after cleanup");
  });

  it("ends a failing script failed with its exit code", async () => {
    const submitted = await submit({ script: "import sys\nprint('about to fail', flush=True)\nsys.exit(3)" });
    const run = await runBecomes(submitted.id, ended);
    expect(run).toMatchObject({ status: "failed", exitCode: 3, reason: "Exited with code 3" });
    expect(run.logTail).toBe("about to fail\n");
  });

  it("ends an over-memory run with the reason the engine gives (OOMKilled, or SIGKILL under the limit)", async () => {
    // The engine's helpers write an `oom` marker where they run: never into the checkout.
    const marker = path.join(process.cwd(), "oom");
    fs.rmSync(marker, { force: true });
    const submitted = await submit({
      executionConfig: "docker-tiny",
      script: "x = bytearray(512 * 1024 * 1024)\nprint(len(x))",
    });
    const run = await runBecomes(submitted.id, ended);
    expect(run.status).toBe("failed");
    expect(run.exitCode).toBe(137);
    // podman 4.3 with runc on cgroup v1 kills the process (SIGKILL) but leaves State.OOMKilled false.
    expect(run.reason).toMatch(
      /^(OOMKilled: the container used more memory than its limit \(limit 32 MiB\)|Killed \(exit code 137, SIGKILL\): most likely out of memory \(limit 32 MiB\); the engine did not report OOMKilled)$/,
    );
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("fails a run whose image cannot be pulled, in the engine's words", async () => {
    const submitted = await submit({ executionConfig: "docker-missing", script: "print(1)" });
    expect(submitted).toMatchObject({ status: "failed", containers: [] });
    expect(submitted.reason).toMatch(
      /^The image 127\.0\.0\.1:1\/berth\/missing:1 could not be pulled: .*connection refused/,
    );
  });

  it("refuses a user whose groups lost use of the Docker host (403), creating nothing", async () => {
    const db = getDb();
    db.delete(schema.dockerHostGrants).run();
    try {
      const result = await executeMutation(
        submitRun,
        { project: "churn", activity: "python-recipe", script: "print(1)" },
        actor(),
        "api",
      );
      expect(result).toMatchObject({ ok: false, status: 403, error: "group ml may not use Docker host local-engine" });
    } finally {
      const ml = db.select().from(schema.groups).get()!.id;
      db.insert(schema.dockerHostGrants).values({ dockerHostId: ids.host, groupId: ml, level: "use" }).run();
    }
  });

  it("refuses a reserved env name before anything reaches the engine", async () => {
    const result = await executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", script: "print(1)", env: { KUBERNETES_SERVICE_HOST: "evil" } },
      actor(),
      "api",
    );
    expect(result).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { env: [expect.stringContaining("KUBERNETES_SERVICE_HOST")] },
    });
  });

  it("aborts a running container: killed and removed, the engine confirms it is gone", async () => {
    const submitted = await submit({ script: "import time\nprint('working', flush=True)\ntime.sleep(3600)" });
    const running = await runBecomes(submitted.id, (run) => run.status === "running");
    const id = running.containers[0];
    // The run's log, followed while the container runs, until its first line arrives.
    const following = new AbortController();
    for await (const line of runLogLines(running, liveRunSource(running), { follow: true, signal: following.signal })) {
      expect(line).toBe("working");
      break;
    }
    following.abort();
    expect((await inspectContainer(engine, id))!.running).toBe(true);
    const aborted = await executeMutation(abortRun, { id: running.id }, actor(), "api");
    expect(aborted).toMatchObject({ ok: true, data: { status: "aborted", reason: "Aborted by alice" } });
    expect(await inspectContainer(engine, id)).toBeNull();
    expect(findRun(running.id)).toMatchObject({ status: "aborted", logTail: "working\n" });
  });

  it("after a console restart, reconciles live runs from the engine by Berth's labels", async () => {
    // The script is PID 1 in its container: it ends on SIGTERM only with its own handler.
    const ends = await submit({
      script:
        "import signal, sys, time\nsignal.signal(signal.SIGTERM, lambda *_: sys.exit(5))\nprint('long', flush=True)\ntime.sleep(3600)",
    });
    const vanishes = await submit({ script: "import time\ntime.sleep(3600)" });
    const endsRunning = await runBecomes(ends.id, (run) => run.status === "running");
    const vanishesRunning = await runBecomes(vanishes.id, (run) => run.status === "running");
    // The console stops watching; meanwhile one container ends and the other is removed.
    stopDockerRunWatches();
    await engine.getContainer(endsRunning.containers[0]).kill({ signal: "SIGTERM" });
    expect(await waitContainer(engine, endsRunning.containers[0])).toMatchObject({ exitCode: 5 });
    await engine.getContainer(vanishesRunning.containers[0]).remove({ force: true });
    expect(findRun(ends.id)!.status).toBe("running");
    expect(findRun(vanishes.id)!.status).toBe("running");

    await reconcileDockerRuns();
    expect(findRun(ends.id)).toMatchObject({
      status: "failed",
      exitCode: 5,
      reason: "Exited with code 5",
      logTail: "long\n",
    });
    expect(findRun(vanishes.id)).toMatchObject({
      status: "lost",
      reason: "The container was removed from Docker host local-engine outside Berth",
    });
  });
});
