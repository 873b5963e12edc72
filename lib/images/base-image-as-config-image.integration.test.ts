import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";

const suffix = Math.random().toString(36).slice(2, 7);
const DIGEST_1 = `sha256:${"1".repeat(64)}`;
const DIGEST_2 = `sha256:${"2".repeat(64)}`;

/**
 * An execution config whose image names a base image built in Berth: each run pulls that base
 * image's current revision by digest, read when the run is submitted.
 */
describe("a Berth base image as an execution config's image", async () => {
  process.env.BERTH_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "berth-base-image-config-"));
  const { getDb } = await import("@/db");
  const schema = await import("@/db/schema");
  const { executeMutation } = await import("@/lib/actions/mutation");
  const { encryptSecret } = await import("@/lib/crypto/secret-box");
  const { loadKubeconfig, kubeClients } = await import("@/lib/kube/client");
  const { createExecutionConfig } = await import("@/lib/execution-configs/mutations");
  const { createBaseImage } = await import("@/lib/images/mutations");
  const { submitRun } = await import("@/lib/runs/submit");
  const { actorForUser } = await import("@/lib/auth/actor");
  const { baseImageImage } = await import("./base-image-ref");
  const kubeconfig = fs.readFileSync(inject("kubeconfigPath"), "utf8");
  const db = getDb();
  let admin: NonNullable<ReturnType<typeof actorForUser>>;
  let baseImageId = 0;

  /** A pushed revision of the base image, made current (what a finished build does). */
  const pushRevision = (digest: string) => {
    const build = db
      .insert(schema.imageBuilds)
      .values({
        kind: "base-image",
        baseImageId,
        status: "pushed",
        inputsHash: digest,
        dockerfile: "FROM python:3.12-slim",
        image: "registry.example.com/ml/torch-base:b-0123456789ab",
        digest,
        finishedAt: new Date(),
      })
      .returning()
      .get();
    db.update(schema.baseImages).set({ currentBuildId: build.id }).where(eq(schema.baseImages.id, baseImageId)).run();
  };

  const submit = () =>
    executeMutation(
      submitRun,
      { project: "churn", activity: "python-recipe", executionConfig: "torch", command: ["python", "-c", "print(1)"] },
      admin,
      "api",
    );

  beforeAll(async () => {
    const adminId = db
      .insert(schema.users)
      .values({ username: "admin", role: "admin", passwordHash: "x" })
      .returning()
      .get().id;
    admin = actorForUser(adminId)!;
    const clusterId = db
      .insert(schema.clusters)
      .values({
        name: "sim",
        kubeconfigEncrypted: encryptSecret(kubeconfig),
        context: loadKubeconfig(kubeconfig).getCurrentContext(),
        server: "https://127.0.0.1:6443",
      })
      .returning()
      .get().id;
    const base = await executeMutation(
      createBaseImage,
      {
        name: "torch-base",
        fromImage: "python:3.12-slim",
        registry: { url: "registry.example.com", repository: "ml/torch-base" },
      },
      admin,
      "api",
    );
    if (!base.ok) throw new Error(JSON.stringify(base));
    baseImageId = base.data.id;
    const config = {
      name: "torch",
      image: baseImageImage("torch-base"),
      cluster: "sim",
      namespace: `bic-${suffix}`,
      createNamespace: true,
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    };
    const created = await executeMutation(createExecutionConfig, config, admin, "api");
    if (!created.ok) throw new Error(JSON.stringify(created));
    db.insert(schema.projects)
      .values({ key: "churn", name: "churn", executionConfigId: created.data.id, clusterId })
      .run();
  });

  it("must name a base image that exists", async () => {
    const refused = await executeMutation(
      createExecutionConfig,
      { name: "ghost", image: baseImageImage("nope"), namespace: "x" },
      admin,
      "api",
    );
    expect(refused).toMatchObject({
      ok: false,
      status: 422,
      fieldErrors: { image: [expect.stringContaining('No base image named "nope"')] },
    });
  });

  it("is refused, in words, while the base image has no built revision", async () => {
    const refused = await submit();
    expect(refused).toMatchObject({ ok: false, status: 422 });
    expect(JSON.stringify(refused)).toContain("base image torch-base has no built revision yet: build it first");
  });

  it("runs the current revision by digest, and the next run follows a newer revision", async () => {
    pushRevision(DIGEST_1);
    const first = await submit();
    if (!first.ok) throw new Error(JSON.stringify(first));
    expect(first.data.resolution.image).toBe(`registry.example.com/ml/torch-base@${DIGEST_1}`);
    const pods = await kubeClients(db.select().from(schema.clusters).get()!).core.listNamespacedPod({
      namespace: `bic-${suffix}`,
      labelSelector: `berth.dev/run=${first.data.id}`,
    });
    expect(pods.items[0].spec!.containers[0].image).toBe(`registry.example.com/ml/torch-base@${DIGEST_1}`);

    pushRevision(DIGEST_2);
    const second = await submit();
    if (!second.ok) throw new Error(JSON.stringify(second));
    expect(second.data.resolution.image).toBe(`registry.example.com/ml/torch-base@${DIGEST_2}`);
  });

  it("a code env built for that config builds on the base image's revision and pushes to the base image's registry", async () => {
    const { createCodeEnv } = await import("@/lib/code-envs/mutations");
    const created = await executeMutation(
      createCodeEnv,
      {
        name: "torch-env",
        language: "python",
        packages: ["torch==2.5.1"],
        buildFor: { executionConfigs: ["torch"], sparkConfigs: "none" },
      },
      admin,
      "api",
    );
    if (!created.ok) throw new Error(JSON.stringify(created));
    expect(created.data.images).toHaveLength(1);
    expect(created.data.images[0]).toMatchObject({
      baseRef: "registry.example.com/ml/torch-base:b-0123456789ab",
      problem: null,
      image: expect.stringMatching(/^registry\.example\.com\/ml\/torch-base:ce-torch-env-[0-9a-f]{12}$/),
    });
  });
});
