import "server-only";

import { and, eq, inArray, ne } from "drizzle-orm";
import { z } from "zod";

import { isQuantity, parseQuantity, quantityInRange } from "@berth/quantity";
import type { Tx } from "@/db";
import { baseImages, imageBuilds, settings, type BaseImageRow } from "@/db/schema";
import { defineMutation } from "@/lib/actions/mutation";
import { conflict, DomainError, notFound } from "@/lib/actions/result";
import { findCluster } from "@/lib/clusters/queries";
import { encryptSecret } from "@/lib/crypto/secret-box";
import { findDockerHost } from "@/lib/docker-hosts/queries";
import { dnsLabelSchema } from "@/lib/kube/names";
import { conflictView, versionToRestore } from "@/lib/objects/history";
import { importDocumentSchema } from "@/lib/objects/import";
import { assertFreshVersion, versionSchema } from "@/lib/objects/versioned";
import { fromYamlDocument } from "@/lib/objects/yaml";
import { can } from "@/lib/permissions";
import { fieldErrorsFrom } from "@/lib/validation";

import { cancelBuild, ensureBuildRunner } from "./build-runner";
import {
  BUILD_EXECUTORS,
  BUILD_RESOURCE_SETTINGS,
  buildSettingsView,
  findBuild,
  queueBuild,
  resolveBuildCluster,
  toBuildView,
  type BuildView,
} from "./builds";
import { checkRegistryCredentials, dockerConfigFor, registryCredentialsFields } from "./credentials";
import { baseImageDockerfile, baseImageRef, inputsHash } from "./dockerfile";
import {
  BASE_IMAGE_KIND,
  BASE_IMAGE_OBJECT_TYPE,
  baseImageBody,
  baseImageSpec,
  findBaseImage,
  toBaseImageView,
} from "./queries";
import { imageReferenceProblem } from "./reference";
import { baseImageSchema, type BaseImageSpec } from "./schema";

const refSchema = z.union([z.number().int().positive(), z.string().trim().min(1).max(63)], {
  error: "baseImage must be a name or an id",
});
const READ_ONLY_FIELDS = new Set([
  "baseImage",
  "version",
  "id",
  "createdAt",
  "updatedAt",
  "image",
  "inputsHash",
  "buildCluster",
  "registryCredentials",
  "currentBuild",
  "latestBuild",
  "revisionState",
]);

function requireBaseImage(tx: Tx, ref: string | number): BaseImageRow {
  const row = findBaseImage(ref, tx);
  if (!row) throw notFound(`Base image "${ref}"`);
  return row;
}

function audit(row: BaseImageRow) {
  return { objectType: BASE_IMAGE_OBJECT_TYPE, objectId: row.id, objectName: row.name };
}

function assertNameFree(tx: Tx, name: string, exceptId?: number) {
  const taken = tx
    .select({ id: baseImages.id })
    .from(baseImages)
    .where(exceptId ? and(eq(baseImages.name, name), ne(baseImages.id, exceptId)) : eq(baseImages.name, name))
    .get();
  if (taken) throw conflict("name", `A base image named "${name}" already exists`);
}

/** Checks the cluster name and turns a body into column values. */
function columnsOf(tx: Tx, input: BaseImageSpec) {
  const { name, description, cluster, ...spec } = input;
  let clusterId: number | null = null;
  if (cluster) {
    const row = findCluster(cluster, tx);
    if (!row)
      throw new DomainError(422, "Some referenced objects do not exist", {
        cluster: [`No cluster named "${cluster}"`],
      });
    clusterId = row.id;
  }
  return { name, description, clusterId, spec: spec as Record<string, unknown> };
}

function parseBody(raw: Record<string, unknown>): BaseImageSpec {
  const parsed = baseImageSchema.safeParse(raw);
  if (!parsed.success) throw new DomainError(400, "Some fields are not valid", fieldErrorsFrom(parsed.error));
  return parsed.data;
}

function saveVersion(tx: Tx, before: BaseImageRow, body: BaseImageSpec) {
  assertNameFree(tx, body.name, before.id);
  const after = tx
    .update(baseImages)
    .set({ ...columnsOf(tx, body), version: before.version + 1, updatedAt: new Date() })
    .where(eq(baseImages.id, before.id))
    .returning()
    .get();
  return { after, audit: { ...audit(after), before: baseImageBody(before, tx), after: baseImageBody(after, tx) } };
}

