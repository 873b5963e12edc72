import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { adminKubeConfig, onSimulatorOnly } from "@/test/support/cluster-kind";
import { waitUntil } from "@/test/support/wait";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-image-builds-"));

describe("image builds against the simulated cluster", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { clusters, users, imageBuilds, settings } = await import("@/db/schema");
  const { eq } = await import("drizzle-orm");
  const { CoreV1Api } = await import("@kubernetes/client-node");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig, kubeClients } = await import("@/lib/kube/client");
  const { queueBuild, findBuild, toBuildView, BUILD_NAMESPACE } = await import("./builds");
  const { ensureBuildRunner, stopBuildRunner, cancelBuild, buildLogStream } = await import("./build-runner");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  let clusterId = 0;
  let userId = 0;
  const simOnly = onSimulatorOnly(
    "the simulator plays Kaniko (build steps, log, digest, push); kwok runs the build pod but builds nothing",
  );

  beforeAll(() => {
    const db = getDb();
    userId = db.insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).returning().get().id;
    clusterId = db
      .insert(clusters)
      .values({
        name: "sim",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://sim",
      })
      .returning()
      .get().id;
  });
  afterAll(() => stopBuildRunner());

  const queue = (dockerfile: string, image: string) => {
    const row = getDb().transaction((tx) =>
      queueBuild(tx, { kind: "base-image", dockerfile, image, clusterId, startedBy: userId }),
    );
    ensureBuildRunner();
    return row.id;
  };

  async function waitFor(id: number, statuses: string[], timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const build = findBuild(id)!;
      if (statuses.includes(build.status)) return build;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`build ${id} is still ${findBuild(id)!.status}`);
  }

  simOnly("runs a build queued → running → pushed with a digest, and cleans up its objects", async () => {
    const id = queue("FROM python:3.12-slim\nRUN pip install numpy\nENV A=1\n", "registry.example/team/base:t1");
    expect(findBuild(id)!.status).toBe("queued");
    const running = await waitFor(id, ["running", "pushed"]);
    expect(running.jobName).toMatch(new RegExp(`^berth-build-${id}-[0-9a-f]{6}$`));
    const pushed = await waitFor(id, ["pushed", "failed"]);
    expect(pushed).toMatchObject({ status: "pushed", reason: null });
    expect(pushed.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(pushed.logTail).toContain("RUN pip install numpy");
    const view = toBuildView(pushed);
    expect(view).toMatchObject({
      id,
      status: "pushed",
      cluster: "sim",
      startedBy: "admin",
      image: "registry.example/team/base:t1",
    });
    expect(view.durationMs).toBeGreaterThan(0);
    const { core } = kubeClients(getDb().select().from(clusters).get()!);
    await expect(
      core.readNamespacedConfigMap({ namespace: BUILD_NAMESPACE, name: `${running.jobName}-context` }),
    ).rejects.toMatchObject({ code: 404 });
    await expect(
      core.readNamespacedSecret({ namespace: BUILD_NAMESPACE, name: `${running.jobName}-registry` }),
    ).rejects.toMatchObject({ code: 404 });
    const lines: string[] = [];
    for await (const line of buildLogStream(id, { follow: true, signal: new AbortController().signal }))
      lines.push(line);
    expect(lines.join("\n")).toContain("Pushed registry.example/team/base@sha256:");
  });

  simOnly("fails a build whose RUN fails, naming the failing step", async () => {
    const id = queue(
      "FROM python:3.12-slim\nRUN echo ok\nRUN make all # berth-sim: fail\nRUN echo never\n",
      "registry.example/team/base:t2",
    );
    const failed = await waitFor(id, ["pushed", "failed"]);
    expect(failed.status).toBe("failed");
    expect(failed.reason).toContain("RUN make all # berth-sim: fail");
    expect(failed.reason).toContain("error building image");
    expect(failed.digest).toBeNull();
  });

  simOnly("streams a running build's log line by line while it is written", async () => {
    const steps = Array.from({ length: 12 }, (_, index) => `RUN echo step-${index}`).join("\n");
    const id = queue(`FROM python:3.12-slim\n${steps}\n`, "registry.example/team/base:t3");
    const arrivals: number[] = [];
    const lines: string[] = [];
    for await (const line of buildLogStream(id, { follow: true, signal: new AbortController().signal })) {
      lines.push(line);
      arrivals.push(Date.now());
    }
    expect(lines.some((line) => line.includes("RUN echo step-11"))).toBe(true);
    // Lines arrive over time, not in one burst at the end.
    expect(arrivals[arrivals.length - 1] - arrivals[0]).toBeGreaterThan(1500);
    await waitFor(id, ["pushed"]);
  });

  it("cancels a running build (its Job is deleted, also where its log cannot be read) and queues a third build beyond the limit of 2", async () => {
    const slow = Array.from({ length: 40 }, (_, index) => `RUN echo slow-${index}`).join("\n");
    const ids = [1, 2, 3].map((n) => queue(`FROM python:3.12-slim\n${slow}\n`, `registry.example/team/slow:${n}`));
    await waitFor(ids[0], ["running"]);
    await waitFor(ids[1], ["running"]);
    // A pass takes builds in id order: one that claims a later build on another cluster has
    // already weighed the third build here, with both others running, and left it queued.
    const otherCluster = getDb()
      .insert(clusters)
      .values({
        name: "sim-other",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://sim",
      })
      .returning()
      .get().id;
    const witness = getDb().transaction((tx) =>
      queueBuild(tx, {
        kind: "base-image",
        dockerfile: `FROM python:3.12-slim\n${slow}\n`,
        image: "registry.example/team/slow:witness",
        clusterId: otherCluster,
        startedBy: userId,
      }),
    ).id;
    ensureBuildRunner();
    await waitUntil("the runner to claim the build on the other cluster", () => findBuild(witness)!.jobName !== null);
    expect(findBuild(ids[2])).toMatchObject({ status: "queued", jobName: null });
    await cancelBuild(witness);
    const cancelled = await cancelBuild(ids[0]);
    expect(cancelled.status).toBe("cancelled");
    const { batch } = kubeClients(getDb().select().from(clusters).get()!);
    await expect(
      batch.readNamespacedJob({ namespace: BUILD_NAMESPACE, name: cancelled.jobName! }),
    ).rejects.toMatchObject({ code: 404 });
    await waitFor(ids[2], ["running"]);
    await cancelBuild(ids[1]);
    await cancelBuild(ids[2]);
    await expect(cancelBuild(ids[2])).rejects.toMatchObject({ status: 409 });
    expect(
      getDb()
        .select()
        .from(imageBuilds)
        .all()
        .filter((build) => ids.includes(build.id) && build.status === "cancelled"),
    ).toHaveLength(3);
  });

  /** Runs `body` with a build setting set, and puts the default back after. */
  async function withSetting(key: string, value: unknown, body: () => Promise<void>) {
    getDb().insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
    try {
      await body();
    } finally {
      getDb().delete(settings).where(eq(settings.key, key)).run();
    }
  }

  it("fails a build whose pod the namespace's quota refuses, naming the quota, instead of leaving it queued", async () => {
    // A namespace of its own, so the quota refuses no other suite's builds.
    const namespace = `berth-builds-quota-${process.pid}`;
    const admin = adminKubeConfig().makeApiClient(CoreV1Api);
    await admin.createNamespace({ body: { metadata: { name: namespace } } });
    // Requires a CPU limit on every container; the default build resources set none.
    await admin.createNamespacedResourceQuota({
      namespace,
      body: { metadata: { name: "build-quota" }, spec: { hard: { "limits.cpu": "8", "limits.memory": "16Gi" } } },
    });
    // The apiserver admits pods against a quota only once its controller has written its status.
    for (
      let quota = await admin.readNamespacedResourceQuota({ namespace, name: "build-quota" });
      !quota.status?.hard;
      quota = await admin.readNamespacedResourceQuota({ namespace, name: "build-quota" })
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    try {
      await withSetting("buildNamespace", namespace, async () => {
        const id = queue("FROM python:3.12-slim\nRUN echo refused\n", "registry.example/team/base:quota");
        const failed = await waitFor(id, ["failed", "pushed"], 45_000);
        expect(failed.status).toBe("failed");
        expect(failed.namespace).toBe(namespace);
        expect(failed.reason).toContain("quota build-quota");
        expect(failed.reason).toContain("limits.cpu");
        // Nothing is left behind: the refused Job is gone.
        await expect(
          adminKubeConfig()
            .makeApiClient((await import("@kubernetes/client-node")).BatchV1Api)
            .readNamespacedJob({ namespace, name: failed.jobName! }),
        ).rejects.toMatchObject({ code: 404 });
      });
    } finally {
      await admin.deleteNamespace({ name: namespace });
    }
  });

  simOnly(
    "builds with rootless BuildKit when it is the executor: pushed with its digest, log kept, a failing RUN named",
    async () => {
      // A namespace Berth creates itself, at the Pod Security level rootless BuildKit needs.
      const namespace = `berth-builds-buildkit-${process.pid}`;
      await withSetting("buildNamespace", namespace, () =>
        withSetting("buildExecutor", "buildkit", async () => {
          const id = queue("FROM python:3.12-slim\nRUN pip install numpy\nENV A=1\n", "registry.example/team/base:bk1");
          const pushed = await waitFor(id, ["pushed", "failed"]);
          expect(pushed).toMatchObject({ status: "pushed", reason: null, executor: "buildkit", namespace });
          expect(pushed.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
          expect(pushed.logTail).toContain("[2/2] RUN pip install numpy");
          expect(pushed.logTail).toContain(`pushing manifest for registry.example/team/base:bk1@${pushed.digest}`);
          const failing = queue(
            "FROM python:3.12-slim\nRUN echo ok\nRUN make all # berth-sim: fail\n",
            "registry.example/team/base:bk2",
          );
          const failed = await waitFor(failing, ["pushed", "failed"]);
          expect(failed.status).toBe("failed");
          expect(failed.reason).toContain("RUN make all # berth-sim: fail — error: failed to solve: process");
        }),
      );
      const labels = (await adminKubeConfig().makeApiClient(CoreV1Api).readNamespace({ name: namespace })).metadata
        ?.labels;
      expect(labels?.["pod-security.kubernetes.io/enforce"]).toBe("privileged");
      await adminKubeConfig().makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
    },
  );

  it("fails a BuildKit build in a namespace whose Pod Security level refuses it, saying what it needs", async () => {
    const namespace = `berth-builds-baseline-${process.pid}`;
    const admin = adminKubeConfig().makeApiClient(CoreV1Api);
    await admin.createNamespace({
      body: { metadata: { name: namespace, labels: { "pod-security.kubernetes.io/enforce": "baseline" } } },
    });
    try {
      await withSetting("buildNamespace", namespace, () =>
        withSetting("buildExecutor", "buildkit", async () => {
          const id = queue("FROM python:3.12-slim\nRUN echo refused\n", "registry.example/team/base:bk3");
          const failed = await waitFor(id, ["failed", "pushed"], 45_000);
          expect(failed.status).toBe("failed");
          expect(failed.reason).toContain(`Pod Security "baseline" of namespace ${namespace} refuses `);
          expect(failed.reason).toContain(
            'seccompProfile (container "buildkit" must not set securityContext.seccompProfile.type to "Unconfined")',
          );
          expect(failed.reason).toContain('rootless BuildKit needs Pod Security "privileged"');
        }),
      );
    } finally {
      await admin.deleteNamespace({ name: namespace });
    }
  });
});
