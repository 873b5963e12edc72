import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import type { Actor } from "@/lib/permissions";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-code-envs-"));
const admin: Actor = { id: 1, username: "admin", role: "admin", groups: ["ml"] };
const user: Actor = { id: 2, username: "bob", role: "user", groups: ["ml"] };
const GPU_IMAGE = "registry.example.com/team/gpu-base:1.0";

describe("code envs built on the simulated cluster", async () => {
  // Before the server modules load: they open the database in this data dir.
  process.env.BERTH_DATA_DIR = dataDir;
  const { getDb } = await import("@/db");
  const { clusters, groups, users, imageBuilds } = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig } = await import("@/lib/kube/client");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { findExecutionConfig } = await import("@/lib/execution-configs/queries");
  const { previewExecutionConfig } = await import("@/lib/execution-configs/preview");
  const { ensureBuildRunner, stopBuildRunner } = await import("@/lib/images/build-runner");
  const { findBuild } = await import("@/lib/images/builds");
  const { buildBaseImage, createBaseImage } = await import("@/lib/images/mutations");
  const { listAuditEvents } = await import("@/lib/audit/queries");
  const mutations = await import("./mutations");
  const { findCodeEnv, toCodeEnvView, codeEnvYaml } = await import("./queries");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");

  const run = (mutation: Parameters<typeof executeMutation>[0], input: unknown, actor: Actor = admin) =>
    executeMutation(mutation, input, actor, "api");

  async function waitFor(id: number, statuses: string[], timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const build = findBuild(id)!;
      if (statuses.includes(build.status)) return build;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`build ${id} is still ${findBuild(id)!.status}`);
  }

  async function build(codeEnv: string) {
    const result = await run(mutations.buildCodeEnv, { codeEnv });
    if (!result.ok) throw new Error(result.error);
    ensureBuildRunner();
    return result.data as {
      queued: { id: number; status: string; baseRef: string; image: string }[];
      message: string | null;
    };
  }

  beforeAll(async () => {
    const db = getDb();
    db.insert(users).values({ username: "admin", role: "admin", passwordHash: "x" }).run();
    db.insert(users).values({ username: "bob", role: "user", passwordHash: "x" }).run();
    db.insert(groups).values({ name: "ml" }).run();
    // Named like the embedded cluster: builds of images on external bases run there.
    db.insert(clusters)
      .values({
        name: "embedded",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://sim",
      })
      .run();
    for (const [name, image, gpus] of [
      ["gpu-train", "team/gpu-base:1.0", "1"],
      ["cpu-small", "python:3.12-slim", null],
    ] as const) {
      const created = await run(createExecutionConfig, {
        name,
        image,
        registry: name === "gpu-train" ? "registry.example.com" : "",
        namespace: "berth-${project}",
        resources: gpus
          ? { requests: { cpu: "1", "nvidia.com/gpu": gpus }, limits: { "nvidia.com/gpu": gpus } }
          : { requests: { cpu: "500m" } },
        usableBy: { groups: ["ml"] },
      });
      expect(created.ok).toBe(true);
    }
  });
  afterAll(() => stopBuildRunner());

  it("refuses bad packages and configs that do not exist, each on its field, writing nothing", async () => {
    const result = await run(mutations.createCodeEnv, {
      name: "bad",
      language: "python",
      packages: ["pandas=2.2", "-r req.txt"],
      buildFor: { executionConfigs: ["gpu-train", "ghost"], sparkConfigs: "none" },
    });
    expect(result).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: {
        "packages.0": [`"pandas=2.2": use == for an exact version (pandas==2.2)`],
        "packages.1": [expect.stringContaining("pip options")],
      },
    });
    const unknown = await run(mutations.createCodeEnv, {
      name: "bad",
      language: "python",
      buildFor: { executionConfigs: ["gpu-train", "ghost"], sparkConfigs: ["nope"] },
    });
    expect(unknown).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: {
        "buildFor.executionConfigs.1": ['No execution config named "ghost"'],
        "buildFor.sparkConfigs.0": ['No Spark config named "nope"'],
      },
    });
    expect(findCodeEnv("bad")).toBeUndefined();
    expect(await run(mutations.createCodeEnv, { name: "bad", language: "python" }, user)).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it("builds one image for a GPU config; the preview pod then runs it", async () => {
    const created = await run(mutations.createCodeEnv, {
      name: "torch-env",
      language: "python",
      packages: ["torch==2.5.1"],
      buildFor: { executionConfigs: ["gpu-train"], sparkConfigs: "none" },
    });
    expect(created).toMatchObject({
      ok: true,
      data: { name: "torch-env", version: 1, counts: { missing: 1, stale: 0, current: 0 } },
    });
    const gpu = findExecutionConfig("gpu-train")!;
    expect(() => previewExecutionConfig(user, gpu, { codeEnv: "torch-env" })).toThrow(
      "code env torch-env has no image for config gpu-train: build the code env first",
    );

    const { queued } = await build("torch-env");
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      status: "queued",
      baseRef: GPU_IMAGE,
      image: expect.stringMatching(/^registry\.example\.com\/team\/gpu-base:ce-torch-env-[0-9a-f]{12}$/),
    });
    // Asking again while it builds queues nothing more.
    expect(await build("torch-env")).toMatchObject({
      queued: [],
      message: "The images of code env torch-env that are not current are already being built",
    });

    const pushed = await waitFor(queued[0].id, ["pushed", "failed"]);
    expect(pushed).toMatchObject({ status: "pushed", kind: "code-env", baseRef: GPU_IMAGE });
    expect(pushed.logTail).toContain("pip install");
    expect(pushed.dockerfile).toContain(`FROM ${GPU_IMAGE}\n`);

    const view = toCodeEnvView(findCodeEnv("torch-env")!);
    expect(view.counts).toEqual({ missing: 0, stale: 0, current: 1 });
    expect(view.images[0]).toMatchObject({ status: "current", current: { id: pushed.id, image: queued[0].image } });
    expect(await build("torch-env")).toMatchObject({
      queued: [],
      message: "Every image of code env torch-env is current",
    });

    const preview = previewExecutionConfig(user, gpu, { codeEnv: "torch-env" });
    expect(preview.pod.spec!.containers[0].image).toBe(queued[0].image);
    expect(preview.pod.metadata!.annotations!["berth.dev/image-source"]).toBe("code-env");
    expect(preview.codeEnv).toEqual({ name: "torch-env", image: queued[0].image, buildId: pushed.id, stale: false });
    // Without a code env the config's own image.
    expect(previewExecutionConfig(user, gpu, {}).pod.spec!.containers[0].image).toBe(GPU_IMAGE);
  });

  it("a code env not built for a config is a 422 on codeEnv, and an unknown one too", () => {
    const cpu = findExecutionConfig("cpu-small")!;
    expect(() => previewExecutionConfig(user, cpu, { codeEnv: "torch-env" })).toThrow(
      expect.objectContaining({
        status: 422,
        message: `code env torch-env has no image for config cpu-small: it is not built for it (add it to the code env's "build for")`,
        fieldErrors: { codeEnv: [expect.stringContaining("no image for config cpu-small")] },
      }),
    );
    expect(() => previewExecutionConfig(user, cpu, { codeEnv: "ghost" })).toThrow(
      expect.objectContaining({ status: 422, fieldErrors: { codeEnv: ['No code env named "ghost"'] } }),
    );
    expect(() => previewExecutionConfig(user, cpu, { codeEnv: "torch-env", image: "x:1" })).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it("editing the packages makes the image stale; pods keep the pushed image until the rebuild pushes", async () => {
    const before = findCodeEnv("torch-env")!;
    const oldImage = toCodeEnvView(before).images[0].current!.image;
    const edited = await run(mutations.updateCodeEnv, {
      codeEnv: "torch-env",
      version: before.version,
      packages: ["torch==2.5.1", "numpy<2"],
    });
    expect(edited).toMatchObject({ ok: true, data: { version: 2, counts: { missing: 0, stale: 1, current: 0 } } });
    expect(toCodeEnvView(findCodeEnv("torch-env")!).images[0].reason).toBe(
      "The code env changed since this image was built",
    );
    // A save from the old version is refused with the current one.
    expect(await run(mutations.updateCodeEnv, { codeEnv: "torch-env", version: 1, description: "late" })).toMatchObject(
      { ok: false, status: 409, details: { current: { version: 2 } } },
    );

    const gpu = findExecutionConfig("gpu-train")!;
    expect(previewExecutionConfig(user, gpu, { codeEnv: "torch-env" }).codeEnv).toMatchObject({
      image: oldImage,
      stale: true,
    });

    const outcome = await executeMutation(mutations.rebuildStaleCodeEnvs, {}, admin, "api");
    expect(outcome).toMatchObject({ ok: true, data: [{ codeEnv: "torch-env", queued: [{ status: "queued" }] }] });
    ensureBuildRunner();
    const id = (outcome as { ok: true; data: { queued: { id: number; image: string }[] }[] }).data[0].queued[0].id;
    expect(findBuild(id)!.image).not.toBe(oldImage);

    // Deleting while the build runs is refused.
    expect(await run(mutations.deleteCodeEnv, { codeEnv: "torch-env" })).toMatchObject({
      ok: false,
      status: 409,
      error: expect.stringContaining(`has builds in progress (#${id})`),
    });
    const pushed = await waitFor(id, ["pushed", "failed"]);
    expect(pushed.status).toBe("pushed");
    expect(previewExecutionConfig(user, gpu, { codeEnv: "torch-env" }).codeEnv).toMatchObject({
      image: pushed.image,
      stale: false,
    });
    expect(await executeMutation(mutations.rebuildStaleCodeEnvs, {}, admin, "api")).toEqual({ ok: true, data: [] });
    expect(await executeMutation(mutations.rebuildStaleCodeEnvs, {}, user, "api")).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it("keeps history: restore re-saves an old version (its pushed image is current again), YAML round-trips, delete keeps the build records", async () => {
    const row = findCodeEnv("torch-env")!;
    const created = listAuditEvents({ objectType: "code-env", objectId: String(row.id), limit: 50 }).find(
      (event) => event.action === "code-env.create",
    )!;
    expect(await run(mutations.restoreCodeEnv, { codeEnv: "torch-env", auditEventId: created.id })).toMatchObject({
      ok: true,
      data: { version: 3, packages: ["torch==2.5.1"] },
    });
    // Version 1's inputs were pushed by the first build: current again without a rebuild, on that image.
    const restored = toCodeEnvView(findCodeEnv("torch-env")!);
    expect(restored.counts).toEqual({ missing: 0, stale: 0, current: 1 });
    expect(restored.images[0].current!.id).toBe(getDb().select().from(imageBuilds).all()[0].id);

    const yaml = codeEnvYaml(findCodeEnv("torch-env")!);
    expect(yaml).toContain("kind: CodeEnv");
    const imported = await executeMutation(
      mutations.importCodeEnv,
      { yaml: yaml.replace("name: torch-env", "name: torch-copy") },
      admin,
      "api",
    );
    expect(imported).toMatchObject({ ok: true, data: { name: "torch-copy", version: 1, packages: ["torch==2.5.1"] } });

    expect(await run(mutations.deleteCodeEnv, { codeEnv: "torch-env" })).toMatchObject({ ok: true });
    expect(findCodeEnv("torch-env")).toBeUndefined();
    expect(
      getDb()
        .select()
        .from(imageBuilds)
        .all()
        .filter((build) => build.kind === "code-env"),
    ).toHaveLength(2);
  });

  it("an image is stale once its Berth base image is pushed again; an R env cannot build on a base without R", async () => {
    // A Berth base image pushed at exactly the reference the GPU config pulls.
    expect(
      await run(createBaseImage, {
        name: "gpu-base",
        registry: { url: "registry.example.com", repository: "team/gpu-base" },
        tag: "1.0",
      }),
    ).toMatchObject({ ok: true });
    const pushBase = async () => {
      const queued = await run(buildBaseImage, { baseImage: "gpu-base" });
      if (!queued.ok) throw new Error(queued.error);
      const pushed = await waitFor((queued.data as { id: number }).id, ["pushed", "failed"]);
      expect(pushed).toMatchObject({ status: "pushed", image: GPU_IMAGE });
    };
    await pushBase();

    expect(
      await run(mutations.createCodeEnv, {
        name: "on-base",
        language: "python",
        packages: ["requests"],
        buildFor: { executionConfigs: ["gpu-train"], sparkConfigs: "none" },
      }),
    ).toMatchObject({ ok: true });
    const { queued } = await build("on-base");
    const pushed = await waitFor(queued[0].id, ["pushed", "failed"]);
    // The push uses the base image's registry credentials.
    expect(pushed).toMatchObject({ status: "pushed", baseImageId: expect.any(Number) });
    expect(toCodeEnvView(findCodeEnv("on-base")!).images[0].status).toBe("current");

    await pushBase();
    expect(toCodeEnvView(findCodeEnv("on-base")!).images[0]).toMatchObject({
      status: "stale",
      reason: "Base image gpu-base was pushed again since this image was built",
    });
    expect((await build("on-base")).queued).toHaveLength(1);

    expect(
      await run(mutations.createCodeEnv, {
        name: "r-env",
        language: "r",
        packages: ["data.table"],
        buildFor: { executionConfigs: ["gpu-train"], sparkConfigs: "none" },
      }),
    ).toMatchObject({ ok: true });
    expect(toCodeEnvView(findCodeEnv("r-env")!).images[0].problem).toBe(
      "Code env r-env is an R env, but base image gpu-base has no R support",
    );
    expect(await build("r-env")).toMatchObject({
      queued: [],
      message:
        "Code env r-env cannot be built on its remaining base images: Code env r-env is an R env, but base image gpu-base has no R support",
    });
  });
});