export const createBaseImage = defineMutation({
  name: "base-image.create",
  permission: "images.manage",
  schema: baseImageSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      assertNameFree(tx, input.name);
      const row = tx.insert(baseImages).values(columnsOf(tx, input)).returning().get();
      return { result: toBaseImageView(row, tx), audit: { ...audit(row), after: baseImageBody(row, tx) } };
    });
  },
});

export const updateBaseImageSchema = z.looseObject({ baseImage: refSchema, version: versionSchema.optional() });

export const updateBaseImage = defineMutation({
  name: "base-image.update",
  permission: "images.manage",
  schema: updateBaseImageSchema,
  run(input, ctx) {
    // Read-only fields of a GET are ignored, so a client may send back what it read.
    const changes = Object.fromEntries(Object.entries(input).filter(([key]) => !READ_ONLY_FIELDS.has(key)));
    return ctx.write((tx) => {
      const before = requireBaseImage(tx, input.baseImage);
      assertFreshVersion(
        "This base image",
        before,
        input.version,
        conflictView(BASE_IMAGE_OBJECT_TYPE, before.id, toBaseImageView(before, tx), tx),
      );
      const { after, audit } = saveVersion(tx, before, parseBody({ ...baseImageBody(before, tx), ...changes }));
      return { result: toBaseImageView(after, tx), audit };
    });
  },
});

export const restoreBaseImage = defineMutation({
  name: "base-image.restore",
  permission: "images.manage",
  schema: z.strictObject({
    baseImage: refSchema,
    auditEventId: z.coerce.number({ error: "auditEventId must be a number" }).int().positive(),
  }),
  run(input, ctx) {
    return ctx.write((tx) => {
      const before = requireBaseImage(tx, input.baseImage);
      const body = versionToRestore(
        BASE_IMAGE_OBJECT_TYPE,
        before.id,
        input.auditEventId,
        baseImageBody(before, tx),
        tx,
      );
      const { after, audit } = saveVersion(tx, before, parseBody(body));
      return {
        result: toBaseImageView(after, tx),
        audit: { ...audit, after: { ...audit.after, restoredFrom: input.auditEventId } },
      };
    });
  },
});

export const deleteBaseImage = defineMutation({
  name: "base-image.delete",
  permission: "images.manage",
  schema: z.strictObject({ baseImage: refSchema }),
  run(input, ctx) {
    return ctx.write((tx) => {
      const row = requireBaseImage(tx, input.baseImage);
      const active = tx
        .select({ id: imageBuilds.id })
        .from(imageBuilds)
        .where(and(eq(imageBuilds.baseImageId, row.id), inArray(imageBuilds.status, ["queued", "running"])))
        .all();
      if (active.length)
        throw new DomainError(
          409,
          `Base image "${row.name}" has builds in progress (${active.map((build) => `#${build.id}`).join(", ")}): cancel them or wait for them to end`,
        );
      tx.delete(baseImages).where(eq(baseImages.id, row.id)).run();
      return { result: { id: row.id, name: row.name }, audit: { ...audit(row), before: baseImageBody(row, tx) } };
    });
  },
});

/** Stores registry credentials encrypted; the audit row says only who the login is, never the secret. */
export const setRegistryCredentials = defineMutation({
  name: "base-image.credentials.set",
  permission: "images.manage",
  schema: z.strictObject({ baseImage: refSchema, ...registryCredentialsFields }).superRefine(checkRegistryCredentials),
  run(input, ctx) {
    const { baseImage, ...credentials } = input;
    return ctx.write((tx) => {
      const row = requireBaseImage(tx, baseImage);
      const config = dockerConfigFor(baseImageSpec(row, tx).registry.url, credentials);
      tx.update(baseImages)
        .set({ registryCredentialsEncrypted: encryptSecret(config), updatedAt: new Date() })
        .where(eq(baseImages.id, row.id))
        .run();
      const login = credentials.dockerConfigJson ? "docker config JSON" : `username ${credentials.username}`;
      return {
        result: toBaseImageView(findBaseImage(row.id, tx)!, tx),
        audit: { ...audit(row), after: { registryLogin: `set (${login})` } },
      };
    });
  },
});

export const clearRegistryCredentials = defineMutation({
  name: "base-image.credentials.clear",
  permission: "images.manage",
  schema: z.strictObject({ baseImage: refSchema }),
  run(input, ctx) {
    return ctx.write((tx) => {
      const row = requireBaseImage(tx, input.baseImage);
      tx.update(baseImages)
        .set({ registryCredentialsEncrypted: null, updatedAt: new Date() })
        .where(eq(baseImages.id, row.id))
        .run();
      return {
        result: toBaseImageView(findBaseImage(row.id, tx)!, tx),
        audit: { ...audit(row), after: { registryLogin: "removed" } },
      };
    });
  },
});

