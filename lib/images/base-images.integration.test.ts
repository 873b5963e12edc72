import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";
import { onSimulatorOnly } from "@/test/support/cluster-kind";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-base-images-"));
const admin: Actor = { id: 1, username: "admin", role: "admin", groups: [] };
const PASSWORD = "Sup3r-Secret-Registry-Pass";

describe("base images", async () => {
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { clusters, users } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { listAuditEvents } = await import("@/lib/audit/queries");
  const { findBuild, buildSettingsView } = await import("./builds");
  const { stopBuildRunner } = await import("./build-runner");
  const mutations = await import("./mutations");
  const { findBaseImage, toBaseImageView, baseImageYaml, baseImageDockerfileOf } = await import("./queries");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const run = (mutation: Parameters<typeof executeMutation>[0], input: unknown, actor: Actor = admin) =>
    executeMutation(mutation, input, actor, "api");

  beforeAll(() => {
    const db = getDb();
    db.insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    db.insert(clusters)
      .values({
        name: "embedded",
        embedded: true,
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://sim",
      })
      .run();
  });
  afterAll(() => stopBuildRunner());

  const body = {
    name: "gpu-r",
    cuda: { version: "12.4" },
    r: true,
    registry: { url: "registry.example.com", repository: "team/gpu-r" },
  };

  it("creates with field errors for every bad input and nothing written", async () => {
    const bad = await run(mutations.createBaseImage, {
      name: "Bad Name",
      cuda: { version: "9" },
      registry: { url: "", repository: "" },
      cluster: "nope",
    });
    expect(bad).toMatchObject({ ok: false, status: 400 });
    if (!bad.ok)
      expect(Object.keys(bad.fieldErrors ?? {})).toEqual(
        expect.arrayContaining(["name", "cuda.version", "registry.url", "registry.repository"]),
      );
    const unknownCluster = await run(mutations.createBaseImage, { ...body, cluster: "nope" });
    expect(unknownCluster).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { cluster: ['No cluster named "nope"'] },
    });
    expect(findBaseImage("gpu-r")).toBeUndefined();
    const created = await run(mutations.createBaseImage, body);
    expect(created).toMatchObject({
      ok: true,
      data: {
        name: "gpu-r",
        version: 1,
        buildCluster: "embedded",
        revisionState: "never-built",
        registryCredentials: { configured: false },
      },
    });
    expect(baseImageDockerfileOf(findBaseImage("gpu-r")!)).toContain("FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04");
  });

  it("refuses a stale edit with the current version, and restores an older one", async () => {
    const ok = await run(mutations.updateBaseImage, { baseImage: "gpu-r", version: 1, systemPackages: ["git"] });
    expect(ok).toMatchObject({ ok: true, data: { version: 2, systemPackages: ["git"] } });
    const stale = await run(mutations.updateBaseImage, { baseImage: "gpu-r", version: 1, systemPackages: ["curl"] });
    expect(stale).toMatchObject({ ok: false, status: 409, details: { current: { version: 2 } } });
    const created = listAuditEvents({
      objectType: "base-image",
      objectId: String(findBaseImage("gpu-r")!.id),
      limit: 10,
    }).find((event) => event.action === "base-image.create")!;
    const restored = await run(mutations.restoreBaseImage, { baseImage: "gpu-r", auditEventId: created.id });
    expect(restored).toMatchObject({ ok: true, data: { version: 3, systemPackages: [] } });
    expect(baseImageYaml(findBaseImage("gpu-r")!)).toContain("kind: BaseImage");
  });

  it("stores registry credentials encrypted and never shows or audits the password", async () => {
    const missing = await run(mutations.setRegistryCredentials, { baseImage: "gpu-r", username: "robot" });
    expect(missing).toMatchObject({ ok: false, fieldErrors: { password: ["Password is required"] } });
    const set = await run(mutations.setRegistryCredentials, {
      baseImage: "gpu-r",
      username: "robot",
      password: PASSWORD,
    });
    expect(set).toMatchObject({ ok: true, data: { registryCredentials: { configured: true, usernames: ["robot"] } } });
    expect(JSON.stringify(set)).not.toContain(PASSWORD);
    expect(JSON.stringify(listAuditEvents({ limit: 100 }))).not.toContain(PASSWORD);
    // The file as another process would read it (WAL included).
    const raw = new Database(path.join(dataDir, "berth.db"), { readonly: true });
    const dump =
      JSON.stringify(raw.prepare("select * from base_images").all()) +
      JSON.stringify(raw.prepare("select * from audit_events").all());
    raw.close();
    expect(dump).not.toContain(PASSWORD);
    expect(dump).not.toContain(Buffer.from(`robot:${PASSWORD}`).toString("base64"));
  });

  onSimulatorOnly(
    "the simulator plays Kaniko (build steps, log, digest, push); kwok runs the build pod but builds nothing",
  )(
    "builds, makes the first pushed build current, and shows 'rebuild needed' after an input changes",
    async () => {
      const queued = await run(mutations.buildBaseImage, { baseImage: "gpu-r" });
      expect(queued).toMatchObject({ ok: true, data: { status: "queued", baseImage: "gpu-r", startedBy: "admin" } });
      const id = queued.ok ? (queued.data as { id: number }).id : 0;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !["pushed", "failed"].includes(findBuild(id)!.status))
        await new Promise((resolve) => setTimeout(resolve, 300));
      const build = findBuild(id)!;
      expect(build.status).toBe("pushed");
      expect(build.logTail ?? "").not.toContain(PASSWORD);
      expect(toBaseImageView(findBaseImage("gpu-r")!)).toMatchObject({
        currentBuild: { id, status: "pushed" },
        revisionState: "up-to-date",
      });
      await run(mutations.updateBaseImage, { baseImage: "gpu-r", systemPackages: ["git"] });
      expect(toBaseImageView(findBaseImage("gpu-r")!).revisionState).toBe("rebuild-needed");
      expect(await run(mutations.markBuildCurrent, { baseImage: "gpu-r", build: id })).toMatchObject({ ok: true });
      expect(await run(mutations.deleteBaseImage, { baseImage: "gpu-r" })).toMatchObject({ ok: true });
      expect(findBuild(id)).toMatchObject({ baseImageId: null, status: "pushed" });
    },
    70_000,
  );

  it("changes the build settings, refusing bad values with field errors", async () => {
    expect(buildSettingsView()).toEqual({
      maxConcurrentBuilds: 2,
      kanikoImage: "gcr.io/kaniko-project/executor:v1.23.2",
      executor: "kaniko",
      buildkitImage: "moby/buildkit:v0.23.2-rootless",
      namespace: "berth-builds",
      resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: null, memory: "4Gi" } },
    });
    const bad = await run(mutations.updateBuildSettings, { maxConcurrentBuilds: 0, kanikoImage: "Not An Image" });
    expect(bad).toMatchObject({ ok: false, status: 400 });
    if (!bad.ok) expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["kanikoImage", "maxConcurrentBuilds"]);
    expect(
      await run(mutations.updateBuildSettings, {
        maxConcurrentBuilds: 3,
        kanikoImage: "mirror.example/kaniko-project/executor:v1.23.2",
      }),
    ).toMatchObject({ ok: true, data: { maxConcurrentBuilds: 3 } });
    expect(await run(mutations.updateBuildSettings, { kanikoImage: null })).toMatchObject({
      ok: true,
      data: { maxConcurrentBuilds: 3, kanikoImage: "gcr.io/kaniko-project/executor:v1.23.2" },
    });
    expect(
      await run(
        mutations.updateBuildSettings,
        { maxConcurrentBuilds: 4 },
        { id: 2, username: "ada", role: "user", groups: [] },
      ),
    ).toMatchObject({ ok: false, status: 403 });
  });

  it("chooses the executor, the build namespace and the builder's requests and limits, with field errors for each bad value", async () => {
    const bad = await run(mutations.updateBuildSettings, {
      executor: "docker",
      buildkitImage: "Not An Image",
      namespace: "Builds_1",
      resources: { requests: { cpu: "lots", memory: "8Gi" }, limits: { cpu: "2", memory: "4Gi" } },
    });
    expect(bad).toMatchObject({ ok: false, status: 400 });
    if (!bad.ok)
      expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual([
        "buildkitImage",
        "executor",
        "namespace",
        "resources.requests.cpu",
        "resources.requests.memory",
      ]);
    const changed = await run(mutations.updateBuildSettings, {
      executor: "buildkit",
      namespace: "ml-builds",
      resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "", memory: null } },
    });
    expect(changed).toMatchObject({
      ok: true,
      data: {
        executor: "buildkit",
        namespace: "ml-builds",
        resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: null, memory: null } },
      },
    });
    const reset = await run(mutations.updateBuildSettings, { executor: null, namespace: null });
    expect(reset).toMatchObject({
      ok: true,
      data: { executor: "kaniko", namespace: "berth-builds", resources: { limits: { memory: null } } },
    });
  });
});