/**
 * Queues a build of the base image as it is now, on its build cluster, or with `dockerHost` on that
 * Docker host's engine (the actor must be allowed to use it); the runner starts it.
 */
export const buildBaseImage = defineMutation({
  name: "base-image.build",
  permission: "images.manage",
  schema: z.strictObject({
    baseImage: refSchema,
    dockerHost: z.string({ error: "dockerHost must be a Docker host's name" }).trim().min(1).max(63).optional(),
  }),
  run(input, ctx) {
    const build = ctx.write((tx) => {
      const row = requireBaseImage(tx, input.baseImage);
      const spec = baseImageSpec(row, tx);
      const host = input.dockerHost === undefined ? undefined : findDockerHost(input.dockerHost, tx);
      if (input.dockerHost !== undefined && !host)
        throw new DomainError(422, "Some referenced objects do not exist", {
          dockerHost: [`No Docker host named "${input.dockerHost}"`],
        });
      if (host && !can(ctx.actor, "dockerHosts.use", { dockerHost: host.id }))
        throw new DomainError(403, `You may not use Docker host ${host.name}: ask one of its managers for access`);
      const cluster = host ? null : resolveBuildCluster(row.clusterId, tx);
      const queued = queueBuild(tx, {
        kind: "base-image",
        baseImageId: row.id,
        dockerfile: baseImageDockerfile(spec),
        image: baseImageRef(spec),
        inputsHash: inputsHash(spec),
        clusterId: cluster?.id ?? null,
        dockerHostId: host?.id ?? null,
        startedBy: ctx.actor.id,
      });
      const view = toBuildView(queued, tx);
      const target = host ? { dockerHost: host.name } : { cluster: cluster!.name };
      return { result: view, audit: { ...audit(row), after: { build: queued.id, image: queued.image, ...target } } };
    });
    ensureBuildRunner();
    return build;
  },
});

/** Makes a pushed build the base image's current revision. */
export const markBuildCurrent = defineMutation({
  name: "base-image.mark-current",
  permission: "images.manage",
  schema: z.strictObject({
    baseImage: refSchema,
    build: z.coerce.number({ error: "build must be a build id" }).int().positive(),
  }),
  run(input, ctx) {
    return ctx.write((tx) => {
      const row = requireBaseImage(tx, input.baseImage);
      const build = findBuild(input.build, tx);
      if (!build || build.baseImageId !== row.id || build.kind !== "base-image")
        throw new DomainError(404, `Build ${input.build} is not a build of base image "${row.name}"`, {
          build: ["Not a build of this base image"],
        });
      if (build.status !== "pushed")
        throw new DomainError(
          409,
          `Build ${build.id} is ${build.status}: only a pushed build can be the current revision`,
          { build: ["Only a pushed build can be current"] },
        );
      const previous = row.currentBuildId;
      tx.update(baseImages)
        .set({ currentBuildId: build.id, updatedAt: new Date() })
        .where(eq(baseImages.id, row.id))
        .run();
      return {
        result: toBaseImageView(findBaseImage(row.id, tx)!, tx),
        audit: {
          ...audit(row),
          before: { currentBuild: previous },
          after: { currentBuild: build.id, image: build.image, digest: build.digest },
        },
      };
    });
  },
});

/** Cancels a queued or running build (its Job is deleted). */
export const cancelImageBuild = defineMutation({
  name: "image-build.cancel",
  permission: "images.manage",
  schema: z.strictObject({ build: z.coerce.number({ error: "build must be a build id" }).int().positive() }),
  async run(input, ctx): Promise<BuildView> {
    const cancelled = await cancelBuild(input.build);
    return ctx.write((tx) => ({
      result: toBuildView(cancelled, tx),
      audit: {
        objectType: "image-build",
        objectId: cancelled.id,
        objectName: `#${cancelled.id} ${cancelled.image}`,
        after: { status: "cancelled" },
      },
    }));
  },
});

/**
 * Imports a YAML document `{ yaml }`: creates the base image, or saves it as the next version of the one
 * of that name, through the create or update mutation (their permissions and audit rows apply).
 */
export const importBaseImage = defineMutation({
  name: "base-image.import",
  permission: createBaseImage.permission,
  schema: importDocumentSchema,
  run(input, ctx) {
    const parsed = fromYamlDocument(input.yaml, BASE_IMAGE_KIND, baseImageSchema);
    if (!parsed.ok) throw new DomainError(400, parsed.error, parsed.fieldErrors);
    const existing = findBaseImage(parsed.value.name);
    return existing
      ? ctx.delegate(updateBaseImage, { ...parsed.value, baseImage: existing.id })
      : ctx.delegate(createBaseImage, parsed.value);
  },
});

const executorImageSchema = (field: string) =>
  z
    .string({ error: `${field} must be an image reference` })
    .trim()
    .superRefine((value, ctx) => {
      const problem = imageReferenceProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: `${field} ${problem}` });
    })
    .nullable()
    .optional();

/** A cpu or memory quantity of the builder container; null (or "") leaves it unset. */
const buildQuantitySchema = z
  .union([z.string(), z.number(), z.null()], { error: "must be a quantity such as 500m, 2, 4Gi, or empty for none" })
  .transform((value) => (value === null ? null : String(value).trim() || null))
  .refine(
    (value) => value === null || (quantityInRange(value) && isQuantity(value) && parseQuantity(value).nano > 0n),
    "must be a positive Kubernetes quantity such as 500m, 2, 4Gi, or empty for none",
  )
  .optional();

const cpuMemorySchema = z.strictObject({ cpu: buildQuantitySchema, memory: buildQuantitySchema });

export const buildSettingsSchema = z
  .strictObject({
    maxConcurrentBuilds: z
      .number({ error: "maxConcurrentBuilds must be a whole number from 1 to 50" })
      .int("maxConcurrentBuilds must be a whole number")
      .min(1, "At least 1 build at a time")
      .max(50, "At most 50 builds at a time")
      .optional(),
    kanikoImage: executorImageSchema("kanikoImage"),
    buildkitImage: executorImageSchema("buildkitImage"),
    executor: z
      .enum(BUILD_EXECUTORS, { error: `executor must be one of ${BUILD_EXECUTORS.join(", ")}` })
      .nullable()
      .optional(),
    namespace: dnsLabelSchema("namespace").nullable().optional(),
    resources: z.strictObject({ requests: cpuMemorySchema.optional(), limits: cpuMemorySchema.optional() }).optional(),
  })
  .superRefine(
    (input, ctx) => {
      const quantity = (value: unknown) =>
        typeof value === "string" && quantityInRange(value.trim()) && isQuantity(value.trim())
          ? parseQuantity(value.trim())
          : null;
      for (const name of ["cpu", "memory"] as const) {
        const request = quantity(input?.resources?.requests?.[name]);
        const limit = quantity(input?.resources?.limits?.[name]);
        if (request && limit && request.nano > limit.nano) {
          ctx.addIssue({
            code: "custom",
            path: ["resources", "requests", name],
            message: `must not exceed the ${name} limit (${String(input.resources?.limits?.[name]).trim()})`,
          });
        }
      }
    },
    // Also when another field is wrong, so every problem is reported at once.
    { when: () => true },
  );

/**
 * Sets how many builds run at once per cluster, the executor (Kaniko or BuildKit) and its image,
 * the namespace new builds run in, and the builder's requests and limits (null: the default for
 * images, executor and namespace; none for a request or limit). Started builds keep what they had.
 */
export const updateBuildSettings = defineMutation({
  name: "settings.image-builds.update",
  permission: "settings.manage",
  schema: buildSettingsSchema,
  run(input, ctx) {
    return ctx.write((tx) => {
      const before = buildSettingsView(tx);
      const write = (key: string, value: number | string | null) => {
        if (value === null) tx.delete(settings).where(eq(settings.key, key)).run();
        else
          tx.insert(settings)
            .values({ key, value })
            .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: new Date() } })
            .run();
      };
      if (input.maxConcurrentBuilds !== undefined) write("maxConcurrentBuilds", input.maxConcurrentBuilds);
      if (input.kanikoImage !== undefined) write("kanikoImage", input.kanikoImage);
      if (input.buildkitImage !== undefined) write("buildkitImage", input.buildkitImage);
      if (input.executor !== undefined) write("buildExecutor", input.executor);
      if (input.namespace !== undefined) write("buildNamespace", input.namespace);
      // "" stores "none", which differs from an absent row (the default).
      for (const [key, [list, name]] of Object.entries(BUILD_RESOURCE_SETTINGS)) {
        const value = input.resources?.[list]?.[name];
        if (value !== undefined) write(key, value ?? "");
      }
      const after = buildSettingsView(tx);
      return {
        result: after,
        audit: {
          objectType: "settings",
          objectId: "instance",
          objectName: "image builds",
          before: { ...before },
          after: { ...after },
        },
      };
    });
  },
});
